/**
 * Metric filters (PutMetricFilter): a filter pattern on a log group that turns matching events into metric
 * values (aws-facts.md §2.5). Definitions are kept in one JSON file written atomically; evaluation runs on every
 * durable batch through the JS filter-pattern back end (a post-append processor), so filters never back-fill.
 *
 * Evaluation is on the ingest path, so a group's filters are compiled once into a plan (kept until the group's
 * filters change) and each event is parsed at most once for all of them: JSON patterns run on the shared parse
 * (compileJsParsed: the same generated predicate without its own parse) and JSON `metricValue`/dimension
 * selectors are resolved on it too, instead of one `JSON.parse` per filter and per extracted value.
 */
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { replaceFileDurably } from '../store/durable-file.js';
import { join } from 'node:path';
import { compileJs, extract, parse, parseSelector, type FilterPattern, type SelectorStep } from '../query/patterns/filter-pattern.js';
import { compileJsParsed, type ParsedMatcher } from '../query/patterns/compile-js.js';
import { parseJsonMessage } from '../query/patterns/json-validity.js';
import { textOf } from '../query/patterns/semantics.js';
import { resolve } from '../query/patterns/extract.js';
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
  /** Compiled evaluation plans by log group (dropped when the group's filters change). */
  private readonly plans = new Map<string, GroupPlan>();

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, 'metric-filters.json');
    if (existsSync(this.path)) for (const f of JSON.parse(readFileSync(this.path, 'utf8')) as MetricFilter[]) this.set(f);
  }

  private set(f: MetricFilter): void {
    this.plans.delete(f.logGroupName);
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
    this.plans.delete(group);
    if (had) this.save();
    return had;
  }

  /** A deleted log group takes its metric filters with it, as in AWS. */
  deleteGroup(group: string): void { this.plans.delete(group); if (this.byGroup.delete(group)) this.save(); }

  private save(): void {
    replaceFileDurably(this.path, JSON.stringify(this.list()));
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

  private plan(group: string, filters: Map<string, MetricFilter>): GroupPlan {
    let plan = this.plans.get(group);
    if (plan) return plan;
    const compiled = [...filters.values()].map((f): FilterPlan => {
      const t = f.metricTransformations[0];
      const { p, match } = this.matcher(f.filterPattern);
      const dims = Object.entries(t.dimensions ?? {});
      const refs = [t.metricValue, ...dims.map(([, r]) => r)].filter((r) => r.startsWith('$'));
      const json = p.kind === 'json';
      return {
        t, p, match, refs, dims,
        // A literal metricValue ("1") is the same number for every match.
        constValue: t.metricValue.startsWith('$') ? undefined : numberOf(t.metricValue),
        parsedMatch: json ? compileJsParsed(p) : undefined,
        // JSON selectors resolved on the shared parse: the steps of each `$.…` reference.
        steps: json ? new Map(refs.map((r) => [r, parseSelector(r).steps])) : undefined,
      };
    });
    plan = { filters: compiled, json: compiled.some((f) => f.parsedMatch), defaults: compiled.some((f) => f.t.defaultValue !== undefined && !f.t.dimensions) };
    this.plans.set(group, plan);
    return plan;
  }

  /** The metric values a batch of one group's events produces (one datum per metric, minute and dimension set). */
  evaluate(group: string, events: ReadonlyArray<{ timestamp: number; message: string }>): Datum[] {
    const filters = this.byGroup.get(group);
    if (!filters?.size || !events.length) return [];
    const plan = this.plan(group, filters);
    // Per filter: buckets by minute (no dimensions) or by minute and dimension values.
    const buckets = plan.filters.map(() => new Map<number | string, Bucket>());
    const minutesWithLogs = new Set<number>();
    for (const e of events) {
      // Minute numbers are small integers: cheap map keys.
      const mi = Math.floor(e.timestamp / 60_000);
      const minute = mi * 60_000;
      if (plan.defaults) minutesWithLogs.add(minute);
      const m = e.message;
      // One parse per event for every JSON filter (undefined: not a JSON object).
      const o = plan.json && looksLikeObject(m) ? parseJsonMessage(m) : undefined;
      for (let k = 0; k < plan.filters.length; k++) {
        const f = plan.filters[k];
        if (!(f.parsedMatch ? f.parsedMatch(m, o) : f.match(m))) continue;
        // JSON references are read straight off the shared parse; others through `extract`.
        const values = f.refs.length && !f.steps ? extract(f.p, m, f.refs) ?? NO_VALUES : NO_VALUES;
        const value = f.constValue ?? (f.steps ? jsonNumber(o, f.steps.get(f.t.metricValue)!) : numberOf(values[f.t.metricValue]));
        // A matching event whose value is not a number publishes nothing (aws-facts.md §2.5).
        if (!Number.isFinite(value)) continue;
        const bs = buckets[k];
        if (!f.dims.length) {
          const b = bs.get(mi);
          if (b) count(b, value); else bs.set(mi, bucket(minute, [], value));
          continue;
        }
        const dims: Dimension[] = [];
        let complete = true;
        for (const [name, ref] of f.dims) {
          const v = !ref.startsWith('$') ? ref : f.steps ? textOf(resolve(o, f.steps.get(ref)!)) : values[ref];
          if (v === undefined || v === null || v === '') { complete = false; break; }
          dims.push({ Name: name, Value: String(v) });
        }
        if (!complete) continue;
        let key = String(minute);
        for (const d of dims) key += `\u0000${d.Name}=${d.Value}`;
        const b = bs.get(key);
        if (b) count(b, value); else bs.set(key, bucket(minute, dims, value));
      }
    }
    const out: Datum[] = [];
    plan.filters.forEach(({ t }, k) => {
      const matched = new Set<number>();
      for (const b of buckets[k].values()) {
        matched.add(b.minute);
        out.push({ namespace: t.metricNamespace, metricName: t.metricName, dimensions: b.dims, timestamp: b.minute, unit: t.unit ?? 'None', resolution: 60, samples: [...b.counts].map(([value, count]) => ({ value, count })) });
      }
      // defaultValue: published for minutes that had log events but no match (never with dimensions).
      if (t.defaultValue !== undefined && !t.dimensions) {
        for (const minute of minutesWithLogs) {
          if (!matched.has(minute)) out.push({ namespace: t.metricNamespace, metricName: t.metricName, dimensions: [], timestamp: minute, unit: t.unit ?? 'None', resolution: 60, samples: [{ value: t.defaultValue, count: 1 }] });
        }
      }
    });
    return out;
  }
}

interface FilterPlan {
  t: MetricTransformation;
  p: FilterPattern;
  match: (m: string) => boolean;
  /** JSON patterns: the predicate over the shared parse. */
  parsedMatch?: ParsedMatcher;
  /** The value of a literal metricValue (NaN when it is not a number). */
  constValue?: number;
  /** `$…` references of metricValue and the dimensions. */
  refs: string[];
  dims: Array<[string, string]>;
  /** JSON patterns: each reference's selector steps. */
  steps?: Map<string, SelectorStep[]>;
}

interface GroupPlan {
  filters: FilterPlan[];
  /** Some filter has a JSON pattern (events are parsed once for all of them). */
  json: boolean;
  /** Some filter publishes a defaultValue (minutes with events are tracked). */
  defaults: boolean;
}

const NO_VALUES: Readonly<Record<string, string>> = Object.freeze({});

/** An extracted or literal metric value as a number (NaN when missing or blank). */
function numberOf(raw: string | undefined): number {
  return raw === undefined || raw === null || String(raw).trim() === '' ? NaN : Number(raw);
}

/** First non-blank character (after a byte-order mark) is `{`: only then can the message parse as an object (and a failed JSON.parse costs a thrown error). */
function looksLikeObject(m: string): boolean {
  for (let i = m.charCodeAt(0) === 0xfeff ? 1 : 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c === 0x7b) return true;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
}

/**
 * A JSON reference's value as a metric value: what `numberOf(textOf(…))` gives, without the round trip
 * through text for a number (a finite double's shortest text parses back to itself).
 */
function jsonNumber(o: Record<string, unknown> | undefined, steps: SelectorStep[]): number {
  const v = o === undefined ? undefined : resolve(o, steps);
  if (typeof v === 'number') return v;
  return numberOf(textOf(v));
}

/** One metric's values in one minute and dimension set: how many times each value was seen (first-seen order). */
interface Bucket { minute: number; dims: Dimension[]; counts: Map<number, number> }

function bucket(minute: number, dims: Dimension[], value: number): Bucket {
  return { minute, dims, counts: new Map([[value, 1]]) };
}

function count(b: Bucket, value: number): void {
  b.counts.set(value, (b.counts.get(value) ?? 0) + 1);
}
