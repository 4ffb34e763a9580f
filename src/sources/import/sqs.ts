/**
 * Continuous import from S3 event notifications in an SQS queue (S3 → SQS directly, S3 → SNS → SQS, or
 * EventBridge → SQS). Long polling; while a message's objects are being imported its visibility timeout is
 * extended; the message is deleted only after the server acknowledged every object as durably imported (or
 * already imported); a message that keeps failing is recorded as a dead letter on the server after
 * `maxReceives` receives and then deleted, so it does not circle forever.
 */
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ImportClient, ImportOptions } from './client.js';
import { parseNotification } from './notifications.js';
import { s3Object } from './objects.js';
import { addResult, newTotals, type RunTotals } from './runner.js';

export interface SqsOptions extends ImportOptions {
  queueUrl: string;
  endpoint?: string;
  region?: string;
  profile?: string;
  /** Seconds a received message stays hidden (and each extension's length). Default 60. */
  visibilityTimeout?: number;
  /** Long-poll wait, seconds (0-20). Default 20. */
  waitTime?: number;
  /** Receives after which a failing message becomes a dead letter. Default 5. */
  maxReceives?: number;
  concurrency: number;
  /** Stop once the queue has been empty (and nothing in flight) this long. Default: run until stopped. */
  idleExitMs?: number;
  shouldStop?: () => boolean;
  onProgress?: (t: SqsTotals) => void;
}

export interface SqsTotals extends RunTotals {
  messages: number;
  deleted: number;
  ignored: number;
  deadLettered: number;
  visibilityExtensions: number;
  retried: number;
}

export function sqsClientFor(o: { queueUrl: string; endpoint?: string; region?: string; profile?: string }): SQSClient {
  const u = new URL(o.queueUrl);
  const region = o.region ?? /sqs\.([a-z0-9-]+)\./.exec(u.hostname)?.[1] ?? process.env.AWS_REGION ?? 'us-east-1';
  // A queue URL outside AWS (an SQS-compatible server) is its own endpoint unless one is given.
  const endpoint = o.endpoint ?? (/\.amazonaws\.com(\.cn)?$/.test(u.hostname) ? undefined : u.origin);
  return new SQSClient({ region, ...(endpoint ? { endpoint } : {}), ...(o.profile ? { profile: o.profile } : {}) });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function consumeSqs(client: ImportClient, s3: S3Client, o: SqsOptions): Promise<SqsTotals> {
  const sqs = sqsClientFor(o);
  const visibility = o.visibilityTimeout ?? 60;
  const maxReceives = o.maxReceives ?? 5;
  const totals: SqsTotals = { ...newTotals(), messages: 0, deleted: 0, ignored: 0, deadLettered: 0, visibilityExtensions: 0, retried: 0 };
  const progress = () => o.onProgress?.(totals);
  const inflight = new Set<Promise<void>>();
  let lastActivity = Date.now();

  const del = (m: Message) => sqs.send(new DeleteMessageCommand({ QueueUrl: o.queueUrl, ReceiptHandle: m.ReceiptHandle! }));

  async function handle(m: Message): Promise<void> {
    const receives = Number(m.Attributes?.ApproximateReceiveCount ?? 1);
    let n;
    try {
      n = parseNotification(m.Body ?? '');
    } catch {
      // Not JSON: no retry can fix it.
      await client.deadLetter({ bucket: 'sqs', key: m.MessageId ?? 'unknown', etag: '', reason: `message body is not JSON: ${(m.Body ?? '').slice(0, 200)}`, attempts: receives, source: o.queueUrl });
      await del(m);
      totals.deadLettered++;
      return;
    }
    if (!n.objects.length) {
      await del(m);
      totals.deleted++;
      totals.ignored++;
      return;
    }
    // Keep the message hidden while its objects are imported.
    const timer = setInterval(() => {
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: o.queueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: visibility }))
        .then(() => { totals.visibilityExtensions++; }, () => { /* the next receive will tell */ });
    }, Math.max(500, (visibility * 1000) / 2));
    const failures: { bucket: string; key: string; etag: string; reason: string }[] = [];
    try {
      for (const obj of n.objects) {
        totals.listed++;
        totals.listedBytes += obj.size ?? 0;
        try {
          const r = await client.send(s3Object(s3, obj.bucket, obj.key, obj.etag, obj.size ?? 0), { ...o, attempts: 2 });
          addResult(totals, r);
        } catch (e) {
          failures.push({ bucket: obj.bucket, key: obj.key, etag: obj.etag ?? '', reason: `${(e as { code?: string; name?: string }).code ?? (e as Error).name}: ${(e as Error).message}` });
        }
        totals.bytesDone += obj.size ?? 0;
        progress();
      }
    } finally {
      clearInterval(timer);
    }
    if (!failures.length) {
      await del(m);
      totals.deleted++;
      return;
    }
    totals.failed += failures.length;
    for (const f of failures) if (totals.failures.length < 100) totals.failures.push({ bucket: f.bucket, key: f.key, code: 'ImportFailed', message: f.reason });
    if (receives >= maxReceives) {
      for (const f of failures) await client.deadLetter({ ...f, attempts: receives, source: o.queueUrl });
      await del(m);
      totals.deadLettered++;
      return;
    }
    // Retry after a backoff instead of the full visibility timeout.
    totals.retried++;
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: o.queueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: Math.min(visibility, 2 ** receives) })).catch(() => { /* expires anyway */ });
  }

  while (!o.shouldStop?.()) {
    if (inflight.size >= o.concurrency) { await Promise.race(inflight); continue; }
    let msgs: Message[];
    try {
      const r = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: o.queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(10, o.concurrency - inflight.size)),
        WaitTimeSeconds: o.waitTime ?? 20,
        VisibilityTimeout: visibility,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }));
      msgs = r.Messages ?? [];
    } catch (e) {
      if (o.shouldStop?.()) break;
      const err = e as { name?: string; $fault?: string };
      if (err.$fault === 'client' && err.name !== 'ThrottlingException' && err.name !== 'RequestThrottled') throw e;
      await sleep(1000);
      continue;
    }
    if (!msgs.length) {
      if (o.idleExitMs !== undefined && inflight.size === 0 && Date.now() - lastActivity >= o.idleExitMs) break;
      if (inflight.size) await Promise.race([...inflight, sleep(50)]);
      continue;
    }
    lastActivity = Date.now();
    for (const m of msgs) {
      totals.messages++;
      const p: Promise<void> = handle(m).catch((e: unknown) => {
        totals.failed++;
        if (totals.failures.length < 100) totals.failures.push({ bucket: 'sqs', key: m.MessageId ?? '', code: (e as Error).name ?? 'Error', message: (e as Error).message });
      }).finally(() => { inflight.delete(p); lastActivity = Date.now(); progress(); });
      inflight.add(p);
    }
    progress();
  }
  await Promise.all(inflight);
  totals.listingDone = true;
  sqs.destroy();
  return totals;
}
