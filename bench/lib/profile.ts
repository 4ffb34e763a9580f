/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, see `npm run bench -- --profile DIR`):
 * top functions by self time and by inclusive time, and time by area (our sources, node
 * internals, dependencies, GC, idle).
 *   node --import tsx bench/lib/profile.ts FILE.cpuprofile [--top N]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { table, fmt } from './stats.js';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileSummary { totalMs: number; self: [string, number][]; inclusive: [string, number][]; areas: [string, number][] }

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '').replace(/^.*node_modules\//, 'node_modules/');
}

function key(n: Node): string {
  const f = n.callFrame;
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  return `${name} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
}

function area(n: Node): string {
  const f = n.callFrame;
  if (!f.url) {
    if (['(idle)', '(program)', '(garbage collector)', '(root)'].includes(f.functionName)) return f.functionName;
    return '(native/builtin)';
  }
  const u = shortUrl(f.url);
  if (u.startsWith('node:')) return `node:${u.slice(5).split('/')[0]}`;
  if (u.startsWith('node_modules/')) return u.split('/').slice(0, u.split('/')[1].startsWith('@') ? 3 : 2).join('/');
  return u;
}

export function summarise(path: string, top = 20): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // Self time from samples and time deltas (more exact than hitCount × interval).
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  const totalMs = (p.endTime - p.startTime) / 1000;
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(key(n), (self.get(key(n)) ?? 0) + us / 1000);
    areas.set(area(n), (areas.get(area(n)) ?? 0) + us / 1000);
  }
  // Inclusive: walk from the root, counting a function once per stack (recursion-safe).
  const inclusive = new Map<string, number>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us / 1000);
    }
  }
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs, self: sorted(self).slice(0, top), inclusive: sorted(inclusive).filter(([k]) => k !== '(root)').slice(0, top), areas: sorted(areas).slice(0, top) };
}

export function renderSummary(path: string, top = 20): string {
  const s = summarise(path, top);
  const pct = (ms: number) => `${fmt((ms / s.totalMs) * 100, 1)}%`;
  return [
    `${path}: ${fmt(s.totalMs / 1000, 1)} s profiled`,
    'by area (self time):',
    table(['area', 'ms', 'share'], s.areas.map(([k, v]) => [k, fmt(v), pct(v)])),
    'top functions by self time:',
    table(['function', 'ms', 'share'], s.self.map(([k, v]) => [k, fmt(v), pct(v)])),
    'top functions by inclusive time:',
    table(['function', 'ms', 'share'], s.inclusive.map(([k, v]) => [k, fmt(v), pct(v)])),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--top');
  const top = ti >= 0 ? Number(args.splice(ti, 2)[1]) : 25;
  for (const f of args) process.stdout.write(renderSummary(f, top) + '\n\n');
}
