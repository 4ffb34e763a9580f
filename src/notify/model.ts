/** Topics, subscriptions and deliveries as persisted, SNS limits, and ARN helpers. */

export type Protocol = 'http' | 'https' | 'email' | 'email-json' | 'slack';
/** The protocols SNS itself knows but Trailwatch cannot deliver to (refused at Subscribe, never accepted silently). */
export const AWS_ONLY_PROTOCOLS = ['sqs', 'lambda', 'sms', 'application', 'firehose'];
export const PROTOCOLS: Protocol[] = ['http', 'https', 'email', 'email-json', 'slack'];

export interface Tag { Key: string; Value: string }

export interface Topic {
  arn: string;
  name: string;
  region: string;
  /** Settable attributes as given (DisplayName, Policy, DeliveryPolicy, SignatureVersion). */
  attributes: Record<string, string>;
  tags: Tag[];
  createdAt: number;
  /** Subscriptions deleted since creation (GetTopicAttributes SubscriptionsDeleted). */
  deletedSubscriptions: number;
}

export interface Subscription {
  arn: string;
  topicArn: string;
  protocol: Protocol;
  endpoint: string;
  owner: string;
  confirmed: boolean;
  /** Confirmation token (hex); valid for TOKEN_TTL_MS after it was issued. */
  token: string;
  tokenIssuedAt: number;
  /** RawMessageDelivery, DeliveryPolicy (settable subscription attributes). */
  attributes: Record<string, string>;
  /** ConfirmSubscription with AuthenticateOnUnsubscribe=true: the unsubscribe link then refuses. */
  authenticateOnUnsubscribe: boolean;
  /** Confirmed by an authenticated API call (not by visiting the link). */
  confirmationWasAuthenticated: boolean;
  createdAt: number;
}

export type DeliveryKind = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
export type DeliveryStatus = 'pending' | 'delivered' | 'rejected' | 'dead' | 'cancelled';

export interface Attempt {
  /** Epoch ms the attempt started. */
  at: number;
  ok: boolean;
  /** HTTP status or SMTP reply code, when the receiver answered. */
  status?: number;
  error?: string;
}

export interface MessageAttribute { Type: string; Value: string }

/** One message to one subscription: what the outbox keeps until it is delivered or dead-lettered. */
export interface Delivery {
  id: string;
  kind: DeliveryKind;
  messageId: string;
  topicArn: string;
  subscriptionArn: string;
  protocol: Protocol;
  endpoint: string;
  /** The message text for this protocol (MessageStructure=json already resolved). */
  message: string;
  subject?: string;
  messageAttributes?: Record<string, MessageAttribute>;
  /** ISO time of publication (stable across retries, as SNS's Timestamp). */
  timestamp: string;
  raw: boolean;
  /** Confirmation token (SubscriptionConfirmation, UnsubscribeConfirmation). */
  token?: string;
  status: DeliveryStatus;
  attempts: Attempt[];
  /** Epoch ms of the next attempt while pending. */
  nextAttemptAt: number;
  finishedAt?: number;
}

export const LIMITS = {
  topicName: 256,
  topicsPerAccount: 100_000,
  subscriptionsPerTopic: 12_500_000,
  /** Message plus attributes, in bytes (Publish). */
  messageBytes: 262_144,
  subject: 99,
  messageAttributes: 10,
  messageAttributeName: 256,
  tagsPerResource: 50,
  pageSize: 100,
  /** Deliveries waiting at once; past it Publish is throttled rather than growing the outbox unbounded. */
  pendingDeliveries: 100_000,
  /** Message bytes waiting at once (the outbox is held in memory too); past it Publish is throttled. */
  pendingBytes: 512 * 1024 * 1024,
  /** SNS keeps a confirmation token valid for two days. */
  tokenTtlMs: 2 * 24 * 3600_000,
  /** SNS gives an HTTP/S endpoint about 15 seconds to answer. */
  httpTimeoutMs: 15_000,
};

export const topicArn = (region: string, account: string, name: string): string => `arn:aws:sns:${region}:${account}:${name}`;

export interface ParsedArn { region: string; account: string; topic: string; subscription?: string }

/** `arn:aws:sns:<region>:<account>:<topic>[:<subscription id>]`, or undefined when it is not one. */
export function parseSnsArn(arn: string): ParsedArn | undefined {
  const p = arn.split(':');
  if ((p.length !== 6 && p.length !== 7) || p[0] !== 'arn' || !/^aws(-[a-z]+)*$/.test(p[1]) || p[2] !== 'sns') return undefined;
  if (!p[3] || !p[4] || !p[5]) return undefined;
  return { region: p[3], account: p[4], topic: p[5], subscription: p[6] };
}
