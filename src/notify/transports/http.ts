/**
 * HTTP/S endpoints as SNS delivers to them (http-header, http-notification-json): a POST with the
 * x-amz-sns-* headers and the signed JSON document (or the bare message with RawMessageDelivery).
 * 2xx is delivered; 5xx and 429 (SNS: "all 5XX errors and 429 ... as retryable"), timeouts and
 * network errors are retried by the delivery policy; any other answer is a refusal that is not retried.
 */
import { envelope } from '../envelope.js';
import type { Delivery } from '../model.js';
import { isRetryableStatus, post } from './http-post.js';
import type { SendContext, SendResult, Transport } from './types.js';

/** SNS's layout of the JSON body: two-space indent, `"Name" : value`. */
export function snsJson(doc: unknown): string {
  return JSON.stringify(doc, null, 2).replace(/^(\s*"(?:[^"\\]|\\.)*"):/gm, '$1 :');
}

export function httpRequestFor(d: Delivery, c: SendContext): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {
    'x-amz-sns-message-type': d.kind,
    'x-amz-sns-message-id': d.messageId,
    'x-amz-sns-topic-arn': d.topicArn,
    'content-type': c.contentType ?? 'text/plain; charset=UTF-8',
    'user-agent': 'Amazon Simple Notification Service Agent',
  };
  if (d.kind !== 'SubscriptionConfirmation') headers['x-amz-sns-subscription-arn'] = d.subscriptionArn;
  if (d.kind === 'Notification' && d.raw) {
    headers['x-amz-sns-rawdelivery'] = 'true';
    return { headers, body: d.message };
  }
  return { headers, body: snsJson(envelope(d, c.links)) };
}

export const httpTransport: Transport = {
  async send(d: Delivery, c: SendContext): Promise<SendResult> {
    const { headers, body } = httpRequestFor(d, c);
    const r = await post(d.endpoint, headers, body, c.signal);
    if (r.status === undefined) return { ok: false, error: r.error ?? 'no answer' };
    if (r.status >= 200 && r.status < 300) return { ok: true, status: r.status };
    return { ok: false, status: r.status, permanent: !isRetryableStatus(r.status), error: `endpoint answered ${r.status}` };
  },
};
