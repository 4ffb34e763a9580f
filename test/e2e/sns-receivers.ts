/**
 * Real local receivers for the SNS delivery tests: an HTTP endpoint that records every POST (and
 * can fail the first N, or every request until told otherwise) and an SMTP sink (smtp-server) with
 * a small MIME reader. Waiting is event-driven (a promise per expected request), never timed asserts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received { headers: IncomingHttpHeaders; body: string; status: number; path: string }

type Waiter = { pred: (r: Received) => boolean; resolve: (r: Received) => void };

export class HttpReceiver {
  readonly requests: Received[] = [];
  /** Answer this status to the next `failures` requests (then 200). */
  failures = 0;
  failStatus = 500;
  /** Fail every request while true. */
  down = false;
  private waiters: Waiter[] = [];
  private server!: Server;
  url = '';

  static async start(path = '/hook'): Promise<HttpReceiver> {
    const r = new HttpReceiver();
    r.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let status = 200;
        if (r.down) status = r.failStatus;
        else if (r.failures > 0) { r.failures--; status = r.failStatus; }
        const rec: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status, path: req.url ?? '' };
        r.requests.push(rec);
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 200 ? 'ok' : 'failing on purpose');
        r.waiters = r.waiters.filter((w) => { if (w.pred(rec)) { w.resolve(rec); return false; } return true; });
      });
    });
    await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', () => ok()));
    r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}${path}`;
    return r;
  }

  /** The first request (already received or still to come) matching `pred`. */
  next(pred: (r: Received) => boolean): Promise<Received> {
    const seen = this.requests.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** The n-th request (1-based) matching `pred`. */
  nth(pred: (r: Received) => boolean, n: number): Promise<Received> {
    const all = this.requests.filter(pred);
    if (all.length >= n) return Promise.resolve(all[n - 1]);
    let seen = all.length;
    return new Promise((resolve) => this.waiters.push({ pred: (r) => pred(r) && ++seen >= n, resolve }));
  }

  json(r: Received): Record<string, unknown> { return JSON.parse(r.body) as Record<string, unknown>; }

  close(): Promise<void> {
    return new Promise((ok) => { this.server.close(() => ok()); this.server.closeAllConnections(); });
  }
}

export interface Mail { from: string; to: string[]; headers: Record<string, string>; subject: string; text: string; html?: string; raw: string }

function decodeQp(s: string): string {
  const bytes: number[] = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-F]{2}$/i.test(t.slice(i + 1, i + 3))) { bytes.push(parseInt(t.slice(i + 1, i + 3), 16)); i += 2; }
    else bytes.push(...Buffer.from(t[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`). */
function decodeWords(s: string): string {
  return s.replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=\s*/gi, (_m, _cs: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')));
}

function parsePart(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const cte = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  const decoded = cte === 'quoted-printable' ? decodeQp(body) : cte === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { headers, body: decoded };
}

/** Enough MIME for nodemailer's output: single part or multipart/alternative with text and HTML. */
export function parseMail(raw: string, from: string, to: string[]): Mail {
  const top = parsePart(raw);
  let text = '';
  let html: string | undefined;
  const ct = top.headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1];
  if (boundary) {
    for (const chunk of raw.split(`--${boundary}`).slice(1)) {
      if (chunk.startsWith('--')) break;
      const p = parsePart(chunk.replace(/^\r?\n/, ''));
      const pct = p.headers['content-type'] ?? '';
      if (pct.startsWith('text/plain')) text = p.body.replace(/\r\n/g, '\n').replace(/\n$/, '');
      else if (pct.startsWith('text/html')) html = p.body;
    }
  } else text = top.body.replace(/\r\n/g, '\n').replace(/\n$/, '');
  return { from, to, headers: top.headers, subject: decodeWords(top.headers.subject ?? ''), text, html, raw };
}

export class SmtpSink {
  readonly mails: Mail[] = [];
  /** Reply 451 (transient) to the next `failures` messages. */
  failures = 0;
  private waiters: Array<{ pred: (m: Mail) => boolean; resolve: (m: Mail) => void }> = [];
  private server!: SMTPServer;
  url = '';

  static async start(): Promise<SmtpSink> {
    const s = new SmtpSink();
    s.server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (s.failures > 0) { s.failures--; const e = new Error('try again later') as Error & { responseCode: number }; e.responseCode = 451; cb(e); return; }
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const mail = parseMail(Buffer.concat(chunks).toString('utf8'), from, session.envelope.rcptTo.map((r) => r.address));
          s.mails.push(mail);
          s.waiters = s.waiters.filter((w) => { if (w.pred(mail)) { w.resolve(mail); return false; } return true; });
          cb();
        });
      },
    });
    await new Promise<void>((ok) => s.server.listen(0, '127.0.0.1', () => ok()));
    s.url = `smtp://127.0.0.1:${(s.server.server.address() as AddressInfo).port}`;
    return s;
  }

  next(pred: (m: Mail) => boolean): Promise<Mail> {
    const seen = this.mails.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  close(): Promise<void> { return new Promise((ok) => this.server.close(() => ok())); }
}
