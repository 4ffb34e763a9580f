/**
 * SNS's JSON documents for HTTP/S and email-json endpoints (http-notification-json,
 * http-subscription-confirmation-json, http-unsubscribe-confirmation-json): member order as SNS
 * writes them, signed over the canonical string.
 */
import type { Delivery } from './model.js';
import { canonicalString, type Signer } from './signing.js';

export interface Links {
  /** Base URL of this server as subscribers reach it. */
  base: string;
  signer: Signer;
  signatureVersion: '1' | '2';
}

export const subscribeUrl = (base: string, topicArn: string, token: string): string =>
  `${base}/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(topicArn)}&Token=${encodeURIComponent(token)}`;

export const unsubscribeUrl = (base: string, subscriptionArn: string): string =>
  `${base}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;

/** The confirmation texts: `arn` is the topic's for a subscription, the subscription's for an unsubscription (as SNS writes them). */
export function confirmationText(arn: string, kind: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'): string {
  return kind === 'SubscriptionConfirmation'
    ? `You have chosen to subscribe to the topic ${arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
    : `You have chosen to deactivate subscription ${arn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
}

/** The signed JSON document of a delivery (what an HTTP/S endpoint receives unless raw delivery is on). */
export function envelope(d: Delivery, l: Links): Record<string, string | Record<string, unknown>> {
  const certUrl = `${l.base}/${l.signer.certName}`;
  if (d.kind === 'Notification') {
    const m: Record<string, string> = { Type: 'Notification', MessageId: d.messageId, TopicArn: d.topicArn };
    if (d.subject !== undefined) m.Subject = d.subject;
    m.Message = d.message;
    m.Timestamp = d.timestamp;
    m.SignatureVersion = l.signatureVersion;
    m.Signature = l.signer.sign(canonicalString(m), l.signatureVersion);
    m.SigningCertURL = certUrl;
    m.UnsubscribeURL = unsubscribeUrl(l.base, d.subscriptionArn);
    const out: Record<string, string | Record<string, unknown>> = { ...m };
    if (d.messageAttributes && Object.keys(d.messageAttributes).length) out.MessageAttributes = d.messageAttributes;
    return out;
  }
  const m: Record<string, string> = {
    Type: d.kind, MessageId: d.messageId, Token: d.token ?? '', TopicArn: d.topicArn, Message: d.message,
    SubscribeURL: subscribeUrl(l.base, d.topicArn, d.token ?? ''), Timestamp: d.timestamp, SignatureVersion: l.signatureVersion,
  };
  m.Signature = l.signer.sign(canonicalString(m), l.signatureVersion);
  m.SigningCertURL = certUrl;
  return m;
}
