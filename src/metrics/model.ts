/**
 * The metric data model shared by the store, the API handlers, EMF extraction and metric math:
 * units, dimensions, normalized datums and the identity of a metric (series).
 */
import { createHash } from 'node:crypto';

export const STANDARD_UNITS = [
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second',
  'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second',
  'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
] as const;
export type StandardUnit = typeof STANDARD_UNITS[number];
const UNIT_SET = new Set<string>(STANDARD_UNITS);
export const isStandardUnit = (u: string): u is StandardUnit => UNIT_SET.has(u);

/** AWS limits (fact sheet 3.2). */
export const LIMITS = {
  maxDimensions: 30,
  maxDatumsPerPut: 1000,
  maxValuesPerDatum: 150,
  maxPutBytes: 1024 * 1024,
  /** Values must lie in [-2^360, 2^360]; non-zero magnitudes below 2^-360 are rejected too. */
  maxMagnitude: 2 ** 360,
  minMagnitude: 2 ** -360,
  maxPastMs: 14 * 86_400_000,
  maxFutureMs: 2 * 3_600_000,
} as const;

/** How long metrics derived from log batches (metric filters, EMF) may wait to share an engine insert (store.ts PutOptions). */
export const DERIVED_METRICS_LINGER_MS = 200;

export interface Dimension { Name: string; Value: string }

/** One weighted sample: `count` observations of `value` (a single Value is count 1). */
export interface Sample { value: number; count: number }

export interface StatisticSet { sampleCount: number; sum: number; min: number; max: number }

/** A validated datum, ready for the store. Exactly one of `samples` and `stats` is set. */
export interface Datum {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  /** Epoch milliseconds. */
  timestamp: number;
  unit: string;
  /** 1 (high resolution) or 60 (standard). */
  resolution: 1 | 60;
  samples?: Sample[];
  stats?: StatisticSet;
}

/** Dimensions in canonical (name) order: a metric's identity does not depend on the order sent. */
export function canonicalDimensions(dims: readonly Dimension[]): Dimension[] {
  return [...dims].sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

/** The identity of a metric: namespace, name and the exact set of dimensions. */
export function seriesKey(namespace: string, metricName: string, dims: readonly Dimension[]): string {
  let k = `${namespace}\u0000${metricName}`;
  // Computed for every datum stored: skip the sorted copy when the names are already in order.
  let sorted = true;
  for (let i = 1; i < dims.length; i++) if (dims[i - 1].Name > dims[i].Name) { sorted = false; break; }
  for (const d of sorted ? dims : canonicalDimensions(dims)) k += `\u0000${d.Name}\u0001${d.Value}`;
  return k;
}

/**
 * A 53-bit id for a series key (exact as a JS number and as an engine UInt64). `salt` > 0 is
 * used only when two keys collide; the catalog remembers which id each key got.
 */
export function seriesHash(key: string, salt = 0): number {
  const h = createHash('sha256').update(salt ? `${salt}#${key}` : key).digest();
  const id = (h.readUInt32BE(0) & 0x1fffff) * 2 ** 32 + h.readUInt32BE(4);
  return id === 0 ? 1 : id;
}

/** Checks a double the way PutMetricData does: finite and within AWS's magnitude range. */
export function validMetricValue(v: number): boolean {
  if (!Number.isFinite(v)) return false;
  const a = Math.abs(v);
  return a === 0 || (a <= LIMITS.maxMagnitude && a >= LIMITS.minMagnitude);
}

/** Floors a timestamp to the storage resolution (standard-resolution data is kept per minute). */
export function floorToResolution(ts: number, resolution: 1 | 60): number {
  const step = resolution * 1000;
  return Math.floor(ts / step) * step;
}
