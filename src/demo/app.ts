// Application logs: structured JSON from two Node services (one stream per EC2
// instance, as the CloudWatch agent names them) and a plain-text log4j-style
// legacy batch job, so the demo exercises both JSON auto-discovery and
// parse/regex on unstructured lines in Logs Insights.

import {
  AUTH_GROUP,
  CHECKOUT_GROUP,
  DemoGroup,
  DemoStream,
  DemoWindow,
  LEGACY_GROUP,
  Host,
  hostByName,
  hostsByRole,
  incidentStart,
  internetIp,
} from './common.js';
import { DAY, HOUR, MINUTE, Rng, SECOND, activityTimes, consumerProfile, hashSeed, isoMillis, localHour, nightProfile } from './random.js';

interface Line {
  stream: string;
  ts: number;
  message: string;
}

type Json = Record<string, unknown>;

// --- shared -----------------------------------------------------------------------

interface ErrorKind {
  status: 500 | 503;
  type: string;
  message: string;
  frames: string[];
  /** Latency of the failing request: timeouts are slow, crashes are fast. */
  latency: (r: Rng) => number;
}

function stack(e: ErrorKind): string {
  return [`${e.type}: ${e.message}`, ...e.frames.map((f) => `    at ${f}`)].join('\n');
}

const CHECKOUT_ERRORS: ErrorKind[] = [
  {
    status: 500,
    type: 'QueryFailedError',
    message: 'canceling statement due to statement timeout',
    frames: [
      'PostgresQueryRunner.query (/app/node_modules/typeorm/driver/postgres/PostgresQueryRunner.js:219:19)',
      'async OrderRepository.create (/app/dist/orders/repository.js:88:21)',
      'async CheckoutService.placeOrder (/app/dist/checkout/service.js:141:9)',
    ],
    latency: (r) => r.logNormal(3000, 0.15),
  },
  {
    status: 500,
    type: 'TypeError',
    message: "Cannot read properties of undefined (reading 'price')",
    frames: ['CartService.total (/app/dist/cart/service.js:57:38)', 'Array.reduce (<anonymous>)', 'CartController.get (/app/dist/cart/controller.js:31:24)'],
    latency: (r) => r.logNormal(15, 0.5),
  },
  {
    status: 503,
    type: 'UpstreamTimeoutError',
    message: 'payment-gateway timeout after 5000ms',
    frames: [
      'Timeout._onTimeout (/app/dist/payments/client.js:112:18)',
      'listOnTimeout (node:internal/timers:594:17)',
      'process.processTimers (node:internal/timers:529:7)',
    ],
    latency: (r) => 5000 + r.int(5, 80),
  },
  {
    status: 503,
    type: 'PoolExhaustedError',
    message: 'timeout acquiring connection from pool (max=20)',
    frames: ['Pool.acquire (/app/node_modules/pg-pool/index.js:45:11)', 'async Db.withClient (/app/dist/db/index.js:22:20)', 'async CartRepository.load (/app/dist/cart/repository.js:17:5)'],
    latency: (r) => 2000 + r.int(0, 40),
  },
];

interface Route {
  method: string;
  route: string;
  path: (r: Rng) => string;
  median: number;
  sigma: number;
  weight: number;
  ok: number;
  /** [status, probability, msg] for expected 4xx outcomes. */
  clientErrors: Array<[number, number, string]>;
  /** Route depends on the DB/payment path hit by the incident. */
  critical: boolean;
}

const sku = (r: Rng) => `sku-${r.int(10000, 19999)}`;

const CHECKOUT_ROUTES: Route[] = [
  { method: 'GET', route: '/api/products', path: () => '/api/products', median: 28, sigma: 0.45, weight: 30, ok: 200, clientErrors: [], critical: false },
  { method: 'GET', route: '/api/products/:id', path: (r) => `/api/products/${sku(r)}`, median: 22, sigma: 0.4, weight: 25, ok: 200, clientErrors: [[404, 0.015, 'product not found']], critical: false },
  { method: 'GET', route: '/api/cart', path: () => '/api/cart', median: 35, sigma: 0.5, weight: 15, ok: 200, clientErrors: [], critical: true },
  { method: 'POST', route: '/api/cart/items', path: () => '/api/cart/items', median: 48, sigma: 0.5, weight: 10, ok: 201, clientErrors: [[400, 0.01, 'validation failed']], critical: true },
  { method: 'DELETE', route: '/api/cart/items/:id', path: (r) => `/api/cart/items/${sku(r)}`, median: 40, sigma: 0.5, weight: 3, ok: 204, clientErrors: [], critical: true },
  {
    method: 'POST',
    route: '/api/checkout',
    path: () => '/api/checkout',
    median: 210,
    sigma: 0.55,
    weight: 5,
    ok: 201,
    clientErrors: [
      [402, 0.02, 'payment declined'],
      [409, 0.01, 'cart changed during checkout'],
    ],
    critical: true,
  },
  { method: 'GET', route: '/api/orders/:id', path: (r) => `/api/orders/ord-${r.hex(10)}`, median: 45, sigma: 0.5, weight: 6, ok: 200, clientErrors: [[404, 0.01, 'order not found']], critical: true },
];

/** Build a request log line in the shape of the brief/pino-ish services. */
function requestLine(
  r: Rng,
  ts: number,
  service: string,
  route: Route,
  opts: { errorRate: number; latencyFactor: number; errors: ErrorKind[]; authRequired: boolean },
): Json {
  const userId = `u-${Math.floor(r.logNormal(900, 1.1)) % 9000 + 1000}`;
  const base: Json = { level: 'info', time: isoMillis(ts), service, requestId: r.uuid(), method: route.method, path: route.path(r), route: route.route };
  let latency = r.logNormal(route.median, route.sigma) * opts.latencyFactor;

  if (r.chance(opts.errorRate)) {
    const e = r.pick(opts.errors);
    latency = Math.max(latency, e.latency(r));
    return {
      ...base,
      level: 'error',
      status: e.status,
      latencyMs: Math.round(latency),
      userId,
      msg: 'request failed',
      error: { type: e.type, message: e.message, stack: stack(e) },
    };
  }
  if (opts.authRequired && r.chance(0.012)) {
    return { ...base, level: 'warn', status: 401, latencyMs: Math.max(1, Math.round(latency / 8)), msg: 'missing or invalid token' };
  }
  for (const [status, p, msg] of route.clientErrors) {
    if (r.chance(p)) return { ...base, level: 'warn', status, latencyMs: Math.round(latency), userId, msg };
  }
  return { ...base, status: route.ok, latencyMs: Math.max(1, Math.round(latency)), userId, msg: 'request completed' };
}

function streamName(h: Host): string {
  return h.instanceId ?? h.name;
}

function toStreams(lines: Line[], win: DemoWindow, order: string[]): DemoStream[] {
  const by = new Map<string, Line[]>(order.map((n) => [n, []]));
  for (const l of lines) {
    if (l.ts < win.start || l.ts >= win.end) continue;
    by.get(l.stream)?.push(l);
  }
  return order
    .map((name) => ({
      name,
      events: (by.get(name) ?? []).sort((a, b) => a.ts - b.ts).map((l) => ({ timestamp: l.ts, message: l.message })),
    }))
    .filter((s) => s.events.length > 0);
}

// --- checkout-api ---------------------------------------------------------------------

export function generateCheckoutApi(win: DemoWindow): DemoGroup {
  const r = new Rng(hashSeed('checkout-api', win.end, win.days, win.scale));
  const hosts = hostsByRole('app');
  const service = 'checkout-api';
  const lines: Line[] = [];
  const incStart = incidentStart(win, 'checkout-latency-spike-and-errors');
  const incEnd = incStart + 45 * MINUTE;
  const inIncident = (t: number) => t >= incStart && t < incEnd;

  for (const t of activityTimes(r, win.start, win.end, 3000 * win.scale, consumerProfile)) {
    const h = r.pick(hosts);
    const route = r.weighted(CHECKOUT_ROUTES.map((x) => [x, x.weight] as const));
    const hot = inIncident(t);
    // Incident: payment gateway + DB pool trouble hit the critical path hardest.
    const factor = hot ? (route.critical ? r.float(6, 10) : r.float(2, 3.5)) : 1;
    const errorRate = hot ? (route.critical ? 0.35 : 0.08) : 0.018;
    const errors = hot ? CHECKOUT_ERRORS.filter((e) => e.status === 503) : CHECKOUT_ERRORS;
    const rec = requestLine(r, t, service, route, { errorRate, latencyFactor: factor, errors, authRequired: route.critical });
    lines.push({ stream: streamName(h), ts: t, message: JSON.stringify(rec) });
    if (rec.level === 'info' && typeof rec.latencyMs === 'number' && rec.latencyMs > 1200) {
      lines.push({
        stream: streamName(h),
        ts: t,
        message: JSON.stringify({ level: 'warn', time: isoMillis(t), service, requestId: rec.requestId, msg: 'slow request', route: route.route, latencyMs: rec.latencyMs }),
      });
    }
  }

  // Pool gauges every 10 minutes per instance: lets Logs Insights chart saturation.
  const period = (10 * MINUTE) / Math.max(win.scale, 0.05);
  for (const h of hosts) {
    for (let t = Math.ceil(win.start / period) * period + r.int(0, 30_000); t < win.end; t += period) {
      const hot = inIncident(t);
      const pool = hot
        ? { total: 20, idle: 0, waiting: r.int(15, 120) }
        : { total: 20, idle: r.int(8, 18), waiting: r.chance(0.05) ? r.int(1, 3) : 0 };
      lines.push({
        stream: streamName(h),
        ts: Math.floor(t),
        message: JSON.stringify({ level: hot ? 'warn' : 'info', time: isoMillis(Math.floor(t)), service, msg: 'db pool stats', pool }),
      });
    }
  }

  // A weekday afternoon deploy: each instance restarts with a new version.
  let version = 40;
  for (let day = Math.floor(win.start / DAY) * DAY; day < win.end; day += DAY) {
    const dow = new Date(day).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    version++;
    const t0 = day + 19 * HOUR + r.int(0, 90) * MINUTE; // ~14:00-15:30 local
    hosts.forEach((h, i) => {
      const t = t0 + i * 3 * MINUTE;
      lines.push({ stream: streamName(h), ts: t, message: JSON.stringify({ level: 'info', time: isoMillis(t), service, msg: 'received SIGTERM, draining connections' }) });
      const up = t + r.int(8, 20) * SECOND;
      lines.push({
        stream: streamName(h),
        ts: up,
        message: JSON.stringify({ level: 'info', time: isoMillis(up), service, msg: 'server listening', port: 8080, version: `2.${version}.0`, node: 'v20.18.0' }),
      });
    });
  }

  return { name: CHECKOUT_GROUP, retentionInDays: 14, streams: toStreams(lines, win, hosts.map(streamName)) };
}

// --- auth-service ----------------------------------------------------------------------

const AUTH_ERRORS: ErrorKind[] = [
  {
    status: 500,
    type: 'RedisError',
    message: 'ETIMEDOUT connecting to session store',
    frames: ['Socket.<anonymous> (/app/node_modules/ioredis/built/Redis.js:170:41)', 'async SessionStore.get (/app/dist/session/store.js:29:17)'],
    latency: (r) => r.logNormal(1000, 0.2),
  },
];

const AUTH_ROUTES: Route[] = [
  { method: 'POST', route: '/auth/login', path: () => '/auth/login', median: 140, sigma: 0.3, weight: 20, ok: 200, clientErrors: [[429, 0.004, 'rate limited']], critical: false },
  { method: 'POST', route: '/auth/token/refresh', path: () => '/auth/token/refresh', median: 12, sigma: 0.5, weight: 40, ok: 200, clientErrors: [[401, 0.01, 'refresh token expired']], critical: false },
  { method: 'GET', route: '/auth/me', path: () => '/auth/me', median: 6, sigma: 0.5, weight: 30, ok: 200, clientErrors: [], critical: false },
  { method: 'POST', route: '/auth/logout', path: () => '/auth/logout', median: 8, sigma: 0.5, weight: 5, ok: 204, clientErrors: [], critical: false },
];

export function generateAuthService(win: DemoWindow): DemoGroup {
  const r = new Rng(hashSeed('auth-service', win.end, win.days, win.scale));
  const hosts = [hostByName('app-2'), hostByName('app-3')];
  const service = 'auth-service';
  const lines: Line[] = [];
  for (const t of activityTimes(r, win.start, win.end, 1100 * win.scale, consumerProfile)) {
    const h = r.pick(hosts);
    const route = r.weighted(AUTH_ROUTES.map((x) => [x, x.weight] as const));
    const rec = requestLine(r, t, service, route, { errorRate: 0.008, latencyFactor: 1, errors: AUTH_ERRORS, authRequired: false });
    if (route.route === '/auth/login') {
      rec.clientIp = internetIp(r);
      if (rec.status === 200 && r.chance(0.06)) {
        rec.level = 'warn';
        rec.status = 401;
        rec.msg = 'login failed';
        rec.reason = r.pick(['invalid_password', 'invalid_password', 'unknown_user', 'account_locked']);
      } else if (rec.status === 200) {
        rec.msg = 'login succeeded';
      }
    }
    lines.push({ stream: streamName(h), ts: t, message: JSON.stringify(rec) });
  }
  return { name: AUTH_GROUP, retentionInDays: 14, streams: toStreams(lines, win, hosts.map(streamName)) };
}

// --- legacy batch (plain text) ---------------------------------------------------------

/** log4j's default-ish "yyyy-MM-dd HH:mm:ss,SSS", in UTC. */
function log4jTime(ts: number): string {
  const iso = isoMillis(ts);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

const JAVA_ERRORS = [
  [
    'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
    '\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)',
    '\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)',
    '\tat com.acme.batch.ReconcileJob.loadBatch(ReconcileJob.java:142)',
    '\tat com.acme.batch.Worker.run(Worker.java:58)',
    '\tat java.base/java.lang.Thread.run(Thread.java:840)',
  ],
  [
    'java.lang.IllegalStateException: Ledger total mismatch for order ord-7f3a9c21e0: expected 129.90 got 119.90',
    '\tat com.acme.batch.LedgerValidator.check(LedgerValidator.java:77)',
    '\tat com.acme.batch.ReconcileJob.process(ReconcileJob.java:201)',
    '\tat com.acme.batch.Worker.run(Worker.java:61)',
    '\tat java.base/java.lang.Thread.run(Thread.java:840)',
  ],
];

export function generateLegacyBatch(win: DemoWindow): DemoGroup {
  const r = new Rng(hashSeed('legacy-batch', win.end, win.days, win.scale));
  const host = hostByName('batch-1');
  const worker = `${host.instanceId}/worker.log`;
  const scheduler = `${host.instanceId}/scheduler.log`;
  const lines: Line[] = [];

  // Batch ids increase with time, like a real job queue.
  let batchId = 48_000 + Math.floor((win.start / DAY) % 1000) * 10;
  for (const t of activityTimes(r, win.start, win.end, 560 * win.scale, nightProfile)) {
    batchId++;
    const w = `worker-${r.int(1, 4)}`;
    const roll = r.next();
    let text: string;
    if (roll < 0.006) {
      const err = r.pick(JAVA_ERRORS);
      text = `ERROR [${w}] Batch ${batchId} failed: ${err[0]}\n${err.slice(1).join('\n')}`;
    } else if (roll < 0.03) {
      text = `WARN [${w}] Retrying batch ${batchId} (attempt ${r.int(2, 3)}/3): java.net.SocketTimeoutException: Read timed out`;
    } else {
      const ms = Math.round(r.logNormal(520, 0.45));
      text = ms > 3000 ? `WARN [${w}] Batch ${batchId} slow: ${ms} ms > threshold 3000 ms` : `INFO [${w}] Processed batch ${batchId} in ${ms} ms`;
    }
    lines.push({ stream: worker, ts: t, message: `${log4jTime(t)} ${text}` });
  }

  // Scheduler: hourly heartbeat plus the nightly run boundaries (00:00 / ~06:00 local).
  for (let h = Math.ceil(win.start / HOUR) * HOUR; h < win.end; h += HOUR) {
    const t = h + r.int(0, 2000);
    const local = localHour(h);
    const depth = local < 6 ? r.int(20, 400) : r.int(0, 15);
    lines.push({ stream: scheduler, ts: t, message: `${log4jTime(t)} INFO [scheduler] Heartbeat ok queue_depth=${depth}` });
    if (local === 0) {
      const day = isoMillis(h).slice(0, 10);
      lines.push({ stream: scheduler, ts: t + 5 * SECOND, message: `${log4jTime(t + 5 * SECOND)} INFO [scheduler] Starting nightly reconciliation run ${day}` });
    }
    if (local === 6) {
      const t2 = t + r.int(60, 900) * SECOND;
      lines.push({
        stream: scheduler,
        ts: t2,
        message: `${log4jTime(t2)} INFO [scheduler] Nightly reconciliation finished: ${r.int(380, 470)} batches, ${r.int(0, 4)} failed, elapsed 6h${String(r.int(0, 15)).padStart(2, '0')}m`,
      });
    }
  }

  return { name: LEGACY_GROUP, streams: toStreams(lines, win, [worker, scheduler]) };
}
