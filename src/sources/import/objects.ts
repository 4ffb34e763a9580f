/**
 * Source objects for importers: S3 buckets (through the AWS SDK v3 S3 client, any S3-compatible endpoint) and
 * local directories, listed in AWS's key layouts (`AWSLogs/[o-id/]<account>/<service>/<region>/YYYY/MM/DD/…`,
 * Hive-style `year=…/month=…/day=…` too). Listing descends the prefix tree one level at a time and skips
 * whole subtrees outside `--account`, `--region` and `--since/--until`, so a bounded backfill of a large bucket
 * lists only the days it needs.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { parseAwsLogFileName } from '../file-names.js';

export interface OpenedObject { body: AsyncIterable<Buffer>; etag?: string; metadata?: Record<string, string> }

export interface SourceObject {
  bucket: string;
  key: string;
  /** Known from the listing (S3) or computed (local files: MD5 of the content, as S3 gives single-part uploads). */
  etag?: string;
  size: number;
  lastModified?: number;
  /** The file's path, for local objects. */
  path?: string;
  resolveEtag(): Promise<string>;
  open(): Promise<OpenedObject>;
}

export interface ListFilter {
  since?: number;
  until?: number;
  accounts?: Set<string>;
  regions?: Set<string>;
}

const ACCOUNT = /^\d{12}$/;
const ORG = /^o-[a-z0-9]{10,32}$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d{1,2}$/;
const YEAR = /^(?:year=)?((?:19|20)\d\d)$/;
const MONTH = /^(?:month=)?(0[1-9]|1[0-2])$/;
const DAY = /^(?:day=)?(0[1-9]|[12]\d|3[01])$/;
const HOUR = /^(?:hour=)?([01]\d|2[0-3])$/;

/** The time span a key prefix's date folders cover, if it has any: [start, end) in epoch ms. */
export function pathDateRange(segments: string[]): [number, number] | undefined {
  for (let i = 0; i < segments.length; i++) {
    const y = YEAR.exec(segments[i]);
    if (!y) continue;
    const year = +y[1];
    const m = i + 1 < segments.length ? MONTH.exec(segments[i + 1]) : null;
    if (!m) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
    const month = +m[1] - 1;
    const d = i + 2 < segments.length ? DAY.exec(segments[i + 2]) : null;
    if (!d) return [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
    const day = +d[1];
    const h = i + 3 < segments.length ? HOUR.exec(segments[i + 3]) : null;
    if (!h) return [Date.UTC(year, month, day), Date.UTC(year, month, day + 1)];
    return [Date.UTC(year, month, day, +h[1]), Date.UTC(year, month, day, +h[1] + 1)];
  }
  return undefined;
}

/** True when nothing under the folder `segments` can pass the filter. */
export function pruneFolder(segments: string[], f: ListFilter): boolean {
  const last = segments[segments.length - 1];
  const prev = segments[segments.length - 2];
  if (f.accounts && ACCOUNT.test(last) && (prev === 'AWSLogs' || (prev !== undefined && ORG.test(prev)) || /^aws-account-id=/.test(last)) && !f.accounts.has(last)) return true;
  if (f.regions && REGION.test(last.replace(/^aws-region=/, '')) && !f.regions.has(last.replace(/^aws-region=/, ''))) return true;
  const acct = /^aws-account-id=(\d{12})$/.exec(last);
  if (f.accounts && acct && !f.accounts.has(acct[1])) return true;
  if (f.since !== undefined || f.until !== undefined) {
    const r = pathDateRange(segments);
    if (r && ((f.since !== undefined && r[1] <= f.since) || (f.until !== undefined && r[0] > f.until))) return true;
  }
  return false;
}

/** Whether an object passes the filter: the time its name (else its folders, else its mtime) gives, account and region. */
export function keepObject(key: string, lastModified: number | undefined, f: ListFilter): boolean {
  const info = parseAwsLogFileName(key);
  if (f.accounts && info?.accountId && !f.accounts.has(info.accountId)) return false;
  if (f.regions && info?.region && !f.regions.has(info.region)) return false;
  if (f.since === undefined && f.until === undefined) return true;
  let t0: number | undefined;
  let t1: number | undefined;
  if (info?.time !== undefined) t0 = t1 = info.time;
  else {
    const r = pathDateRange(key.split('/').slice(0, -1));
    if (r) { t0 = r[0]; t1 = r[1] - 1; } else if (lastModified !== undefined) t0 = t1 = lastModified;
  }
  if (t0 === undefined || t1 === undefined) return true;
  if (f.since !== undefined && t1 < f.since) return false;
  if (f.until !== undefined && t0 > f.until) return false;
  return true;
}

export interface S3Options { endpoint?: string; region?: string; forcePathStyle?: boolean; profile?: string }

export function makeS3Client(o: S3Options): S3Client {
  return new S3Client({
    region: o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    forcePathStyle: o.forcePathStyle ?? !!o.endpoint,
    ...(o.profile ? { profile: o.profile } : {}),
    // S3-compatible servers often lack the newer flexible checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function openS3Object(client: S3Client, bucket: string, key: string): Promise<OpenedObject> {
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!r.Body) throw new Error(`s3://${bucket}/${key}: empty response body`);
  return { body: r.Body as Readable, etag: r.ETag?.replace(/"/g, ''), metadata: r.Metadata };
}

export function s3Object(client: S3Client, bucket: string, key: string, etag: string | undefined, size: number, lastModified?: number): SourceObject {
  return {
    bucket, key, etag, size, lastModified,
    async resolveEtag() {
      if (!this.etag) throw new Error(`s3://${bucket}/${key}: no ETag`);
      return this.etag;
    },
    open: () => openS3Object(client, bucket, key),
  };
}

/** `s3://bucket/prefix` → parts; undefined for anything else. */
export function parseS3Url(u: string): { bucket: string; prefix: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(u);
  return m ? { bucket: m[1], prefix: m[2] } : undefined;
}

/** True when a folder above the key is pruned by the filter. */
function inPrunedFolder(key: string, f: ListFilter): boolean {
  const segs = key.split('/');
  for (let i = 1; i < segs.length; i++) if (pruneFolder(segs.slice(0, i), f)) return true;
  return false;
}

/**
 * Objects under a prefix, in key order, descending folder by folder and skipping filtered-out subtrees.
 * S3-compatible servers that ignore `Delimiter` (answering nothing at all) are listed flat instead.
 */
export async function* listS3(client: S3Client, bucket: string, prefix: string, f: ListFilter): AsyncGenerator<SourceObject> {
  async function* flat(p: string): AsyncGenerator<SourceObject> {
    let token: string | undefined;
    do {
      const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: p, ContinuationToken: token }));
      for (const o of r.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/') || inPrunedFolder(o.Key, f)) continue;
        const lm = o.LastModified?.getTime();
        if (keepObject(o.Key, lm, f)) yield s3Object(client, bucket, o.Key, o.ETag?.replace(/"/g, ''), o.Size ?? 0, lm);
      }
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }
  async function* walk(p: string): AsyncGenerator<SourceObject> {
    let token: string | undefined;
    const folders: string[] = [];
    let first = true;
    do {
      const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: p, Delimiter: '/', ContinuationToken: token }));
      if (first && !r.Contents?.length && !r.CommonPrefixes?.length) { yield* flat(p); return; }
      first = false;
      for (const o of r.Contents ?? []) {
        if (!o.Key || o.Key.endsWith('/')) continue;
        const lm = o.LastModified?.getTime();
        if (keepObject(o.Key, lm, f)) yield s3Object(client, bucket, o.Key, o.ETag?.replace(/"/g, ''), o.Size ?? 0, lm);
      }
      for (const cp of r.CommonPrefixes ?? []) if (cp.Prefix) folders.push(cp.Prefix);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    for (const folder of folders) {
      if (pruneFolder(folder.replace(/\/$/, '').split('/'), f)) continue;
      yield* walk(folder);
    }
  }
  yield* walk(prefix);
}

export async function md5File(path: string): Promise<string> {
  const h = createHash('md5');
  for await (const c of createReadStream(path, { highWaterMark: 1024 * 1024 })) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * The key a local file is recorded under: its path from the directory given, or from `AWSLogs/` when that
 * directory is inside an AWS layout (so importing a subfolder later finds the same keys).
 */
export function localKey(root: string, file: string): string {
  const absRoot = resolve(root);
  const abs = resolve(file);
  const posix = abs.split(sep).join('/');
  const idx = posix.lastIndexOf('/AWSLogs/');
  if (idx >= 0 && idx < absRoot.split(sep).join('/').length) return posix.slice(idx + 1);
  return relative(absRoot, abs).split(sep).join('/');
}

/** Files under a directory (or the file itself), with the same pruning as S3 listings. */
export async function* walkLocal(root: string, f: ListFilter, bucket = 'local'): AsyncGenerator<SourceObject> {
  const st = await stat(root);
  const make = (path: string, size: number, mtime: number): SourceObject => ({
    bucket, key: st.isDirectory() ? localKey(root, path) : localKey(join(root, '..'), path), size, lastModified: mtime, path,
    async resolveEtag() { this.etag ??= await md5File(path); return this.etag; },
    async open() { return { body: createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>, etag: await this.resolveEtag() }; },
  });
  if (!st.isDirectory()) { yield make(root, st.size, st.mtimeMs); return; }
  const visited = new Set<string>();
  async function* walk(dir: string, segs: string[]): AsyncGenerator<SourceObject> {
    const real = await realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dirs: string[] = [];
    for (const e of entries) {
      const p = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) { const s = await stat(p).catch(() => undefined); isDir = !!s?.isDirectory(); isFile = !!s?.isFile(); }
      if (isDir) { dirs.push(e.name); continue; }
      if (!isFile || e.name.startsWith('.')) continue;
      const s = await stat(p);
      const key = localKey(root, p);
      if (keepObject(key, s.mtimeMs, f)) yield make(p, s.size, s.mtimeMs);
    }
    for (const d of dirs) {
      const next = [...segs, d];
      if (pruneFolder(next, f)) continue;
      yield* walk(join(dir, d), next);
    }
  }
  // Folder names below the root, after the root's own name (so `AWSLogs/<account>` is recognised when the root is AWSLogs).
  yield* walk(root, [basename(resolve(root))]);
}
