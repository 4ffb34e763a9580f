/**
 * Metric filter evaluation (src/metrics/metric-filters.ts) against a straightforward reference: every
 * filter on its own, through the filter-pattern JS back end (`compileJs`) and `extract`, as
 * aws-facts.md §2.5 describes metric filters. The store's evaluation parses each event once for all
 * JSON filters and reads values off that parse; the datums must be the same.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MetricFilterStore, type MetricFilter, type MetricTransformation } from '../../src/metrics/metric-filters.js';
import { compileJs, extract, parse } from '../../src/query/patterns/filter-pattern.js';
import type { Datum, Dimension } from '../../src/metrics/model.js';
import { benchFilters } from '../../bench/suites/metrics.js';
import { appLines } from '../../bench/lib/data.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-mf-eval-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One filter at a time: match, extract, bucket per minute and dimension values (the definition). */
function reference(filters: MetricFilter[], events: Array<{ timestamp: number; message: string }>): Datum[] {
  const out: Datum[] = [];
  for (const f of filters) {
    const t = f.metricTransformations[0];
    const p = parse(f.filterPattern);
    const match = compileJs(p);
    const refs = [t.metricValue, ...Object.values(t.dimensions ?? {})].filter((r) => r.startsWith('$'));
    const buckets = new Map<string, { minute: number; dims: Dimension[]; values: number[] }>();
    const minutes = new Set<number>();
    for (const e of events) {
      const minute = Math.floor(e.timestamp / 60_000) * 60_000;
      minutes.add(minute);
      if (!match(e.message)) continue;
      const values = refs.length ? extract(p, e.message, refs) ?? {} : {};
      const raw = t.metricValue.startsWith('$') ? values[t.metricValue] : t.metricValue;
      const value = raw === undefined || raw === null || String(raw).trim() === '' ? NaN : Number(raw);
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
      const counts = new Map<number, number>();
      for (const v of b.values) counts.set(v, (counts.get(v) ?? 0) + 1);
      out.push({ namespace: t.metricNamespace, metricName: t.metricName, dimensions: b.dims, timestamp: b.minute, unit: t.unit ?? 'None', resolution: 60, samples: [...counts].map(([value, count]) => ({ value, count })) });
    }
    if (t.defaultValue !== undefined && !t.dimensions) {
      for (const minute of minutes) if (!matched.has(minute)) out.push({ namespace: t.metricNamespace, metricName: t.metricName, dimensions: [], timestamp: minute, unit: t.unit ?? 'None', resolution: 60, samples: [{ value: t.defaultValue, count: 1 }] });
    }
  }
  return out;
}

/** Order-independent form of a datum list (-0 and 0 compare equal, as they store equal). */
const canon = (ds: Datum[]) => ds.map((d) => JSON.stringify(d)).sort();

function filter(name: string, pattern: string, t: Partial<MetricTransformation> = {}): MetricFilter {
  return { filterName: name, filterPattern: pattern, logGroupName: 'g', creationTime: 0, applyOnTransformedLogs: false, metricTransformations: [{ metricName: name, metricNamespace: 'N', metricValue: '1', ...t }] };
}

describe('metric filter evaluation', () => {
  it('agrees with filter-by-filter evaluation on the bench filters and mixed events', () => {
    const now = Date.UTC(2026, 0, 1);
    const lines = appLines(3000, now - 30 * 60_000, now, 7);
    const odd = [
      'plain text line, not JSON', '   {"service":"payments","level":"error","http":{"status":500,"duration_ms":"12.5"}}',
      '\ufeff{"service":"auth","http":{"status":"404","duration_ms":1e2}}', '{"service":"payments","bytes":"  "}', '{"service":"payments","bytes":true}',
      '{"service":"gateway","http":{"status":200,"duration_ms":-0,"method":"GET"},"level":"info"}', '{"service":"orders","http":{"status":1e400}}',
      '{"service":"inventory","level":"error","error":{"kind":"UpstreamTimeout","retryable":true}}', '{"service":"pay\\u006dents"}', '{not json', '[1,2,3]',
      '{"service":"orders","http":{"method":"GET","duration_ms":2000,"status":503},"level":"error"}', '{"service":"orders","http":{"method":"","duration_ms":2000}}',
    ];
    const events = lines.lines.map((message, i) => ({ timestamp: lines.ts[i], message: i % 97 < odd.length ? odd[i % 97] : message }));
    const filters: MetricFilter[] = benchFilters().map((f) => filter(f.name, f.pattern, { metricValue: f.value, ...(f.dims ? { dimensions: f.dims } : {}), ...(f.unit ? { unit: f.unit } : {}) }));
    filters.push(
      filter('default', '{ $.level = "fatal" }', { defaultValue: 0 }),
      filter('default-hit', '{ $.level = "warn" }', { defaultValue: 0, metricValue: '2' }),
      filter('terms', 'timeout', {}),
      filter('regex', '%payment[s]?%', {}),
      filter('delimited', '[first, rest = *payments*]', { metricValue: '$first' }),
      filter('all', '', { metricValue: '3' }),
      filter('string-number', '{ $.http.duration_ms = * }', { metricValue: '$.http.duration_ms' }),
      filter('literal-dim', '{ $.level = "error" }', { dimensions: { Fixed: 'x', Kind: '$.error.kind' } }),
      filter('not-a-number', '{ $.service = * }', { metricValue: '$.service' }),
    );
    const store = new MetricFilterStore(dir);
    for (const f of filters) store.put(f);
    const got = store.evaluate('g', events);
    assert.ok(got.length > 100);
    assert.deepEqual(canon(got), canon(reference(filters, events)));
    // The compiled plan is rebuilt when the group's filters change.
    store.delete('g', 'terms');
    assert.deepEqual(canon(store.evaluate('g', events)), canon(reference(filters.filter((f) => f.filterName !== 'terms'), events)));
  });
});
