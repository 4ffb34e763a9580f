/**
 * Retry schedules and DeliveryPolicy validation. Oracle: SNS developer guide "Amazon SNS message
 * delivery retries" — default HTTP/S policy three retries 20 s apart; SMTP policy 2 retries 10 s
 * apart, 10 backoff retries from 10 s to 600 s, then 600 s apart, 50 attempts over 6+ hours;
 * min ≥ 1 s, max ≤ 3600 s, total policy time ≤ 3600 s for HTTP/S.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMAIL_DEFAULT, HTTP_DEFAULT, effectiveTopicPolicy, mergePolicy, parseDeliveryPolicy, retryDelayMs, type RetryPolicy } from '../../src/notify/delivery-policy.js';
import { SnsError } from '../../src/notify/errors.js';

const schedule = (p: RetryPolicy) => { const out: number[] = []; for (let i = 1; ; i++) { const d = retryDelayMs(p, i); if (d === undefined) return out; out.push(d); } };

describe('retry schedules', () => {
  it('HTTP/S default: three retries, 20 seconds apart', () => {
    assert.deepEqual(schedule(HTTP_DEFAULT), [20_000, 20_000, 20_000]);
  });

  it('SMTP: 50 attempts, pre-backoff 10 s, exponential to 600 s, then 600 s, over six hours', () => {
    const s = schedule(EMAIL_DEFAULT);
    assert.equal(s.length + 1, 50);
    assert.deepEqual(s.slice(0, 3), [10_000, 10_000, 10_000]);
    assert.equal(s[11], 600_000);
    for (let i = 3; i < 12; i++) assert.ok(s[i] >= s[i - 1], 'the backoff phase never shrinks');
    assert.ok(s.slice(12).every((d) => d === 600_000));
    const hours = s.reduce((a, b) => a + b, 0) / 3600_000;
    assert.ok(hours > 6 && hours < 7, String(hours));
  });

  it('phases: immediate, pre-backoff at min, backoff min→max, post-backoff at max', () => {
    const p: RetryPolicy = { minDelayTarget: 1, maxDelayTarget: 16, numRetries: 9, numNoDelayRetries: 2, numMinDelayRetries: 1, numMaxDelayRetries: 1, backoffFunction: 'exponential' };
    assert.deepEqual(schedule(p), [0, 0, 1000, 1000, 2000, 4000, 8000, 16_000, 16_000]);
    const lin = schedule({ ...p, backoffFunction: 'linear' });
    assert.deepEqual(lin.slice(3, 8), [1000, 4750, 8500, 12_250, 16_000]);
  });

  it('notify.json overrides may use fractions of a second', () => {
    assert.deepEqual(schedule(mergePolicy(HTTP_DEFAULT, { minDelayTarget: 0.05, maxDelayTarget: 0.05, numRetries: 2 })), [50, 50]);
    assert.throws(() => mergePolicy(HTTP_DEFAULT, { numRetries: -1 }));
  });
});

describe('DeliveryPolicy attribute', () => {
  const err = (text: string, level: 'topic' | 'subscription') => {
    try { parseDeliveryPolicy(text, level); } catch (e) { assert.ok(e instanceof SnsError); assert.equal(e.code, 'InvalidParameterException'); return e.message; }
    return 'accepted';
  };
  it('accepts SNS-shaped policies at both levels', () => {
    const s = parseDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { minDelayTarget: 5, maxDelayTarget: 10, numRetries: 6, backoffFunction: 'exponential' }, requestPolicy: { headerContentType: 'application/json' } }), 'subscription');
    assert.equal(s.retry?.numRetries, 6);
    assert.equal(s.contentType, 'application/json');
    const t = parseDeliveryPolicy(JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 1 }, disableSubscriptionOverrides: true } }), 'topic');
    assert.equal(t.retry?.numRetries, 1);
    assert.equal(t.disableOverrides, true);
  });
  it('refuses what SNS refuses, naming the attribute', () => {
    // Oracle for the wording: SNS's answer quoted in awsdocs/amazon-sns-developer-guide PR #5
    // ("Invalid parameter: Attributes Reason: DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be greater than or equal to 1").
    assert.equal(err('{"healthyRetryPolicy":{"minDelayTarget":0}}', 'subscription'), 'Invalid parameter: Attributes Reason: DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be greater than or equal to 1');
    assert.match(err('{', 'subscription'), /^Invalid parameter: Attributes Reason: DeliveryPolicy: /);
    assert.match(err('{"healthyRetryPolicy":{"minDelayTarget":30,"maxDelayTarget":20}}', 'subscription'), /healthyRetryPolicy\.minDelayTarget must be less than or equal to maxDelayTarget/);
    assert.match(err('{"healthyRetryPolicy":{"minDelayTarget":3601,"maxDelayTarget":3601}}', 'subscription'), /healthyRetryPolicy\.maxDelayTarget must be less than or equal to 3600/);
    assert.match(err('{"healthyRetryPolicy":{"numRetries":101}}', 'subscription'), /healthyRetryPolicy\.numRetries must be less than or equal to 100/);
    assert.match(err('{"healthyRetryPolicy":{"numRetries":100,"minDelayTarget":60,"maxDelayTarget":60}}', 'subscription'), /total retry time/);
    assert.match(err('{"healthyRetryPolicy":{"minDelayTarget":1.5}}', 'subscription'), /non-negative integer/);
    assert.match(err('{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":0}}}', 'topic'), /http\.defaultHealthyRetryPolicy\.minDelayTarget must be greater than or equal to 1/);
    assert.match(err('{"sqs":{}}', 'topic'), /only the http section/);
  });

  it("EffectiveDeliveryPolicy of a topic is SNS's default document, text/plain included", () => {
    // The document GetTopicAttributes answers for a topic without a DeliveryPolicy (SNS's default HTTP/S policy).
    assert.equal(effectiveTopicPolicy({}), '{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}');
    const own = JSON.parse(effectiveTopicPolicy(parseDeliveryPolicy('{"http":{"defaultHealthyRetryPolicy":{"numRetries":5},"defaultRequestPolicy":{"headerContentType":"application/json"}}}', 'topic'))) as { http: { defaultHealthyRetryPolicy: { numRetries: number }; defaultRequestPolicy: { headerContentType: string } } };
    assert.equal(own.http.defaultHealthyRetryPolicy.numRetries, 5);
    assert.equal(own.http.defaultRequestPolicy.headerContentType, 'application/json');
  });
});
