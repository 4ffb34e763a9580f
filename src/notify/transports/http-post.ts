/** One HTTP(S) POST with a timeout and an abort signal; answers the status or the network error. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LIMITS } from '../model.js';

/** 5xx and 429 (too many requests) are worth another attempt; other non-2xx answers are refusals. */
export const isRetryableStatus = (status: number): boolean => status >= 500 || status === 429;

export interface PostResult { status?: number; error?: string; body?: string }

export function post(url: string, headers: Record<string, string>, body: string, signal: AbortSignal, timeoutMs = LIMITS.httpTimeoutMs): Promise<PostResult> {
  return new Promise((resolve) => {
    let u: URL;
    try { u = new URL(url); } catch { resolve({ error: 'invalid endpoint URL' }); return; }
    const data = Buffer.from(body, 'utf8');
    let settled = false;
    const done = (r: PostResult) => { if (!settled) { settled = true; clearTimeout(deadline); resolve(r); } };
    // One deadline for the whole exchange (a socket timeout alone lets a slowly dripping answer hold a slot forever).
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs / 1000} seconds`)), timeoutMs);
    deadline.unref();
    // Redirects are not followed (node:http does not): the subscribed URL is the only one contacted.
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
      method: 'POST', headers: { ...headers, 'content-length': String(data.length) }, signal,
    }, (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      // Only the start of the answer is kept (for error messages); the rest is drained.
      res.on('data', (c: Buffer) => { if (n < 1024) { chunks.push(c); n += c.length; } });
      res.on('end', () => done({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, 1024) }));
      res.on('error', (e) => done({ status: res.statusCode, error: e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ? `${e.code}: ${e.message}` : e.message }));
    req.end(data);
  });
}
