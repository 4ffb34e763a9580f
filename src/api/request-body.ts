/** Reading request bodies, shared by every front door: a size limit that still answers, and gzip. */
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { AwsError } from './errors.js';

const gunzipAsync = promisify(gunzip);

/** Largest body after gzip decompression. */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

export class BodyTooLarge extends Error {}

/** The whole body, or BodyTooLarge once it passes `limit` bytes (declared or received). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) { req.resume(); reject(new BodyTooLarge()); return; }
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      if (n > limit) return;
      n += c.length;
      // A chunked body (no Content-Length) that grows past the limit: stop buffering and keep
      // draining so the 413 reaches the client. Destroying the socket here (as before) left
      // clients with ECONNRESET instead of an answer. The server's requestTimeout bounds the drain.
      if (n > limit) { chunks.length = 0; reject(new BodyTooLarge()); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, n)));
    req.on('error', reject);
  });
}

/**
 * The body decompressed per Content-Encoding (identity or gzip). `unsupportedCode` is the service's
 * error code for another encoding (CloudWatch Logs and CloudWatch name it differently).
 */
export async function inflate(req: IncomingMessage, body: Buffer, unsupportedCode = 'InvalidParameterException'): Promise<Buffer> {
  const enc = String(req.headers['content-encoding'] ?? '').toLowerCase().trim();
  if (!enc || enc === 'identity') return body;
  if (enc !== 'gzip') throw new AwsError(unsupportedCode, `Unsupported Content-Encoding: ${enc}`);
  try {
    return await gunzipAsync(body, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    throw new AwsError('SerializationException', 'The request body could not be decompressed as gzip');
  }
}
