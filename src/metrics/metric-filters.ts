/**
 * Metric filters (PutMetricFilter): a filter pattern on a log group that turns matching events into metric
 * values (aws-facts.md §2.5). Definitions are kept in one JSON file written atomically; evaluation runs on every
 * durable batch through the JS filter-pattern back end (a post-append processor), so filters never back-fill.
 */
import { existsSync, readFileSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileJs, extract, parse, type FilterPattern } from '../query/patterns/filter-pattern.js';
import type { Datum, Dimension } from './model.js';

export interface MetricTransformation {
  metricName: string;
  metricNamespace: string;
  metricValue: string;
  defaultValue?: number;
  dimensions?: Record<string, string>;
  unit?: string;
}

export interface MetricFilter {
  filterName: string;
  filterPattern: string;
  metricTransformations: MetricTransformation[];
  creationTime: number;
  logGroupName: string;
  applyOnTransformedLogs: boolean;
}

export const MAX_FILTERS_PER_GROUP = 100;

export class MetricFilterStore {
  private readonly path: string;
  /** Filters by log group name, then filter name. */
  private readonly byGroup = new Map<string, Map<string, MetricFilter>>();
  private readonly compiled = new Map<string, { p: FilterPattern; match: (m: string) => boolean }>();

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'metric-filters.json');
    if (existsSync(this.path)) for (const f of JSON.parse(readFileSync(this.path, 'utf8')) as MetricFilter[]) this.set(f);
  }

  private set(f: MetricFilter): void {
    const m = this.byGroup.get(f.logGroupName) ?? new Map<string, MetricFilter>();
    m.set(f.filterName, f);
    this.byGroup.set(f.logGroupName, m);
  }

  list(group?: string): MetricFilter[] {
    const all = group !== undefined ? [...(this.byGroup.get(group)?.values() ?? [])] : [...this.byGroup.values()].flatMap((m) => [...m.values()]);
    return all.sort((a, b) => (a.filterName < b.filterName ? -1 : a.filterName > b.filterName ? 1 : 0));
  }

  count(group: string): number { return this.byGroup.get(group)?.size ?? 0; }
  get(group: string, name: string): MetricFilter | undefined { return this.byGroup.get(group)?.get(name); }

  put(f: MetricFilter): void { this.set(f); this.save(); }

  delete(group: string, name: string): boolean {
    const had = this.byGroup.get(group)?.delete(name) ?? false;
    if (had) this.save();
    return had;
  }

  /** A deleted log group takes its metric filters with it, as in AWS. */
  deleteGroup(group: string): void { if (this.byGroup.delete(group)) this.save(); }

  private save(): void {
    const tmp = this.path + '.tmp';
    writeFileSync(tmp, JSON.stringify(this.list()));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
  }

  matcher(pattern: string): { p: FilterPattern; match: (m: string) => boolean } {
    let c = this.compiled.get(pattern);
    if (!c) {
      const p = parse(pattern);
      c = { p, match: compileJs(p) };
      this.compiled.set(pattern, c);
    }
    return c;
  }

  /** The metric values a batch of one group's events produces (one datum per metric, minute and dimension set). */
  evaluate(group: string, events: ReadonlyArray<{ timestamp: number; message: string }>): Datum[] {
    const filters = this.byGroup.get(group);
    if (!filters?.size || !events.length) return [];
    const out: Datum[] = [];
    for (const f of filters.values()) {
      const t = f.metricTransformations[0];
      const { p, match } = this.matcher(f.filterPattern);
      const refs = [t.metricValue, ...Object.values(t.dimensions ?? {})].filter((r) => r.startsWith('$'));
      const buckets = new Map<string, { minute: number; dims: Dimension[]; values: number[] }>();
      const minutesWithLogs = new Set<number>();
      for (const e of events) {
        const minute = Math.floor(e.timestamp / 60_000) * 60_000;
        minutesWithLogs.add(minute);
        if (!match(e.message)) continue;
        const values = refs.length ? extract(p, e.message, refs) ?? {} : {};
        const raw = t.metricValue.startsWith('$') ? values[t.metricValue] : t.metricValue;
        const value = raw === undefined || raw === null || String(raw).trim() === '' ? NaN : Number(raw);
        // A matching event whose value is not a number publishes nothing (aws-facts.md §2.5).
        if (!Number.isFinite(value)) continue;
        const dims: Dimension[] = [];
        let complete = true;
        for (const [name, ref] of Object.entries(t.dimensions ?? {})) {
          const v = ref.startsWith('$') ? values[ref] : ref;
          if (v === undefined || v === null || v === '') { complete = false; break; }
          dims.push({ Name: name, Value: String(v) });
        }
        if (!complete) continue;
        const key = `${minute}\u0000${dims.map((d) => `${d.Name}=${d.Value}`).join('\u0000')}`;
        const b = buckets.get(key) ?? { minute, dims, values: [] };
        b.values.push(value);
        buckets.set(key, b);
      }
      const matched = new Set([...buckets.values()].map((b) => b.minute));
      for (const b of buckets.values()) {
        out.push({ namespace: t.metricNamespace, metricName: t.metricName, dimensions: b.dims, timestamp: b.minute, unit: t.unit ?? 'None', resolution: 60, samples: aggregate(b.values) });
      }
      // defaultValue: published for minutes that had log events but no match (never with dimensions).
      if (t.defaultValue !== undefined && !t.dimensions) {
        for (const minute of minutesWithLogs) {
          if (!matched.has(minute)) out.push({ namespace: t.metricNamespace, metricName: t.metricName, dimensions: [], timestamp: minute, unit: t.unit ?? 'None', resolution: 60, samples: [{ value: t.defaultValue, count: 1 }] });
        }
      }
    }
    return out;
  }
}

function aggregate(values: number[]): { value: number; count: number }[] {
  const m = new Map<number, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([value, count]) => ({ value, count }));
}
