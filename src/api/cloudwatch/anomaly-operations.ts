/**
 * The CloudWatch anomaly detector operations (PutAnomalyDetector, DescribeAnomalyDetectors,
 * DeleteAnomalyDetector), merged into the service by ./index.ts (docs/anomaly-detection.md).
 *
 * A single-metric detector comes either as SingleMetricAnomalyDetector or as the deprecated
 * top-level Namespace/MetricName/Dimensions/Stat (never both); a metric math detector as
 * MetricMathAnomalyDetector, whose queries are validated like GetMetricData's.
 */
import type { ErrorDef, OperationDef } from '../protocols/types.js';
import { bool, int, list, str, struct, ts } from '../protocols/types.js';
import type { CallContext, Handler } from '../context.js';
import { AwsError } from '../errors.js';
import { callsOf, references } from '../../metrics/math/parser.js';
import { parseStat } from '../../metrics/statistics.js';
import type { Query } from '../../metrics/metric-data.js';
import { AnomalyLimitError } from '../../metrics/anomaly/service.js';
import { MAX_EXCLUDED_RANGES, UNSUPPORTED_IN_MATH_DETECTOR, storedQuery, type Detector, type DetectorConfig, type SingleMetric, type StoredQuery } from '../../metrics/anomaly/detectors.js';
import { validTimezone } from '../../metrics/anomaly/local-time.js';
import { combination, invalid, invalidNextToken, invalidValue, missing } from './errors.js';
import { dimensions, integer, list as listParam, namespace, struct as structParam, text, timestamp, type Input } from './params.js';
import { MAX_QUERIES, readQuery } from './metric-data-query.js';
import { Dimensions, MetricDataQuery } from './shapes.js';

// ------------------------------------------------------------------ shapes (2010-08-01 model)

const Range = struct({ StartTime: ts, EndTime: ts });
const Configuration = struct({ ExcludedTimeRanges: list(Range), MetricTimezone: str, AdaptationSpeed: str, OutlierFilteringStrength: str });
const MetricCharacteristics = struct({ PeriodicSpikes: bool });
const SingleMetricAnomalyDetector = struct({ AccountId: str, Namespace: str, MetricName: str, Dimensions, Stat: str });
const MetricMathAnomalyDetector = struct({ MetricDataQueries: list(MetricDataQuery) });
const Identity = { Namespace: str, MetricName: str, Dimensions, Stat: str, SingleMetricAnomalyDetector, MetricMathAnomalyDetector };

const PutAnomalyDetectorInput = struct({ ...Identity, Configuration, MetricCharacteristics });
const DeleteAnomalyDetectorInput = struct(Identity);
const DescribeAnomalyDetectorsInput = struct({ NextToken: str, MaxResults: int, Namespace: str, MetricName: str, Dimensions, AnomalyDetectorTypes: list(str) });
const AnomalyDetector = struct({ ...Identity, Configuration, StateValue: str, MetricCharacteristics });
const DescribeAnomalyDetectorsOutput = struct({ AnomalyDetectors: list(AnomalyDetector), NextToken: str });

// ------------------------------------------------------------------ validation

export const DESCRIBE_MAX_RESULTS = 100;
const STAT_MAX = 50;
const TYPES = ['SINGLE_METRIC', 'METRIC_MATH'] as const;
const LEGACY = ['Namespace', 'MetricName', 'Dimensions', 'Stat'] as const;

const present = (v: unknown) => v !== undefined && v !== null;

function readSingle(o: Input, prefix: string, ctx: CallContext): SingleMetric {
  const p = (n: string) => (prefix ? `${prefix}.${n}` : n);
  const account = text(o, 'AccountId', p('AccountId'), { min: 1, max: 255 });
  // Cross-account observability is not implemented: refuse rather than model the wrong metric.
  if (account !== undefined && account !== ctx.accountId) throw invalid(`The value ${account} for parameter ${p('AccountId')} is invalid: cross-account anomaly detectors are not supported.`);
  const ns = namespace(o, p('Namespace'), { required: true })!;
  const metricName = text(o, 'MetricName', p('MetricName'), { required: true, min: 1, max: 255 })!;
  const dims = dimensions(o, p('Dimensions'));
  const stat = text(o, 'Stat', p('Stat'), { required: true, min: 1, max: STAT_MAX })!;
  if (!parseStat(stat)) throw invalidValue(stat, p('Stat'));
  return { namespace: ns, metricName, dimensions: dims, stat };
}

function readMath(o: Input): StoredQuery[] {
  const path = 'MetricMathAnomalyDetector.MetricDataQueries';
  const raw = listParam(o, 'MetricDataQueries', path, { required: true, max: MAX_QUERIES })!;
  const seen = new Set<string>();
  const queries: Query[] = raw.map((q, i) => readQuery(q, i, seen, path));
  const returning = queries.filter((q) => q.returnData);
  if (returning.length !== 1) throw invalid(`Exactly one element of ${path} must have ReturnData set to true; the others must set it to false.`);
  for (const q of queries) {
    if (q.kind !== 'expr') continue;
    for (const name of UNSUPPORTED_IN_MATH_DETECTOR) if (callsOf(q.ast, name).length) throw invalid(`Error in expression ${q.id}: anomaly detection on metric math does not support ${name}.`);
    for (const r of references(q.ast)) if (!seen.has(r)) throw invalid(`Error in expression ${q.id}: Unknown id ${r}.`);
  }
  // A cycle could never be evaluated: refuse it now rather than leave the detector untrainable.
  const byId = new Map(queries.map((q) => [q.id, q]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, from: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') throw invalid(`Error in expression ${from}: Circular reference between expressions ${from} and ${id}.`);
    state.set(id, 'visiting');
    const q = byId.get(id)!;
    if (q.kind === 'expr') for (const r of references(q.ast)) visit(r, id);
    state.set(id, 'done');
  };
  for (const q of queries) visit(q.id, q.id);
  return queries.map(storedQuery);
}

type Identity = Pick<Detector, 'type' | 'single' | 'queries'>;

/** The detector a request names, in whichever of the three forms it uses. */
function readIdentity(input: Input, ctx: CallContext): Identity {
  const hasSingle = present(input.SingleMetricAnomalyDetector);
  const hasMath = present(input.MetricMathAnomalyDetector);
  const legacy = LEGACY.filter((k) => present(input[k]));
  if (hasSingle && hasMath) throw combination('The parameters SingleMetricAnomalyDetector and MetricMathAnomalyDetector are mutually exclusive and you have specified both.');
  if ((hasSingle || hasMath) && legacy.length) {
    throw combination(`The parameters ${hasSingle ? 'SingleMetricAnomalyDetector' : 'MetricMathAnomalyDetector'} and ${legacy[0]} are mutually exclusive and you have specified both.`);
  }
  if (hasMath) return { type: 'METRIC_MATH', queries: readMath(structParam(input.MetricMathAnomalyDetector, 'MetricMathAnomalyDetector')) };
  if (hasSingle) return { type: 'SINGLE_METRIC', single: readSingle(structParam(input.SingleMetricAnomalyDetector, 'SingleMetricAnomalyDetector'), 'SingleMetricAnomalyDetector', ctx) };
  if (!legacy.length) throw missing('SingleMetricAnomalyDetector or MetricMathAnomalyDetector');
  return { type: 'SINGLE_METRIC', single: readSingle(input, '', ctx) };
}

function readConfiguration(input: Input): DetectorConfig {
  if (!present(input.Configuration)) return { excluded: [] };
  const c = structParam(input.Configuration, 'Configuration');
  const ranges = listParam(c, 'ExcludedTimeRanges', 'Configuration.ExcludedTimeRanges', { max: MAX_EXCLUDED_RANGES }) ?? [];
  const excluded = ranges.map((r, i) => {
    const p = `Configuration.ExcludedTimeRanges.member.${i + 1}`;
    const x = structParam(r, p);
    const start = timestamp(x, 'StartTime', `${p}.StartTime`, true)!;
    const end = timestamp(x, 'EndTime', `${p}.EndTime`, true)!;
    if (end <= start) throw invalid(`The parameter ${p}.EndTime must be greater than ${p}.StartTime.`);
    return { start, end };
  });
  const out: DetectorConfig = { excluded };
  const timezone = text(c, 'MetricTimezone', 'Configuration.MetricTimezone', { max: 50 });
  if (timezone !== undefined && !validTimezone(timezone)) throw invalidValue(timezone, 'Configuration.MetricTimezone');
  if (timezone !== undefined) out.timezone = timezone;
  const speed = enumValue(c, 'AdaptationSpeed', 'Configuration.AdaptationSpeed', ['FAST', 'NORMAL', 'SLOW'] as const);
  if (speed !== undefined) out.adaptationSpeed = speed;
  const filtering = enumValue(c, 'OutlierFilteringStrength', 'Configuration.OutlierFilteringStrength', ['MINIMAL', 'MODERATE', 'STRICT'] as const);
  if (filtering !== undefined) out.outlierFiltering = filtering;
  return out;
}

function enumValue<T extends string>(o: Input, name: string, path: string, values: readonly T[]): T | undefined {
  const v = text(o, name, path);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) throw invalid(`The value ${v} for parameter ${path} is invalid. Valid values: ${values.join(', ')}.`);
  return v as T;
}

function readPeriodicSpikes(input: Input): boolean | undefined {
  if (!present(input.MetricCharacteristics)) return undefined;
  const m = structParam(input.MetricCharacteristics, 'MetricCharacteristics');
  if (!present(m.PeriodicSpikes)) return undefined;
  if (typeof m.PeriodicSpikes !== 'boolean') throw invalidValue(m.PeriodicSpikes, 'MetricCharacteristics.PeriodicSpikes');
  return m.PeriodicSpikes;
}

// ------------------------------------------------------------------ output

const apiDimensions = (d: SingleMetric['dimensions']) => d.map((x) => ({ Name: x.Name, Value: x.Value }));

function apiQuery(q: StoredQuery): Record<string, unknown> {
  const out: Record<string, unknown> = { Id: q.id };
  if (q.kind === 'stat') {
    const stat: Record<string, unknown> = { Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: apiDimensions(q.dimensions) }, Period: q.period, Stat: q.stat };
    if (q.unit !== undefined) stat.Unit = q.unit;
    out.MetricStat = stat;
  } else {
    out.Expression = q.expression;
    if (q.period !== undefined) out.Period = q.period;
  }
  if (q.label !== undefined) out.Label = q.label;
  out.ReturnData = q.returnData;
  return out;
}

function apiDetector(d: Detector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (d.type === 'SINGLE_METRIC') {
    const s = d.single!;
    const single = { Namespace: s.namespace, MetricName: s.metricName, Dimensions: apiDimensions(s.dimensions), Stat: s.stat };
    // The deprecated top-level members are still returned next to SingleMetricAnomalyDetector.
    Object.assign(out, single, { SingleMetricAnomalyDetector: single });
  } else {
    out.MetricMathAnomalyDetector = { MetricDataQueries: d.queries!.map(apiQuery) };
  }
  const config: Record<string, unknown> = { ExcludedTimeRanges: d.config.excluded.map((r) => ({ StartTime: new Date(r.start), EndTime: new Date(r.end) })) };
  if (d.config.timezone !== undefined) config.MetricTimezone = d.config.timezone;
  if (d.config.adaptationSpeed !== undefined) config.AdaptationSpeed = d.config.adaptationSpeed;
  if (d.config.outlierFiltering !== undefined) config.OutlierFilteringStrength = d.config.outlierFiltering;
  out.Configuration = config;
  out.StateValue = d.state;
  if (d.periodicSpikes !== undefined) out.MetricCharacteristics = { PeriodicSpikes: d.periodicSpikes };
  return out;
}

// ------------------------------------------------------------------ handlers

const PutAnomalyDetector: Handler = async (input, ctx) => {
  const id = readIdentity(input, ctx);
  const config = readConfiguration(input);
  const periodicSpikes = readPeriodicSpikes(input);
  try {
    ctx.anomalyDetectors.put({ ...id, config, ...(periodicSpikes === undefined ? {} : { periodicSpikes }) });
  } catch (e) {
    if (e instanceof AnomalyLimitError) throw new AwsError('LimitExceededException', e.message, 400);
    throw e;
  }
  return {};
};

const DeleteAnomalyDetector: Handler = async (input, ctx) => {
  const id = readIdentity(input, ctx);
  if (!ctx.anomalyDetectors.delete(id)) throw new AwsError('ResourceNotFoundException', 'The specified anomaly detector does not exist.', 404);
  return {};
};

/** NextToken: the key of the last detector served and a hash of the filters, opaque to clients. */
const encodeToken = (after: string, filters: string) => Buffer.from(JSON.stringify({ a: after, f: filters })).toString('base64url');
function decodeToken(token: string, filters: string): string {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { a?: unknown; f?: unknown };
    if (typeof t.a === 'string' && t.f === filters) return t.a;
  } catch { /* invalid */ }
  throw invalidNextToken();
}

const DescribeAnomalyDetectors: Handler = async (input, ctx) => {
  const max = integer(input, 'MaxResults', 'MaxResults', { min: 1, max: DESCRIBE_MAX_RESULTS }) ?? DESCRIBE_MAX_RESULTS;
  const ns = namespace(input, 'Namespace');
  const metricName = text(input, 'MetricName', 'MetricName', { min: 1, max: 255 });
  const dims = dimensions(input, 'Dimensions');
  const rawTypes = listParam<unknown>(input, 'AnomalyDetectorTypes', 'AnomalyDetectorTypes', { max: TYPES.length }) ?? [];
  const types = new Set<string>(rawTypes.map((t, i) => {
    if (typeof t !== 'string' || !(TYPES as readonly string[]).includes(t)) throw invalidValue(t, `AnomalyDetectorTypes.member.${i + 1}`);
    return t;
  }));
  if (!types.size) types.add('SINGLE_METRIC');
  const filters = JSON.stringify([ns, metricName, dims, [...types].sort()]);
  const token = text(input, 'NextToken', 'NextToken');
  const after = token === undefined ? undefined : decodeToken(token, filters);
  const matches = ctx.anomalyDetectors.listWithKeys().filter(([key, d]) => {
    if (after !== undefined && key <= after) return false;
    if (!types.has(d.type)) return false;
    // The namespace, metric and dimension filters apply to single-metric detectors (AWS: METRIC_MATH lists them all).
    if (d.type === 'METRIC_MATH') return true;
    const s = d.single!;
    if (ns !== undefined && s.namespace !== ns) return false;
    if (metricName !== undefined && s.metricName !== metricName) return false;
    return dims.every((f) => s.dimensions.some((x) => x.Name === f.Name && x.Value === f.Value));
  });
  const page = matches.slice(0, max);
  const out: Record<string, unknown> = { AnomalyDetectors: page.map(([, d]) => apiDetector(d)) };
  if (matches.length > page.length) out.NextToken = encodeToken(page[page.length - 1][0], filters);
  return out;
};

export const ANOMALY_OPERATIONS: Record<string, OperationDef> = {
  PutAnomalyDetector: { input: PutAnomalyDetectorInput, output: struct({}), handler: PutAnomalyDetector },
  DescribeAnomalyDetectors: { input: DescribeAnomalyDetectorsInput, output: DescribeAnomalyDetectorsOutput, handler: DescribeAnomalyDetectors },
  DeleteAnomalyDetector: { input: DeleteAnomalyDetectorInput, output: struct({}), handler: DeleteAnomalyDetector },
};
/** Errors these operations throw beyond the shared table in ./errors.ts (all are there already). */
export const ANOMALY_ERRORS: Record<string, ErrorDef> = {};
