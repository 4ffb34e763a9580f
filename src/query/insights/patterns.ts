/**
 * `pattern`, `diff` and `anomaly` (our documented semantics; AWS's algorithm is not public).
 *
 * pattern: each text is split into words (runs of non-space text; the punctuation = , ; " ' ( ) [ ] { } < > |
 * stands alone). Words that are obviously variable are masked first (IP addresses, numbers, UUIDs,
 * timestamps, ids with several digits). Texts with the same word count are clustered greedily: a text
 * joins the most similar cluster when at least 60 % of the positions agree (masked positions agree
 * with each other); positions that disagree become dynamic. A dynamic position is written
 * `<Type-N>`: Type is IPAddress, Number, UUID or Timestamp when every value seen there is one, else
 * Token; N numbers the dynamic tokens from 1 (current AWS docs). @severityLabel comes from a level
 * word in the pattern (Error, Warning, Info, Debug; otherwise Unknown).
 */

export interface PatternInput { v: string | null; ts: number }

interface Word { text: string; space: string }
type Kind = 'IPAddress' | 'Number' | 'UUID' | 'Timestamp' | 'Token';

const PIECE = /(\s+)|([=,;"'()[\]{}<>|])|([^\s=,;"'()[\]{}<>|]+)/g;

function words(text: string): Word[] {
  const out: Word[] = [];
  let space = '';
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(text); m; m = PIECE.exec(text)) {
    if (m[1]) { space += m[1]; continue; }
    out.push({ text: m[0], space });
    space = '';
  }
  return out;
}

function classify(w: string): Kind | null {
  if (/^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/.test(w)) return 'IPAddress';
  if (/^[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7}$/.test(w) && /[0-9a-fA-F]/.test(w) && w.includes('::') || /^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){7}$/.test(w)) return 'IPAddress';
  if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(w)) return 'Number';
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(w)) return 'UUID';
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(w) || /^\d{2}:\d{2}:\d{2}([.,]\d+)?$/.test(w)) return 'Timestamp';
  if (w.length >= 6 && (w.match(/\d/g)?.length ?? 0) >= 3) return 'Token';
  return null;
}

interface Cluster {
  /** Constant word per position, or null when dynamic. */
  words: (string | null)[];
  spaces: string[];
  kinds: (Set<Kind> | null)[];
  count: number;
  /** Index of every input that joined (for diff/anomaly). */
  members: number[];
  /** Values seen at dynamic positions (bounded), for anomaly token checks. */
  values: Map<number, Map<string, number>>;
}

export interface PatternResult {
  pattern: string;
  count: number;
  severity: string;
  cluster: Cluster;
}

const SIMILARITY = 0.6;
const MAX_TRACKED_VALUES = 50;

export function clusterTexts(texts: (string | null)[]): PatternResult[] {
  const byLen = new Map<number, Cluster[]>();
  const all: Cluster[] = [];
  // Identical texts are clustered once.
  const uniq = new Map<string, number[]>();
  texts.forEach((t, i) => {
    if (t === null) return;
    const list = uniq.get(t);
    if (list) list.push(i); else uniq.set(t, [i]);
  });
  const entries = [...uniq.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [text, idxs] of entries) {
    const ws = words(text);
    const kinds = ws.map((w) => classify(w.text));
    const bucket = byLen.get(ws.length) ?? [];
    byLen.set(ws.length, bucket);
    let best: Cluster | null = null;
    let bestScore = -1;
    for (const c of bucket) {
      let same = 0;
      for (let i = 0; i < ws.length; i++) {
        const cw = c.words[i];
        if (cw === null ? kinds[i] !== null || c.kinds[i] !== null : cw === ws[i].text) same++;
        else if (cw === null) same += 0.5;
      }
      const score = ws.length ? same / ws.length : 1;
      if (score > bestScore) { bestScore = score; best = c; }
    }
    let c: Cluster;
    if (best && bestScore >= SIMILARITY) {
      c = best;
      for (let i = 0; i < ws.length; i++) {
        if (c.words[i] !== null && c.words[i] !== ws[i].text) {
          // A constant position becomes dynamic: remember the kind of what was there.
          const prev = classify(c.words[i]!);
          c.kinds[i] = new Set([prev ?? 'Token']);
          c.values.set(i, new Map([[c.words[i]!, c.count]]));
          c.words[i] = null;
        }
        if (c.words[i] === null) {
          (c.kinds[i] ??= new Set()).add(kinds[i] ?? 'Token');
          trackValue(c, i, ws[i].text, idxs.length);
        }
      }
    } else {
      c = {
        words: ws.map((w, i) => (kinds[i] ? null : w.text)),
        spaces: ws.map((w) => w.space),
        kinds: kinds.map((k) => (k ? new Set<Kind>([k]) : null)),
        count: 0,
        members: [],
        values: new Map(),
      };
      ws.forEach((w, i) => { if (kinds[i]) trackValue(c, i, w.text, idxs.length); });
      bucket.push(c);
      all.push(c);
    }
    c.count += idxs.length;
    c.members.push(...idxs);
  }
  const out = all.map((c) => ({ pattern: render(c), count: c.count, severity: severityOf(c), cluster: c }));
  // Clusters that render the same pattern are one pattern.
  const merged = new Map<string, PatternResult>();
  for (const r of out) {
    const m = merged.get(r.pattern);
    if (m) { m.count += r.count; m.cluster.members.push(...r.cluster.members); } else merged.set(r.pattern, r);
  }
  return [...merged.values()].sort((a, b) => b.count - a.count || (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
}

function trackValue(c: Cluster, i: number, v: string, n: number): void {
  let m = c.values.get(i);
  if (!m) { m = new Map(); c.values.set(i, m); }
  if (m.has(v)) m.set(v, m.get(v)! + n);
  else if (m.size < MAX_TRACKED_VALUES) m.set(v, n);
}

function kindName(k: Set<Kind> | null): Kind {
  if (!k || k.size !== 1) return 'Token';
  return [...k][0];
}

function render(c: Cluster): string {
  let n = 0;
  let out = '';
  c.words.forEach((w, i) => {
    out += i === 0 ? '' : (c.spaces[i] ? ' ' : '');
    out += w === null ? `<${kindName(c.kinds[i])}-${++n}>` : w;
  });
  return out;
}

const LEVELS: [RegExp, string][] = [
  [/^(error|err|fatal|critical|crit|severe|emerg|emergency|alert|exception)$/i, 'Error'],
  [/^(warn|warning)$/i, 'Warning'],
  [/^(info|notice|information)$/i, 'Info'],
  [/^(debug|trace|verbose)$/i, 'Debug'],
];

function severityOf(c: Cluster): string {
  for (const w of c.words) {
    if (w === null) continue;
    for (const [re, label] of LEVELS) if (re.test(w)) return label;
  }
  return 'Unknown';
}

// ---- diff ----

export interface DiffRow {
  pattern: string;
  severity: string;
  count: number;
  previousCount: number;
  ratio: number;
  previousRatio: number;
  diffType: 'new' | 'gone' | 'increased' | 'decreased' | 'unchanged';
}

/** Clusters current and previous texts together and compares each pattern's share of its period. */
export function diffPatterns(current: (string | null)[], previous: (string | null)[]): DiffRow[] {
  const all = current.concat(previous);
  const results = clusterTexts(all);
  const nCur = current.filter((t) => t !== null).length;
  const nPrev = previous.filter((t) => t !== null).length;
  const rows: DiffRow[] = results.map((r) => {
    let cur = 0;
    let prev = 0;
    for (const i of r.cluster.members) if (i < current.length) cur++; else prev++;
    const ratio = nCur ? cur / nCur : 0;
    const previousRatio = nPrev ? prev / nPrev : 0;
    let diffType: DiffRow['diffType'];
    if (prev === 0) diffType = 'new';
    else if (cur === 0) diffType = 'gone';
    else if (ratio > previousRatio * 1.1) diffType = 'increased';
    else if (ratio < previousRatio * 0.9) diffType = 'decreased';
    else diffType = 'unchanged';
    return { pattern: r.pattern, severity: r.severity, count: cur, previousCount: prev, ratio, previousRatio, diffType };
  });
  return rows.sort((a, b) => b.count - a.count || b.previousCount - a.previousCount || (a.pattern < b.pattern ? -1 : 1));
}

// ---- anomaly ----

export interface AnomalyRow {
  pattern: string;
  severity: string;
  count: number;
  ratio: number;
  anomalyType: string;
  description: string;
  priority: 'HIGH' | 'MEDIUM' | 'LOW';
}

const BUCKETS = 10;

/**
 * Anomalies within the queried range: the range is cut into 10 equal buckets and the last one
 * (the most recent tenth) is compared with the nine before it, per pattern:
 *  - new pattern: none in the first nine buckets although they had events, some in the last;
 *  - frequency change: last-bucket count beyond mean ± 3σ of the earlier buckets (and ≥ 3 events apart);
 *  - token variation: a dynamic token that had one value before shows new values in the last bucket;
 *  - numeric token anomaly: a Number token in the last bucket beyond mean ± 3σ of its earlier values;
 *  - HTTP error code: a 4xx/5xx code in the pattern whose frequency rises.
 */
export function detectAnomalies(results: PatternResult[], inputs: PatternInput[], startMs: number, endMs: number): AnomalyRow[] {
  const span = Math.max(1, endMs - startMs + 1);
  const bucketOf = (ts: number) => Math.min(BUCKETS - 1, Math.max(0, Math.floor(((ts - startMs) / span) * BUCKETS)));
  const total = inputs.filter((x) => x.v !== null).length;
  const earlierTotal = inputs.filter((x) => x.v !== null && bucketOf(x.ts) < BUCKETS - 1).length;
  const rows: AnomalyRow[] = [];
  for (const r of results) {
    const series = new Array<number>(BUCKETS).fill(0);
    for (const i of r.cluster.members) series[bucketOf(inputs[i].ts)]++;
    const earlier = series.slice(0, BUCKETS - 1);
    const last = series[BUCKETS - 1];
    const mean = earlier.reduce((a, b) => a + b, 0) / earlier.length;
    const sd = Math.sqrt(earlier.reduce((a, b) => a + (b - mean) ** 2, 0) / earlier.length);
    const found: { type: string; description: string; priority: AnomalyRow['priority'] }[] = [];
    const sumEarlier = earlier.reduce((a, b) => a + b, 0);
    if (sumEarlier === 0 && last > 0 && earlierTotal > 0) {
      found.push({ type: 'New pattern', description: `Pattern first seen in the most recent part of the time range (${last} events)`, priority: r.severity === 'Error' ? 'HIGH' : 'MEDIUM' });
    } else if (Math.abs(last - mean) > 3 * sd && Math.abs(last - mean) >= 3) {
      const up = last > mean;
      const httpError = /(^|\D)[45]\d\d(\D|$)/.test(r.pattern) || [...r.cluster.values.values()].some((m) => [...m.keys()].some((v) => /^[45]\d\d$/.test(v)));
      if (up && httpError) found.push({ type: 'HTTP error code', description: `HTTP error responses rose to ${last} from an average of ${mean.toFixed(1)} per interval`, priority: 'HIGH' });
      else found.push({ type: up ? 'Frequency increase' : 'Frequency decrease', description: `${last} events in the last interval against an average of ${mean.toFixed(1)}`, priority: up && r.severity === 'Error' ? 'HIGH' : 'MEDIUM' });
    }
    // Token checks need the values per bucket.
    let dyn = 0;
    r.cluster.words.forEach((w, pos) => {
      if (w !== null) return;
      dyn++;
      const before = new Map<string, number>();
      const after = new Map<string, number>();
      const numsBefore: number[] = [];
      const numsAfter: number[] = [];
      for (const i of r.cluster.members) {
        const ws = words(inputs[i].v ?? '');
        const val = ws[pos]?.text;
        if (val === undefined) continue;
        const target = bucketOf(inputs[i].ts) === BUCKETS - 1 ? after : before;
        target.set(val, (target.get(val) ?? 0) + 1);
        if (/^[-+]?\d+(\.\d+)?$/.test(val)) (target === after ? numsAfter : numsBefore).push(Number(val));
      }
      if (before.size === 1 && after.size > 0 && [...after.keys()].some((v) => !before.has(v)) && sumEarlier >= 3) {
        found.push({ type: 'Token variation', description: `Dynamic token ${dyn} had one value (${[...before.keys()][0]}) and now shows ${[...after.keys()].filter((v) => !before.has(v)).slice(0, 3).join(', ')}`, priority: 'LOW' });
      }
      if (numsBefore.length >= 5 && numsAfter.length) {
        const m = numsBefore.reduce((a, b) => a + b, 0) / numsBefore.length;
        const s = Math.sqrt(numsBefore.reduce((a, b) => a + (b - m) ** 2, 0) / numsBefore.length);
        const out = numsAfter.filter((x) => Math.abs(x - m) > 3 * s && Math.abs(x - m) > 0);
        if (out.length) found.push({ type: 'Numeric token anomaly', description: `Dynamic token ${dyn} reached ${out[0]} against an average of ${m.toFixed(1)}`, priority: 'MEDIUM' });
      }
    });
    for (const f of found) rows.push({ pattern: r.pattern, severity: r.severity, count: r.count, ratio: total ? r.count / total : 0, anomalyType: f.type, description: f.description, priority: f.priority });
  }
  const rank = { HIGH: 0, MEDIUM: 1, LOW: 2 };
  return rows.sort((a, b) => rank[a.priority] - rank[b.priority] || b.count - a.count || (a.pattern < b.pattern ? -1 : 1));
}
