/**
 * Topic and subscription attributes: which are settable, which SNS has but Trailwatch refuses (never
 * accepted and ignored), their validation, and the default topic access policy.
 */
import { parseDeliveryPolicy } from './delivery-policy.js';
import { invalidParameter } from './errors.js';
import { LIMITS, type Protocol } from './model.js';

const TOPIC_SETTABLE = ['DisplayName', 'Policy', 'DeliveryPolicy', 'SignatureVersion', 'MaximumMessageSize'];
/** Attributes SNS has that Trailwatch refuses rather than accepting and ignoring. */
const TOPIC_UNSUPPORTED = ['KmsMasterKeyId', 'TracingConfig', 'FifoTopic', 'ContentBasedDeduplication', 'ArchivePolicy', 'FifoThroughputScope', 'DataProtectionPolicy',
  'HTTPSuccessFeedbackRoleArn', 'HTTPFailureFeedbackRoleArn', 'HTTPSuccessFeedbackSampleRate', 'ApplicationSuccessFeedbackRoleArn', 'ApplicationFailureFeedbackRoleArn',
  'ApplicationSuccessFeedbackSampleRate', 'LambdaSuccessFeedbackRoleArn', 'LambdaFailureFeedbackRoleArn', 'LambdaSuccessFeedbackSampleRate', 'SQSSuccessFeedbackRoleArn',
  'SQSFailureFeedbackRoleArn', 'SQSSuccessFeedbackSampleRate', 'FirehoseSuccessFeedbackRoleArn', 'FirehoseFailureFeedbackRoleArn', 'FirehoseSuccessFeedbackSampleRate'];
const SUB_SETTABLE = ['RawMessageDelivery', 'DeliveryPolicy'];
const SUB_UNSUPPORTED = ['FilterPolicy', 'FilterPolicyScope', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy'];

const unsupported = (name: string, what: string) => invalidParameter(`Attributes Reason: ${name} is not supported by Trailwatch (${what})`);

/** One topic attribute as CreateTopic and SetTopicAttributes accept it (refused with SNS's error otherwise). */
export function checkTopicAttribute(name: string, value: string): void {
  if (TOPIC_UNSUPPORTED.includes(name)) {
    // FifoTopic=false is what a standard topic is anyway.
    if (name === 'FifoTopic' && value === 'false') return;
    throw unsupported(name, name.includes('Feedback') ? 'delivery status logging' : 'not implemented');
  }
  if (!TOPIC_SETTABLE.includes(name)) throw invalidParameter('AttributeName');
  if (name === 'DisplayName' && value.length > 100) throw invalidParameter('DisplayName');
  if (name === 'SignatureVersion' && value !== '' && value !== '1' && value !== '2') throw invalidParameter('Attributes Reason: SignatureVersion: Invalid value. Must be 1 or 2.');
  if (name === 'DeliveryPolicy' && value !== '') parseDeliveryPolicy(value, 'topic');
  if (name === 'MaximumMessageSize' && value !== '') {
    const n = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
    if (!(n >= 1024 && n <= 1_048_576)) throw invalidParameter('Attributes Reason: MaximumMessageSize: Invalid value. Must be an integer from 1024 to 1048576.');
    // Above 256 KiB SNS delivers only to SQS, Lambda and Firehose subscriptions, none of which Trailwatch has.
    if (n > LIMITS.messageBytes) throw unsupported(name, 'messages above 262144 bytes go only to SQS, Lambda and Firehose subscriptions');
  }
  if (name === 'Policy' && value !== '') {
    try { const p = JSON.parse(value) as unknown; if (typeof p !== 'object' || p === null) throw new Error(); } catch { throw invalidParameter('Policy: Invalid Policy JSON'); }
  }
}

/** One subscription attribute as Subscribe and SetSubscriptionAttributes accept it for `protocol`. */
export function checkSubscriptionAttribute(protocol: Protocol, name: string, value: string): void {
  if (SUB_UNSUPPORTED.includes(name)) throw unsupported(name, name.startsWith('Filter') ? 'subscription filter policies are not evaluated' : 'not implemented');
  if (!SUB_SETTABLE.includes(name)) throw invalidParameter('AttributeName');
  if (name === 'RawMessageDelivery') {
    const v = value.toLowerCase();
    if (v !== 'true' && v !== 'false') throw invalidParameter(`Attributes Reason: RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
    if (v === 'true' && protocol !== 'http' && protocol !== 'https') throw invalidParameter(`Attributes Reason: Delivery protocol [${protocol}] does not support raw message delivery.`);
  }
  if (name === 'DeliveryPolicy' && value !== '') {
    if (protocol !== 'http' && protocol !== 'https') throw invalidParameter(`Attributes Reason: Delivery protocol [${protocol}] does not support delivery policies.`);
    parseDeliveryPolicy(value, 'subscription');
  }
}

/** Stored forms: RawMessageDelivery lower-cased (SNS accepts `True`). */
export function normalizeSubAttributes(a: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) out[k] = k === 'RawMessageDelivery' ? v.toLowerCase() : v;
  return out;
}

/** The access policy SNS gives a new topic. Trailwatch stores topic policies but does not evaluate them (docs). */
export function defaultPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: '2008-10-17', Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID', Effect: 'Allow', Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: arn, Condition: { StringEquals: { 'AWS:SourceOwner': account } },
    }],
  });
}
