/** PutMetricData: validates every datum (all-or-nothing) and stores them durably. */
import type { Handler } from '../context.js';
import { LIMITS, validMetricValue, type Datum } from '../../metrics/model.js';
import { combination, invalid, invalidValue, missing } from './errors.js';
import { dimensions, integer, list, namespace, struct, text, timestamp, unit } from './params.js';

function value(v: unknown, path: string): number {
  if (typeof v !== 'number' || !validMetricValue(v)) throw invalidValue(typeof v === 'number' ? String(v) : v, path);
  return v;
}

function toDatum(raw: unknown, path: string, ns: string, now: number): Datum {
  const d = struct(raw, path);
  const metricName = text(d, 'MetricName', `${path}.MetricName`, { required: true, min: 1, max: 255 })!;
  const dims = dimensions(d, `${path}.Dimensions`, LIMITS.maxDimensions);
  const ts = timestamp(d, 'Timestamp', `${path}.Timestamp`) ?? now;
  if (ts < now - LIMITS.maxPastMs) throw invalid(`The parameter ${path}.Timestamp must specify a time within the past two weeks.`);
  if (ts > now + LIMITS.maxFutureMs) throw invalid(`The parameter ${path}.Timestamp must specify a time no more than two hours in the future.`);
  const res = integer(d, 'StorageResolution', `${path}.StorageResolution`) ?? 60;
  if (res !== 1 && res !== 60) throw invalidValue(res, `${path}.StorageResolution`);
  const u = unit(d, `${path}.Unit`) ?? 'None';

  const given = (['Value', 'StatisticValues', 'Values'] as const).filter((k) => d[k] !== undefined && d[k] !== null);
  if (given.length > 1) throw combination(`The parameters ${path}.${given[0]} and ${path}.${given[1]} are mutually exclusive and you have specified both.`);
  if (d.Counts !== undefined && d.Counts !== null && given[0] !== 'Values') throw combination(`The parameter ${path}.Counts must be specified together with ${path}.Values.`);
  if (!given.length) throw combination(`At least one of the parameters ${path}.Value, ${path}.StatisticValues or ${path}.Values must be specified.`);

  const base = { namespace: ns, metricName, dimensions: dims, timestamp: ts, unit: u, resolution: res as 1 | 60 };
  if (given[0] === 'Value') return { ...base, samples: [{ value: value(d.Value, `${path}.Value`), count: 1 }] };
  if (given[0] === 'StatisticValues') {
    const sp = `${path}.StatisticValues`;
    const s = struct(d.StatisticValues, sp);
    const get = (k: string) => {
      if (s[k] === undefined || s[k] === null) throw missing(`${sp}.${k}`);
      return value(s[k], `${sp}.${k}`);
    };
    const stats = { sampleCount: get('SampleCount'), sum: get('Sum'), min: get('Minimum'), max: get('Maximum') };
    if (!(stats.sampleCount > 0)) throw invalid(`The parameter ${sp}.SampleCount must be greater than 0.`);
    if (stats.min > stats.max) throw invalid(`The parameter ${sp}.Minimum must be less than or equal to ${sp}.Maximum.`);
    return { ...base, stats };
  }
  const values = list<unknown>(d, 'Values', `${path}.Values`, { max: LIMITS.maxValuesPerDatum })!;
  const counts = list<unknown>(d, 'Counts', `${path}.Counts`, { max: LIMITS.maxValuesPerDatum });
  if (!values.length) throw combination(`At least one of the parameters ${path}.Value, ${path}.StatisticValues or ${path}.Values must be specified.`);
  if (counts && counts.length !== values.length) throw combination(`The parameters ${path}.Values and ${path}.Counts must be of the same size.`);
  return {
    ...base,
    samples: values.map((v, i) => {
      const count = counts ? counts[i] : 1;
      if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) throw invalidValue(String(count), `${path}.Counts.member.${i + 1}`);
      return { value: value(v, `${path}.Values.member.${i + 1}`), count };
    }),
  };
}

export const PutMetricData: Handler = async (input, ctx) => {
  const ns = namespace(input, 'Namespace', { required: true, reserved: true })!;
  const now = Date.now();
  const raw: Array<[unknown, string]> = [];
  (list(input, 'MetricData', 'MetricData') ?? []).forEach((d, i) => raw.push([d, `MetricData.member.${i + 1}`]));
  (list(input, 'EntityMetricData', 'EntityMetricData') ?? []).forEach((e, i) => {
    const em = struct(e, `EntityMetricData.member.${i + 1}`);
    (list(em, 'MetricData', `EntityMetricData.member.${i + 1}.MetricData`) ?? []).forEach((d, j) => raw.push([d, `EntityMetricData.member.${i + 1}.MetricData.member.${j + 1}`]));
  });
  if (!raw.length) throw missing('MetricData');
  if (raw.length > LIMITS.maxDatumsPerPut) throw invalid(`The collection MetricData must not have a size greater than ${LIMITS.maxDatumsPerPut}.`);
  const datums = raw.map(([d, path]) => toDatum(d, path, ns, now));
  await ctx.metrics.put(datums);
  return {};
};
