/**
 * Anomaly detector definitions and their durable store: one JSON file under
 * `<dataDir>/anomaly/`, rewritten atomically (temp file, fsync, rename, directory fsync) before
 * PutAnomalyDetector or DeleteAnomalyDetector answers.
 *
 * A detector is identified the way AWS matches it: a single-metric detector by namespace, metric
 * name, dimensions (order-free) and statistic; a metric math detector by its queries (labels
 * aside). Putting a detector with the same identity replaces its configuration.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { replaceFileDurably } from '../../store/durable-file.js';
import { join } from 'node:path';
import { canonicalDimensions, type Dimension } from '../model.js';
import type { ExprQuery, StatQuery } from '../metric-data.js';
import type { AdaptationSpeed, OutlierFiltering } from './model.js';

export type DetectorState = 'PENDING_TRAINING' | 'TRAINED_INSUFFICIENT_DATA' | 'TRAINED';
export type DetectorType = 'SINGLE_METRIC' | 'METRIC_MATH';

/** AWS quota: anomaly detection models per Region per account. */
export const MAX_DETECTORS = 500;
/** PutAnomalyDetector: "You can specify as many as 10 time ranges." */
export const MAX_EXCLUDED_RANGES = 10;
/** Functions a metric math detector cannot model: they do not give one reproducible series. */
export const UNSUPPORTED_IN_MATH_DETECTOR = ['ANOMALY_DETECTION_BAND', 'SEARCH', 'INSIGHT_RULE_METRIC', 'SERVICE_QUOTA'] as const;

export interface SingleMetric { namespace: string; metricName: string; dimensions: Dimension[]; stat: string }

/** A math detector query as stored: a validated query without its parse tree. */
export type StoredQuery = StatQuery | Omit<ExprQuery, 'ast'>;

export interface DetectorConfig {
  /** [start, end) in ms. */
  excluded: Array<{ start: number; end: number }>;
  timezone?: string;
  adaptationSpeed?: AdaptationSpeed;
  outlierFiltering?: OutlierFiltering;
}

export interface Detector {
  type: DetectorType;
  single?: SingleMetric;
  queries?: StoredQuery[];
  config: DetectorConfig;
  periodicSpikes?: boolean;
  state: DetectorState;
  createdAt: number;
  /** Last time a model was trained for it (ms). */
  trainedAt?: number;
}

export function detectorKey(d: Pick<Detector, 'type' | 'single' | 'queries'>): string {
  if (d.type === 'SINGLE_METRIC') {
    const s = d.single!;
    return ['S', s.namespace, s.metricName, ...canonicalDimensions(s.dimensions).map((x) => `${x.Name}\u0001${x.Value}`), `\u0002${s.stat}`].join('\u0000');
  }
  const qs = d.queries!.map(identityOf).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return `M\u0000${JSON.stringify(qs)}`;
}

/** What identifies a math detector's query (its label does not). */
function identityOf(q: StoredQuery): Record<string, unknown> & { id: string } {
  if (q.kind === 'stat') {
    return { kind: q.kind, id: q.id, returnData: q.returnData, namespace: q.namespace, metricName: q.metricName, dimensions: canonicalDimensions(q.dimensions), period: q.period, stat: q.stat, unit: q.unit };
  }
  return { kind: q.kind, id: q.id, returnData: q.returnData, expression: q.expression, period: q.period };
}

/** A query as a math detector stores it (no parse tree). */
export function storedQuery(q: StatQuery | ExprQuery): StoredQuery {
  if (q.kind === 'stat') return { ...q };
  return { kind: 'expr', id: q.id, label: q.label, returnData: q.returnData, expression: q.expression, period: q.period };
}

export class DetectorStore {
  private readonly path: string;
  private readonly byKey = new Map<string, Detector>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'detectors.json');
    if (existsSync(this.path)) {
      for (const d of JSON.parse(readFileSync(this.path, 'utf8')) as Detector[]) this.byKey.set(detectorKey(d), d);
    }
  }

  get size(): number { return this.byKey.size; }
  get(key: string): Detector | undefined { return this.byKey.get(key); }
  /** All detectors in key order (stable paging). */
  entries(): Array<[string, Detector]> { return [...this.byKey].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)); }

  /** Stores (creates or replaces) a detector durably. */
  put(d: Detector): string {
    const key = detectorKey(d);
    const prev = this.byKey.get(key);
    this.byKey.set(key, d);
    try { this.save(); } catch (e) {
      if (prev) this.byKey.set(key, prev); else this.byKey.delete(key);
      throw e;
    }
    return key;
  }

  delete(key: string): boolean {
    const prev = this.byKey.get(key);
    if (!prev) return false;
    this.byKey.delete(key);
    try { this.save(); } catch (e) { this.byKey.set(key, prev); throw e; }
    return true;
  }

  /** Persists a change made to a stored detector in place (state, trainedAt). */
  touch(): void { this.save(); }

  private save(): void {
    replaceFileDurably(this.path, JSON.stringify([...this.byKey.values()]));
  }
}
