/**
 * Retry schedules after SNS's delivery policies (sns-message-delivery-retries): four phases —
 * immediate retries, pre-backoff retries at the minimum delay, backoff retries from the minimum
 * to the maximum delay, post-backoff retries at the maximum delay. No jitter (SNS adds some).
 */
import { invalidParameter } from './errors.js';
import type { Protocol } from './model.js';

export interface RetryPolicy {
  /** Seconds. */
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential';
}

/** SNS's default HTTP/S policy: three retries, 20 seconds apart. */
export const HTTP_DEFAULT: RetryPolicy = {
  minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numNoDelayRetries: 0, numMinDelayRetries: 0, numMaxDelayRetries: 0, backoffFunction: 'linear',
};

/** SNS's fixed policy for customer-managed endpoints (SMTP): 50 attempts over about six hours. */
export const EMAIL_DEFAULT: RetryPolicy = {
  minDelayTarget: 10, maxDelayTarget: 600, numRetries: 49, numNoDelayRetries: 0, numMinDelayRetries: 2, numMaxDelayRetries: 37, backoffFunction: 'exponential',
};

export function defaultPolicy(protocol: Protocol): RetryPolicy {
  return protocol === 'email' || protocol === 'email-json' ? EMAIL_DEFAULT : HTTP_DEFAULT;
}

/** Milliseconds to wait before retry number `retry` (1-based), or undefined when the policy is spent. */
export function retryDelayMs(p: RetryPolicy, retry: number): number | undefined {
  if (retry < 1 || retry > p.numRetries) return undefined;
  const min = p.minDelayTarget * 1000;
  const max = p.maxDelayTarget * 1000;
  if (retry <= p.numNoDelayRetries) return 0;
  if (retry <= p.numNoDelayRetries + p.numMinDelayRetries) return min;
  const backoff = Math.max(0, p.numRetries - p.numNoDelayRetries - p.numMinDelayRetries - p.numMaxDelayRetries);
  const i = retry - p.numNoDelayRetries - p.numMinDelayRetries;
  if (i > backoff) return max;
  const f = backoff <= 1 ? 1 : (i - 1) / (backoff - 1);
  switch (p.backoffFunction) {
    case 'exponential': return min > 0 ? Math.round(min * Math.pow(max / min, f)) : Math.round(max * f);
    case 'geometric': return Math.round(min + (max - min) * (1 - Math.pow(1 - f, 2)));
    case 'arithmetic': return Math.round(min + (max - min) * f * f);
    default: return Math.round(min + (max - min) * f);
  }
}

const KEYS: Array<keyof RetryPolicy> = ['minDelayTarget', 'maxDelayTarget', 'numRetries', 'numNoDelayRetries', 'numMinDelayRetries', 'numMaxDelayRetries'];

/** Fills a partial policy from a base, for the notify.json defaults (fractional seconds allowed there). */
export function mergePolicy(base: RetryPolicy, over: Partial<RetryPolicy> | undefined): RetryPolicy {
  const p: RetryPolicy = { ...base };
  if (!over) return p;
  for (const k of KEYS) {
    const v = over[k];
    if (v !== undefined) {
      if (typeof v !== 'number' || !(v >= 0)) throw new Error(`deliveryPolicy.${k} must be a non-negative number`);
      (p as unknown as Record<string, number>)[k] = v;
    }
  }
  if (over.backoffFunction !== undefined) p.backoffFunction = over.backoffFunction;
  return p;
}

/** SNS's wording: `Invalid parameter: Attributes Reason: DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be …`. */
const bad = (reason: string) => invalidParameter(`Attributes Reason: DeliveryPolicy: ${reason}`);

/**
 * Validates an API `DeliveryPolicy` (subscription: `{healthyRetryPolicy, throttlePolicy, requestPolicy}`;
 * topic: `{http: {defaultHealthyRetryPolicy, disableSubscriptionOverrides, defaultRequestPolicy}}`) by SNS's
 * rules: whole seconds, 1 ≤ min ≤ max ≤ 3600, phases within numRetries ≤ 100, at most an hour in total.
 */
export interface ParsedDeliveryPolicy { retry?: RetryPolicy; contentType?: string; disableOverrides?: boolean; maxReceivesPerSecond?: number }

export function parseDeliveryPolicy(text: string, level: 'topic' | 'subscription'): ParsedDeliveryPolicy {
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { throw bad('failed to parse JSON'); }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('must be a JSON object');
  let d = doc as Record<string, unknown>;
  let retryKey = 'healthyRetryPolicy';
  let requestKey = 'requestPolicy';
  let throttleKey = 'throttlePolicy';
  let disableOverrides: boolean | undefined;
  if (level === 'topic') {
    for (const k of Object.keys(d)) if (k !== 'http') throw bad(`Trailwatch supports only the http section, not ${k}`);
    if (d.http === undefined) return {};
    if (typeof d.http !== 'object' || d.http === null) throw bad('http must be an object');
    d = d.http as Record<string, unknown>;
    retryKey = 'defaultHealthyRetryPolicy';
    requestKey = 'defaultRequestPolicy';
    throttleKey = 'defaultThrottlePolicy';
    if (d.disableSubscriptionOverrides !== undefined) {
      if (typeof d.disableSubscriptionOverrides !== 'boolean') throw bad('disableSubscriptionOverrides must be a boolean');
      disableOverrides = d.disableSubscriptionOverrides;
    }
  }
  const out: ParsedDeliveryPolicy = { disableOverrides };
  const r = d[retryKey];
  if (r !== undefined) {
    if (typeof r !== 'object' || r === null) throw bad(`${retryKey} must be an object`);
    const rp = r as Record<string, unknown>;
    const p: RetryPolicy = { ...HTTP_DEFAULT };
    const at = (k: string) => `${level === 'topic' ? 'http.' : ''}${retryKey}.${k}`;
    for (const k of KEYS) {
      const v = rp[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(`${at(k)} must be a non-negative integer`);
      (p as unknown as Record<string, number>)[k] = v;
    }
    if (rp.backoffFunction !== undefined) {
      if (typeof rp.backoffFunction !== 'string' || !['linear', 'arithmetic', 'geometric', 'exponential'].includes(rp.backoffFunction)) throw bad(`${at('backoffFunction')} must be one of linear, arithmetic, geometric, exponential`);
      p.backoffFunction = rp.backoffFunction as RetryPolicy['backoffFunction'];
    }
    if (p.minDelayTarget < 1) throw bad(`${at('minDelayTarget')} must be greater than or equal to 1`);
    if (p.maxDelayTarget > 3600) throw bad(`${at('maxDelayTarget')} must be less than or equal to 3600`);
    if (p.minDelayTarget > p.maxDelayTarget) throw bad(`${at('minDelayTarget')} must be less than or equal to maxDelayTarget`);
    if (p.numRetries > 100) throw bad(`${at('numRetries')} must be less than or equal to 100`);
    if (p.numNoDelayRetries + p.numMinDelayRetries + p.numMaxDelayRetries > p.numRetries) throw bad(`${retryKey}: numNoDelayRetries, numMinDelayRetries and numMaxDelayRetries together must not exceed numRetries`);
    let total = 0;
    for (let i = 1; i <= p.numRetries; i++) total += retryDelayMs(p, i) ?? 0;
    if (total > 3600_000) throw bad(`${retryKey}: the total retry time must not exceed 3600 seconds`);
    out.retry = p;
  }
  const th = d[throttleKey];
  if (th !== undefined) {
    if (typeof th !== 'object' || th === null) throw bad(`${throttleKey} must be an object`);
    const m = (th as Record<string, unknown>).maxReceivesPerSecond;
    if (m !== undefined) {
      if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) throw bad(`${throttleKey}.maxReceivesPerSecond must be greater than or equal to 1`);
      out.maxReceivesPerSecond = m;
    }
  }
  const q = d[requestKey];
  if (q !== undefined) {
    if (typeof q !== 'object' || q === null) throw bad(`${requestKey} must be an object`);
    const ct = (q as Record<string, unknown>).headerContentType;
    if (ct !== undefined) {
      if (typeof ct !== 'string' || !/^(text\/plain|application\/json|application\/xml|text\/html|text\/xml|text\/csv|application\/x-www-form-urlencoded)(;\s*charset=[\w-]+)?$/i.test(ct)) throw bad(`${requestKey}.headerContentType is not a supported content type`);
      out.contentType = ct;
    }
  }
  return out;
}

/** A retry policy in the member order SNS writes it in EffectiveDeliveryPolicy. */
export const policyJson = (p: RetryPolicy): Record<string, unknown> => ({
  minDelayTarget: p.minDelayTarget, maxDelayTarget: p.maxDelayTarget, numRetries: p.numRetries, numMaxDelayRetries: p.numMaxDelayRetries,
  numNoDelayRetries: p.numNoDelayRetries, numMinDelayRetries: p.numMinDelayRetries, backoffFunction: p.backoffFunction,
});

/** The EffectiveDeliveryPolicy SNS reports for a topic: its own settings over SNS's defaults (text/plain included). */
export function effectiveTopicPolicy(p: ParsedDeliveryPolicy, base: RetryPolicy = HTTP_DEFAULT): string {
  const http: Record<string, unknown> = { defaultHealthyRetryPolicy: policyJson(p.retry ?? base), disableSubscriptionOverrides: p.disableOverrides ?? false };
  if (p.maxReceivesPerSecond) http.defaultThrottlePolicy = { maxReceivesPerSecond: p.maxReceivesPerSecond };
  http.defaultRequestPolicy = { headerContentType: p.contentType ?? 'text/plain; charset=UTF-8' };
  return JSON.stringify({ http });
}
