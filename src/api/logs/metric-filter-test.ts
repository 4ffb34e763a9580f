/** TestMetricFilter: which of up to 50 messages a filter pattern matches, and the values it extracts. */
import type { Handler } from '../context.js';
import { AwsError } from '../errors.js';
import { Validator } from '../validate.js';
import { compileJs, extract, FilterPatternError, parse } from '../../query/patterns/filter-pattern.js';

export const TestMetricFilter: Handler = async (input) => {
  const v = new Validator(input);
  const pattern = v.string('filterPattern', { required: true, min: 0, max: 1024 });
  const messages = v.array<string>('logEventMessages', { required: true, min: 1, max: 50, of: 'string' });
  v.done();
  let p;
  try { p = parse(pattern!); } catch (e) {
    if (e instanceof FilterPatternError) throw new AwsError('InvalidParameterException', e.message);
    throw e;
  }
  const match = compileJs(p);
  const matches = [];
  for (let i = 0; i < messages!.length; i++) {
    const m = messages![i];
    // AWS numbers events from 1 and reports the values the pattern's fields would extract.
    if (match(m)) matches.push({ eventNumber: i + 1, eventMessage: m, extractedValues: extract(p, m) ?? {} });
  }
  return { matches };
};
