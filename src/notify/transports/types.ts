/** What a delivery transport (HTTP/S, SMTP, Slack webhook) gets and answers. */
import type { Delivery } from '../model.js';
import type { Links } from '../envelope.js';

export interface SendContext {
  links: Links;
  /** The topic's DisplayName (email sender name). */
  displayName?: string;
  /** DeliveryPolicy requestPolicy.headerContentType (HTTP/S). */
  contentType?: string;
  signal: AbortSignal;
}

export interface SendResult {
  ok: boolean;
  /** HTTP status or SMTP reply code. */
  status?: number;
  error?: string;
  /** The receiver refused for good (HTTP 4xx, SMTP 5xx): no retry, as SNS does not retry client errors. */
  permanent?: boolean;
}

export interface Transport { send(d: Delivery, c: SendContext): Promise<SendResult> }
