/**
 * PutMetricData: validates every datum (all-or-nothing) and stores them durably.
 *
 * A request carries up to 1,000 datums, so validation is on the hot path: the common datum (a
 * single `Value`, valid fields) is checked by `fastDatum` without building parameter paths or
 * intermediate objects; anything else, and every invalid datum, goes through `toDatum`, which
 * gives AWS's error for the first problem, so answers are the same either way.
 */
import type { Handler } from '../context.js';
import { LIMITS, isStandardUnit, validMetricValue, type Datum, type Dimension } from '../../metrics/model.js';
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

const absent = (v: unknown): boolean => v === undefined || v === null;

/** The dimensions of a datum when every one is valid; undefined sends the datum to the full check. */
function fastDimensions(raw: unknown): Dimension[] | undefined {
  if (absent(raw)) return [];
  if (!Array.isArray(raw) || raw.length > LIMITS.maxDimensions) return undefined;
  const out: Dimension[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const x = raw[i] as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
    const Name = x.Name, Value = x.Value;
    if (typeof Name !== 'string' || Name.length < 1 || Name.length > 255 || typeof Value !== 'string' || Value.length < 1 || Value.length > 1024) return undefined;
    for (let j = 0; j < i; j++) if (out[j].Name === Name) return undefined;
    out[i] = { Name, Value };
  }
  return out;
}

/** A single-`Value` datum with every field valid, or undefined (then `toDatum` decides). */
function fastDatum(raw: unknown, ns: string, now: number): Datum | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const d = raw as Record<string, unknown>;
  const metricName = d.MetricName;
  if (typeof metricName !== 'string' || metricName.length < 1 || metricName.length > 255) return undefined;
  const v = d.Value;
  if (typeof v !== 'number' || !validMetricValue(v) || !absent(d.StatisticValues) || !absent(d.Values) || !absent(d.Counts)) return undefined;
  const t = d.Timestamp;
  const ts = absent(t) ? now : t instanceof Date ? t.getTime() : typeof t === 'number' ? t * 1000 : NaN;
  if (!Number.isFinite(ts) || ts < now - LIMITS.maxPastMs || ts > now + LIMITS.maxFutureMs) return undefined;
  const res = absent(d.StorageResolution) ? 60 : d.StorageResolution;
  if (res !== 1 && res !== 60) return undefined;
  const unit = absent(d.Unit) ? 'None' : d.Unit;
  if (typeof unit !== 'string' || !isStandardUnit(unit)) return undefined;
  const dimensions = fastDimensions(d.Dimensions);
  if (!dimensions) return undefined;
  return { namespace: ns, metricName, dimensions, timestamp: ts, unit, resolution: res, samples: [{ value: v, count: 1 }] };
}

export const PutMetricData: Handler = async (input, ctx) => {
  const ns = namespace(input, 'Namespace', { required: true, reserved: true })!;
  const now = Date.now();
  const plain = list(input, 'MetricData', 'MetricData') ?? [];
  const entities = (list(input, 'EntityMetricData', 'EntityMetricData') ?? []).map((e, i) => {
    const em = struct(e, `EntityMetricData.member.${i + 1}`);
    return list(em, 'MetricData', `EntityMetricData.member.${i + 1}.MetricData`) ?? [];
  });
  const total = entities.reduce((n, l) => n + l.length, plain.length);
  if (!total) throw missing('MetricData');
  if (total > LIMITS.maxDatumsPerPut) throw invalid(`The collection MetricData must not have a size greater than ${LIMITS.maxDatumsPerPut}.`);
  // Paths name the datum in errors; they are only built for a datum the fast check does not take.
  const datums: Datum[] = new Array(total);
  let k = 0;
  for (let i = 0; i < plain.length; i++) datums[k++] = fastDatum(plain[i], ns, now) ?? toDatum(plain[i], `MetricData.member.${i + 1}`, ns, now);
  entities.forEach((l, i) => l.forEach((d, j) => { datums[k++] = fastDatum(d, ns, now) ?? toDatum(d, `EntityMetricData.member.${i + 1}.MetricData.member.${j + 1}`, ns, now); }));
  await ctx.metrics.put(datums);
  return {};
};
