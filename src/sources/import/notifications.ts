/**
 * "An object was written" messages in the shapes AWS delivers them:
 * - S3 event notifications `{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{…}}]}`
 *   (object keys URL-encoded, spaces as `+`), and the `s3:TestEvent` sent when a notification is configured;
 * - the same wrapped in an SNS envelope (`{"Type":"Notification","Message":"<json>",…}`), as SNS delivers to SQS
 *   without raw message delivery and to HTTPS subscribers;
 * - EventBridge `Object Created` events (`{"source":"aws.s3","detail-type":"Object Created","detail":{…}}`);
 * - CloudTrail's own SNS notification of delivered log files (`{"s3Bucket":"…","s3ObjectKey":["…"]}`).
 */

export interface ObjectNotice { bucket: string; key: string; etag?: string; size?: number; event: string }

export interface ParsedNotification {
  kind: 's3' | 'sns' | 'eventbridge' | 'cloudtrail' | 'test' | 'subscription-confirmation' | 'unknown';
  objects: ObjectNotice[];
  /** Records that announce no new object (removals, test events…), by event name. */
  ignored: string[];
  /** SNS SubscriptionConfirmation: the URL to fetch to confirm. */
  subscribeUrl?: string;
  topicArn?: string;
}

function isObj(v: unknown): v is Record<string, unknown> { return typeof v === 'object' && v !== null && !Array.isArray(v); }

/** S3 notification keys are form-encoded. */
export function decodeS3Key(k: string): string {
  try { return decodeURIComponent(k.replace(/\+/g, ' ')); } catch { return k; }
}

function fromS3Records(records: unknown[], out: ParsedNotification): void {
  for (const r of records) {
    if (!isObj(r)) continue;
    const name = typeof r.eventName === 'string' ? r.eventName : '';
    const s3 = isObj(r.s3) ? r.s3 : undefined;
    const bucket = s3 && isObj(s3.bucket) && typeof s3.bucket.name === 'string' ? s3.bucket.name : undefined;
    const obj = s3 && isObj(s3.object) ? s3.object : undefined;
    if (!name.startsWith('ObjectCreated:') || !bucket || !obj || typeof obj.key !== 'string') { out.ignored.push(name || 'unknown'); continue; }
    out.objects.push({
      bucket,
      key: decodeS3Key(obj.key),
      etag: typeof obj.eTag === 'string' ? obj.eTag : typeof obj.etag === 'string' ? obj.etag : undefined,
      size: typeof obj.size === 'number' ? obj.size : undefined,
      event: name,
    });
  }
}

/** Parses a message body; throws SyntaxError when it is not JSON. */
export function parseNotification(body: string, depth = 0): ParsedNotification {
  const v = JSON.parse(body) as unknown;
  const out: ParsedNotification = { kind: 'unknown', objects: [], ignored: [] };
  if (!isObj(v)) return out;
  if (v.Type === 'SubscriptionConfirmation' || v.Type === 'UnsubscribeConfirmation') {
    return { ...out, kind: 'subscription-confirmation', subscribeUrl: typeof v.SubscribeURL === 'string' ? v.SubscribeURL : undefined, topicArn: typeof v.TopicArn === 'string' ? v.TopicArn : undefined, ignored: [String(v.Type)] };
  }
  if (v.Type === 'Notification' && typeof v.Message === 'string' && depth < 2) {
    let inner: ParsedNotification;
    try { inner = parseNotification(v.Message, depth + 1); } catch { return { ...out, kind: 'sns' }; }
    return { ...inner, kind: inner.kind === 'unknown' ? 'sns' : inner.kind, topicArn: typeof v.TopicArn === 'string' ? v.TopicArn : undefined };
  }
  if (Array.isArray(v.Records)) {
    out.kind = 's3';
    fromS3Records(v.Records, out);
    return out;
  }
  if (v.Event === 's3:TestEvent') return { ...out, kind: 'test', ignored: ['s3:TestEvent'] };
  if (v.source === 'aws.s3' && isObj(v.detail)) {
    out.kind = 'eventbridge';
    const d = v.detail;
    const type = typeof v['detail-type'] === 'string' ? v['detail-type'] : '';
    const bucket = isObj(d.bucket) && typeof d.bucket.name === 'string' ? d.bucket.name : undefined;
    const obj = isObj(d.object) ? d.object : undefined;
    if (type !== 'Object Created' || !bucket || !obj || typeof obj.key !== 'string') { out.ignored.push(type || 'unknown'); return out; }
    out.objects.push({ bucket, key: obj.key, etag: typeof obj.etag === 'string' ? obj.etag : undefined, size: typeof obj.size === 'number' ? obj.size : undefined, event: `Object Created:${typeof d.reason === 'string' ? d.reason : ''}` });
    return out;
  }
  if (typeof v.s3Bucket === 'string' && Array.isArray(v.s3ObjectKey)) {
    out.kind = 'cloudtrail';
    for (const k of v.s3ObjectKey) if (typeof k === 'string') out.objects.push({ bucket: v.s3Bucket, key: k, event: 'CloudTrail:LogFileDelivered' });
    return out;
  }
  return out;
}
