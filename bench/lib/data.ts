/**
 * Realistic generated log data: application JSON lines (~300 B, varying fields, a few error
 * shapes) and short plain-text lines (~75 B). Timestamps ascend through a window inside the
 * last hour, so nothing is rejected as too old or too new. Deterministic for a given seed.
 */
import { mulberry32 } from '../../src/demo/random.js';

export interface Lines { lines: string[]; ts: number[]; bytes: number }

/** mulberry32, the demo generator's seeded PRNG. */
export const rng = mulberry32;

const SERVICES = ['checkout-api', 'payments', 'inventory', 'auth', 'search-svc', 'notification-worker', 'gateway', 'orders'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/api/v1/orders/{id}', '/api/v1/cart/{id}/items', '/api/v1/users/{id}', '/api/v1/search', '/api/v2/payments/{id}/capture', '/health', '/api/v1/inventory/sku-{id}', '/api/v1/sessions'];
const INFO = ['request completed', 'order created', 'cache hit for product listing', 'payment authorized', 'user signed in', 'inventory reserved', 'email queued for delivery', 'search results served'];
const WARN = ['slow query on orders_by_user', 'retrying request to inventory', 'rate limit approaching for tenant', 'deprecated API version used'];
const ERRORS = [
  ['upstream timeout after 3000ms calling payments:443', 'UpstreamTimeout'],
  ['connection reset by peer while reading response', 'ECONNRESET'],
  ['database deadlock detected, transaction rolled back', 'DeadlockError'],
  ['validation failed: field "quantity" must be positive', 'ValidationError'],
  ['redis command timeout on GET session', 'RedisTimeout'],
];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'okhttp/4.12.0', 'aws-sdk-js/3.600.0', 'curl/8.5.0', 'python-requests/2.32.3'];

const hex = (r: () => number, n: number) => { let s = ''; while (s.length < n) s += Math.floor(r() * 4294967296).toString(16).padStart(8, '0'); return s.slice(0, n); };
const pick = <T>(r: () => number, xs: T[]): T => xs[(r() * xs.length) | 0];

/** One application log line as a JSON object (already serialized). */
function appLine(r: () => number, ts: number): string {
  const u = r();
  const level = u < 0.04 ? 'error' : u < 0.12 ? 'warn' : u < 0.2 ? 'debug' : 'info';
  const service = pick(r, SERVICES);
  const method = pick(r, METHODS);
  const path = pick(r, PATHS).replace('{id}', String(1000 + ((r() * 900000) | 0)));
  const rec: Record<string, unknown> = {
    timestamp: new Date(ts).toISOString(),
    level,
    service,
    host: `ip-10-0-${(r() * 16) | 0}-${(r() * 250) | 0}`,
    trace_id: hex(r, 32),
    http: { method, path, status: level === 'error' ? pick(r, [500, 502, 503, 504]) : level === 'warn' ? pick(r, [200, 429, 404]) : pick(r, [200, 200, 200, 201, 204, 304]), duration_ms: Math.round(r() * (level === 'error' ? 4000 : 300) * 10) / 10 },
    user_id: `u-${(r() * 250000) | 0}`,
  };
  if (r() < 0.5) rec.span_id = hex(r, 16);
  if (r() < 0.2) rec.user_agent = pick(r, AGENTS);
  if (level === 'error') {
    const [msg, kind] = pick(r, ERRORS);
    rec.msg = msg;
    rec.error = { kind, retryable: r() < 0.5 };
  } else {
    rec.msg = level === 'warn' ? pick(r, WARN) : pick(r, INFO);
    if (r() < 0.3) rec.bytes = (r() * 200000) | 0;
  }
  return JSON.stringify(rec);
}

/** ~75 B plain text line: "2026-11-21T10:00:00.123Z INFO gateway GET /health 200 3ms 5f2c3a1b". */
function shortLine(r: () => number, ts: number): string {
  const u = r();
  const level = u < 0.03 ? 'ERROR' : u < 0.1 ? 'WARN' : 'INFO';
  return `${new Date(ts).toISOString()} ${level} ${pick(r, SERVICES)} ${pick(r, METHODS)} /v1/${pick(r, ['items', 'users', 'cart', 'health'])} ${level === 'ERROR' ? 503 : 200} ${(r() * 900) | 0}ms ${hex(r, 8)}`;
}

function generate(n: number, startMs: number, endMs: number, seed: number, make: (r: () => number, ts: number) => string): Lines {
  const r = rng(seed);
  const lines: string[] = new Array(n);
  const ts: number[] = new Array(n);
  const step = (endMs - startMs) / n;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const t = Math.floor(startMs + i * step);
    ts[i] = t;
    lines[i] = make(r, t);
    bytes += lines[i].length;
  }
  return { lines, ts, bytes };
}

export function appLines(n: number, startMs: number, endMs: number, seed = 1): Lines { return generate(n, startMs, endMs, seed, appLine); }
export function shortLines(n: number, startMs: number, endMs: number, seed = 2): Lines { return generate(n, startMs, endMs, seed, shortLine); }

/** Splits lines into NDJSON bodies of at most `maxBytes` (each ends with a newline). */
export function ndjsonBodies(lines: string[], maxBytes: number): Buffer[] {
  const out: Buffer[] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const l of lines) {
    const n = Buffer.byteLength(l) + 1;
    if (cur.length && bytes + n > maxBytes) { out.push(Buffer.from(cur.join('\n') + '\n')); cur = []; bytes = 0; }
    cur.push(l);
    bytes += n;
  }
  if (cur.length) out.push(Buffer.from(cur.join('\n') + '\n'));
  return out;
}
