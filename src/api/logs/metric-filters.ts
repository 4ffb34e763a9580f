/** PutMetricFilter, DescribeMetricFilters, DeleteMetricFilter (aws-facts.md §2.5, §3.1). */
import type { Handler } from '../context.js';
import { AwsError, notFoundGroup } from '../errors.js';
import { LOG_GROUP_NAME, Validator } from '../validate.js';
import { FilterPatternError, parseSelector } from '../../query/patterns/filter-pattern.js';
import { MAX_FILTERS_PER_GROUP, type MetricTransformation } from '../../metrics/metric-filters.js';

const FILTER_NAME = { min: 1, max: 512, pattern: /^[^:*]*$/, patternText: '[^:*]*' };
const METRIC_NAME = { min: 0, max: 255, pattern: /^[^:*$]*$/, patternText: '[^:*$]*' };
const UNITS = ['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None'];

function checkReference(ref: string, path: string): void {
  // A value or dimension is a number literal, `$.json.path` or a space-delimited `$name`.
  if (ref.startsWith('$.') || ref.startsWith('$[')) {
    try { parseSelector(ref); } catch (e) {
      if (e instanceof FilterPatternError) throw new AwsError('InvalidParameterException', `Invalid metric value or dimension at '${path}': ${e.reason}`);
      throw e;
    }
  } else if (ref.startsWith('$')) {
    if (!/^\$[A-Za-z0-9_]+$/.test(ref)) throw new AwsError('InvalidParameterException', `Invalid metric value or dimension at '${path}': ${ref}`);
  } else if (!Number.isFinite(Number(ref)) || ref.trim() === '') {
    throw new AwsError('InvalidParameterException', `Invalid metric value at '${path}': ${ref} is neither a number nor a field reference`);
  }
}

export const PutMetricFilter: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const groupName = v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const name = v.string('filterName', { required: true, ...FILTER_NAME });
  const pattern = v.string('filterPattern', { required: true, min: 0, max: 1024 });
  const list = v.array<Record<string, unknown>>('metricTransformations', { required: true, min: 1, max: 1 });
  const onTransformed = v.boolean('applyOnTransformedLogs') ?? false;
  v.done();
  const raw = list![0];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AwsError('SerializationException', "Unexpected value type for 'metricTransformations.1': expected structure");
  const tv = new Validator(raw);
  const t: MetricTransformation = {
    metricName: tv.string('metricName', { required: true, ...METRIC_NAME })!,
    metricNamespace: tv.string('metricNamespace', { required: true, ...METRIC_NAME })!,
    metricValue: tv.string('metricValue', { required: true, min: 0, max: 100 })!,
  };
  const defaultValue = raw.defaultValue;
  if (defaultValue !== undefined && defaultValue !== null && (typeof defaultValue !== 'number' || !Number.isFinite(defaultValue))) throw new AwsError('SerializationException', "Unexpected value type for 'defaultValue': expected double");
  const dims = tv.map('dimensions');
  const unit = tv.string('unit', { enum: UNITS });
  tv.done();
  if (typeof defaultValue === 'number') t.defaultValue = defaultValue;
  if (unit) t.unit = unit;
  if (dims) {
    if (Object.keys(dims).length > 3) throw new AwsError('InvalidParameterException', 'A metric filter can have at most 3 dimensions.');
    for (const [k, x] of Object.entries(dims)) {
      if (typeof x !== 'string') throw new AwsError('SerializationException', `Unexpected value type for 'dimensions.${k}': expected string`);
      checkReference(x, `metricTransformations.1.dimensions.${k}`);
    }
    if (Object.keys(dims).length) t.dimensions = dims as Record<string, string>;
  }
  if (t.dimensions && t.defaultValue !== undefined) throw new AwsError('InvalidParameterException', 'You cannot specify a default value for a metric filter that has dimensions.');
  checkReference(t.metricValue, 'metricTransformations.1.metricValue');
  try { ctx.metricFilters.matcher(pattern!); } catch (e) {
    if (e instanceof FilterPatternError) throw new AwsError('InvalidParameterException', e.message);
    throw e;
  }
  const g = ctx.store.meta.groups.get(groupName!);
  if (!g) throw notFoundGroup();
  const existing = ctx.metricFilters.get(g.name, name!);
  if (!existing && ctx.metricFilters.count(g.name) >= MAX_FILTERS_PER_GROUP) throw new AwsError('LimitExceededException', `Resource limit exceeded: at most ${MAX_FILTERS_PER_GROUP} metric filters per log group.`);
  ctx.metricFilters.put({ filterName: name!, filterPattern: pattern!, metricTransformations: [t], creationTime: existing?.creationTime ?? Date.now(), logGroupName: g.name, applyOnTransformedLogs: onTransformed });
  return {};
};

export const DescribeMetricFilters: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const groupName = v.string('logGroupName', LOG_GROUP_NAME);
  const prefix = v.string('filterNamePrefix', FILTER_NAME);
  const metricName = v.string('metricName', METRIC_NAME);
  const metricNamespace = v.string('metricNamespace', METRIC_NAME);
  const limit = v.integer('limit', { min: 1, max: 50 }) ?? 50;
  const token = v.string('nextToken', { min: 1 });
  v.done();
  if (prefix !== undefined && groupName === undefined) throw new AwsError('InvalidParameterException', 'filterNamePrefix requires logGroupName.');
  if ((metricName === undefined) !== (metricNamespace === undefined)) throw new AwsError('InvalidParameterException', 'metricName and metricNamespace must be specified together.');
  if (groupName !== undefined && !ctx.store.meta.groups.has(groupName)) throw notFoundGroup();
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  const all = ctx.metricFilters.list(groupName)
    .filter((f) => (prefix === undefined || f.filterName.startsWith(prefix)) && (metricName === undefined || f.metricTransformations.some((t) => t.metricName === metricName && t.metricNamespace === metricNamespace)));
  const out: Record<string, unknown> = { metricFilters: all.slice(offset, offset + limit) };
  if (offset + limit < all.length) out.nextToken = Buffer.from(String(offset + limit)).toString('base64url');
  return out;
};

export const DeleteMetricFilter: Handler = async (input, ctx) => {
  const v = new Validator(input);
  const groupName = v.string('logGroupName', { required: true, ...LOG_GROUP_NAME });
  const name = v.string('filterName', { required: true, ...FILTER_NAME });
  v.done();
  if (!ctx.store.meta.groups.has(groupName!)) throw notFoundGroup();
  if (!ctx.metricFilters.delete(groupName!, name!)) throw new AwsError('ResourceNotFoundException', 'The specified metric filter does not exist.');
  return {};
};
