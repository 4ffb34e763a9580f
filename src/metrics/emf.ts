/**
 * Embedded Metric Format (fact sheet 4.7): log events that are JSON objects carrying
 * `_aws.CloudWatchMetrics` become metric datums.
 *
 * - The message must be one JSON object (a text prefix before the first `{`, as Lambda writes, is skipped).
 * - `_aws.Timestamp` (epoch ms) and `_aws.CloudWatchMetrics` (array of directives) are required.
 * - A directive needs `Namespace`, `Dimensions` (array of dimension sets, each ≤ 30 names; `[[]]`
 *   or `[]` means no dimensions) and `Metrics` (≤ 100 definitions: `Name`, optional `Unit`
 *   (default None) and `StorageResolution` 1|60 (default 60)).
 * - Targets are root-level members named exactly (`"A.a"` is the key `A.a`, not a path): a metric's
 *   value is a number or an array of ≤ 100 numbers; a dimension's value a string of 1–1024 chars.
 * - Each dimension set of a directive yields its own metric for every metric definition.
 * Invalid parts are skipped and reported in `errors` (the event itself is always stored as a log).
 */
import { DERIVED_METRICS_LINGER_MS, LIMITS, isStandardUnit, validMetricValue, type Datum, type Dimension } from './model.js';

export interface EmfParse {
  /** The event carries an `_aws` marker (it was meant as EMF). */
  emf: boolean;
  datums: Datum[];
  /** 'parse': not a usable JSON object / `_aws` block; 'validation': a directive, set or value broke the spec. */
  errors: Array<{ kind: 'parse' | 'validation'; message: string }>;
}

const MAX_DOC_BYTES = 256 * 1024;
const MAX_METRICS = 100;
const MAX_VALUES = 100;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const validNamespace = (ns: unknown): ns is string => typeof ns === 'string' && ns.length >= 1 && ns.length <= 255 && !ns.startsWith(':') && /^[\x20-\x7e]+$/.test(ns);

/** Parses one log event; `now` bounds timestamps as PutMetricData does (2 weeks back, 2 hours ahead). */
export function parseEmf(message: string, logGroup: string, logStream: string, now = Date.now()): EmfParse {
  const out: EmfParse = { emf: false, datums: [], errors: [] };
  if (!message.includes('"_aws"')) return out;
  out.emf = true;
  const where = `${logGroup}/${logStream}`;
  const fail = (kind: 'parse' | 'validation', m: string) => { out.errors.push({ kind, message: `${m} (${where})` }); return out; };
  const start = message.indexOf('{');
  if (start < 0) return fail('parse', 'EMF event is not a JSON object');
  if (Buffer.byteLength(message) > MAX_DOC_BYTES) return fail('validation', 'EMF document exceeds 256 KB');
  let doc: unknown;
  try { doc = JSON.parse(message.slice(start)); } catch { return fail('parse', 'EMF event is not valid JSON'); }
  if (!isObject(doc) || !isObject(doc._aws)) return fail('parse', 'EMF event has no _aws object');
  const aws = doc._aws;
  if (typeof aws.Timestamp !== 'number' || !Number.isFinite(aws.Timestamp)) return fail('validation', '_aws.Timestamp must be a number (epoch milliseconds)');
  if (!Array.isArray(aws.CloudWatchMetrics)) return fail('validation', '_aws.CloudWatchMetrics must be an array');
  const timestamp = Math.trunc(aws.Timestamp);
  if (timestamp < now - LIMITS.maxPastMs || timestamp > now + LIMITS.maxFutureMs) return fail('validation', '_aws.Timestamp is more than two weeks in the past or two hours in the future');

  aws.CloudWatchMetrics.forEach((directive: unknown, di: number) => {
    const at = `CloudWatchMetrics[${di}]`;
    if (!isObject(directive)) { fail('validation', `${at} must be an object`); return; }
    const { Namespace: namespace, Dimensions: dimensionSets, Metrics: metrics } = directive;
    if (!validNamespace(namespace)) { fail('validation', `${at}.Namespace must be 1-255 printable ASCII characters not starting with ':'`); return; }
    if (!Array.isArray(dimensionSets) || !dimensionSets.every((s) => Array.isArray(s) && s.every((x) => typeof x === 'string'))) {
      fail('validation', `${at}.Dimensions must be an array of arrays of strings`); return;
    }
    if (!Array.isArray(metrics) || metrics.length > MAX_METRICS) { fail('validation', `${at}.Metrics must be an array of at most ${MAX_METRICS} metric definitions`); return; }
    const sets: Dimension[][] = [];
    for (const set of (dimensionSets.length ? dimensionSets : [[]]) as string[][]) {
      if (set.length > LIMITS.maxDimensions) { fail('validation', `${at}: a dimension set has more than ${LIMITS.maxDimensions} dimensions`); continue; }
      const dims: Dimension[] = [];
      let ok = true;
      for (const name of set) {
        const v = doc[name];
        if (typeof v !== 'string' || v.length < 1 || v.length > 1024 || name.length < 1 || name.length > 255) { ok = false; break; }
        if (!dims.some((d) => d.Name === name)) dims.push({ Name: name, Value: v });
      }
      if (!ok) { fail('validation', `${at}: a dimension set references a member that is missing or not a string of 1-1024 characters`); continue; }
      sets.push(dims);
    }
    for (const def of metrics as unknown[]) {
      if (!isObject(def) || typeof def.Name !== 'string' || def.Name.length < 1 || def.Name.length > 255) { fail('validation', `${at}: a metric definition needs a Name of 1-255 characters`); continue; }
      const unit = def.Unit === undefined || def.Unit === null ? 'None' : def.Unit;
      if (typeof unit !== 'string' || !isStandardUnit(unit)) { fail('validation', `${at}: metric ${def.Name} has an invalid Unit`); continue; }
      const res = def.StorageResolution ?? 60;
      if (res !== 1 && res !== 60) { fail('validation', `${at}: metric ${def.Name} has an invalid StorageResolution`); continue; }
      const target = doc[def.Name];
      const values = typeof target === 'number' ? [target] : Array.isArray(target) && target.length <= MAX_VALUES && target.every((x) => typeof x === 'number') ? target as number[] : undefined;
      if (!values || !values.length) { fail('validation', `${at}: metric ${def.Name} has no numeric value (or more than ${MAX_VALUES})`); continue; }
      if (!values.every(validMetricValue)) { fail('validation', `${at}: metric ${def.Name} has a value out of range`); continue; }
      for (const dims of sets) {
        out.datums.push({
          namespace, metricName: def.Name, dimensions: dims, timestamp, unit, resolution: res,
          samples: values.map((value) => ({ value, count: 1 })),
        });
      }
    }
  });
  return out;
}

/** The datums an EMF log event produces (none for an event that is not valid EMF). */
export function extractEmfMetrics(message: string, logGroup: string, logStream: string, now = Date.now()): Datum[] {
  return parseEmf(message, logGroup, logStream, now).datums;
}

/** The part of an ingested batch EMF needs (structurally the ingest processors' batch). */
export interface EmfBatch {
  group: { name: string };
  stream: { name: string };
  events: ReadonlyArray<{ timestamp: number; message: string }>;
}

/**
 * A post-append processor: extracts EMF metrics from a durable log batch and stores them. EMF
 * failures are counted as `AWS/Logs` `EMFParsingErrors` / `EMFValidationErrors` (dimension
 * `LogGroupName`), the names AWS is documented to use (UNCONFIRMED).
 */
export function emfProcessor(metrics: { put(d: Datum[], o?: { lingerMs?: number }): Promise<void> }): (batch: EmfBatch) => Promise<void> {
  return async (batch) => {
    const now = Date.now();
    const datums: Datum[] = [];
    let parseErrors = 0, validationErrors = 0;
    for (const e of batch.events) {
      const r = parseEmf(e.message, batch.group.name, batch.stream.name, now);
      if (!r.emf) continue;
      datums.push(...r.datums);
      for (const x of r.errors) { if (x.kind === 'parse') parseErrors++; else validationErrors++; }
    }
    const dims = [{ Name: 'LogGroupName', Value: batch.group.name }];
    const count = (metricName: string, n: number): Datum => ({ namespace: 'AWS/Logs', metricName, dimensions: dims, timestamp: now, unit: 'Count', resolution: 60, samples: [{ value: n, count: 1 }] });
    if (parseErrors) datums.push(count('EMFParsingErrors', parseErrors));
    if (validationErrors) datums.push(count('EMFValidationErrors', validationErrors));
    // Derived on the ingest path: shares an engine insert with other batches' metrics (see PutOptions).
    if (datums.length) await metrics.put(datums, { lingerMs: DERIVED_METRICS_LINGER_MS });
  };
}
