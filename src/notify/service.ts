/**
 * SNS-compatible topics, subscriptions and the durable delivery outbox (docs/notifications.md).
 * Every API call that changes topics or subscriptions is on disk before it answers (registry.ts);
 * every delivery Publish or Subscribe creates is in the outbox journal before they answer
 * (outbox.ts); the worker (worker.ts) delivers with retries and dead-letters when the policy is spent.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AppDeps } from '../app/deps.js';
import { checkSubscriptionAttribute, checkTopicAttribute, defaultPolicy, normalizeSubAttributes } from './attributes.js';
import { loadNotifyConfig, type NotifyConfig } from './config.js';
import { EMAIL_DEFAULT, HTTP_DEFAULT, effectiveTopicPolicy, mergePolicy, parseDeliveryPolicy, policyJson, type RetryPolicy } from './delivery-policy.js';
import { confirmationText } from './envelope.js';
import { SnsError, invalidParameter, missingParameter, notAuthorized, subscriptionNotFound, topicNotFound } from './errors.js';
import {
  AWS_ONLY_PROTOCOLS, LIMITS, PROTOCOLS, parseSnsArn, topicArn as makeTopicArn,
  type Delivery, type DeliveryKind, type Protocol, type Subscription, type Tag, type Topic,
} from './model.js';
import { endpointView } from './endpoint-view.js';
import { Outbox, deliveryWeight, type DeliveryFilter } from './outbox.js';
import { paginate } from './paging.js';
import { Registry } from './registry.js';
import { openSigner, type Signer } from './signing.js';
import { emailTransport } from './transports/email.js';
import { httpTransport } from './transports/http.js';
import { slackTransport } from './transports/slack.js';
import type { SendResult, Transport } from './transports/types.js';
import { checkEmail, checkSubject, checkTopicName, checkUrl, messageAttributes, parseStructured, type MessageAttributeInput } from './validate.js';
import { DeliveryWorker } from './worker.js';

export { SnsError } from './errors.js';

export interface PublishInput {
  TopicArn?: string;
  /** A topic ARN (SNS also takes platform endpoints here, which Trailwatch does not have). */
  TargetArn?: string;
  PhoneNumber?: string;
  Message: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: string }>;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

/** Who is calling (API requests); in-process publishers (alarms) have no caller. */
export interface Caller { region: string; principal: string }

export interface NotificationCounters {
  /** Since this process started. */
  published: number;
  delivered: number;
  failedAttempts: number;
  deadLettered: number;
  rejected: number;
  cancelled: number;
  /** Deliveries waiting now (the outbox depth). */
  outboxDepth: number;
}

export interface SubscriptionSummary { SubscriptionArn: string; Owner: string; Protocol: string; Endpoint: string; TopicArn: string }

export class NotificationService {
  private readonly registry: Registry;
  private readonly outbox: Outbox;
  private readonly signer: Signer;
  private readonly config: NotifyConfig;
  private readonly worker: DeliveryWorker;
  private readonly email?: Transport & { close(): void };
  private readonly log: Logger;
  private publicUrl?: string;
  private started = false;
  private readonly stats = { published: 0, delivered: 0, failedAttempts: 0, deadLettered: 0, rejected: 0, cancelled: 0 };

  private constructor(private readonly deps: AppDeps) {
    const dir = join(deps.dataDir, 'notify');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.log = deps.log.child({ component: 'notify' });
    this.config = loadNotifyConfig(deps.dataDir);
    this.registry = new Registry(dir);
    this.outbox = new Outbox(dir, this.config.keepFinished);
    this.outbox.open();
    if (this.outbox.damagedLines) this.log.error({ lines: this.outbox.damagedLines }, 'outbox journal: damaged lines skipped (their deliveries or attempts are lost)');
    this.signer = openSigner(dir);
    if (this.config.smtp) this.email = emailTransport(this.config.smtp.url, this.config.smtp.from);
    this.worker = new DeliveryWorker({
      outbox: this.outbox,
      log: this.log,
      concurrency: this.config.concurrency,
      transportFor: (d) => this.transportFor(d.protocol),
      prepare: (d) => this.prepare(d),
      onResult: (d, r) => this.count(d, r),
    });
  }

  static async open(deps: AppDeps): Promise<NotificationService> {
    const s = new NotificationService(deps);
    // With a configured public URL pending deliveries resume now; otherwise once the server knows its address.
    if (s.config.publicUrl) s.startWorker();
    return s;
  }

  /** The address subscribers reach this server at, once it listens (notify.json/env publicUrl wins). */
  setPublicUrl(url: string): void {
    this.publicUrl = url.replace(/\/+$/, '');
    this.startWorker();
  }

  private startWorker(): void {
    if (this.started) return;
    this.started = true;
    this.worker.start();
  }

  private get baseUrl(): string {
    return this.config.publicUrl ?? this.publicUrl ?? 'http://127.0.0.1:4566';
  }

  // ------------------------------------------------------------------ resolution helpers

  private principalArn(c: Caller): string { return `arn:aws:iam::${this.deps.accountId}:user/${c.principal}`; }

  /** A topic ARN the caller may use: well-formed, in the caller's region and account, existing. */
  private topic(arn: string | undefined, c: Caller | undefined, action: string, param = 'TopicArn'): Topic {
    if (arn === undefined) throw missingParameter(param.charAt(0).toLowerCase() + param.slice(1));
    const p = parseSnsArn(arn);
    if (!p || p.subscription !== undefined) throw invalidParameter(param);
    if (c && p.region !== c.region) throw invalidParameter(param);
    if (p.account !== this.deps.accountId) throw notAuthorized(c ? this.principalArn(c) : 'trailwatch', action, arn);
    const t = this.registry.topics.get(arn);
    if (!t) throw topicNotFound();
    return t;
  }

  private subscription(arn: string | undefined, c: Caller | undefined, action: string): Subscription {
    if (arn === undefined) throw missingParameter('subscriptionArn');
    const p = parseSnsArn(arn);
    if (!p || p.subscription === undefined) throw invalidParameter('SubscriptionArn');
    if (c && p.region !== c.region) throw invalidParameter('SubscriptionArn');
    if (p.account !== this.deps.accountId) throw notAuthorized(c ? this.principalArn(c) : 'anonymous', action, arn);
    const s = this.registry.subscriptions.get(arn);
    if (!s) throw subscriptionNotFound();
    return s;
  }

  // ------------------------------------------------------------------ topics

  createTopic(c: Caller, name: string | undefined, attributes: Record<string, string> = {}, tags: Tag[] = []): string {
    if (name === undefined) throw missingParameter('name');
    checkTopicName(name);
    for (const [k, v] of Object.entries(attributes)) checkTopicAttribute(k, v);
    this.checkTags(tags);
    const arn = makeTopicArn(c.region, this.deps.accountId, name);
    const existing = this.registry.topics.get(arn);
    if (existing) {
      // CreateTopic is idempotent for the same name, unless the attributes or tags differ.
      for (const [k, v] of Object.entries(attributes)) if ((existing.attributes[k] ?? '') !== v) throw invalidParameter('Attributes Reason: Topic already exists with different attributes');
      for (const t of tags) if (!existing.tags.some((x) => x.Key === t.Key && x.Value === t.Value)) throw invalidParameter('Tags Reason: Topic already exists with different tags');
      return arn;
    }
    if (this.registry.topics.size >= LIMITS.topicsPerAccount) throw new SnsError('TopicLimitExceededException', 'Topic limit exceeded');
    this.registry.putTopic({ arn, name, region: c.region, attributes: { ...attributes }, tags: dedupeTags(tags), createdAt: Date.now(), deletedSubscriptions: 0 });
    this.log.info({ topic: arn }, 'topic created');
    return arn;
  }

  /** Idempotent: deleting a topic that does not exist is not an error (DeleteTopic API reference). */
  deleteTopic(c: Caller, arn: string | undefined): void {
    try { this.topic(arn, c, 'DeleteTopic'); } catch (e) {
      if (e instanceof SnsError && e.code === 'NotFoundException') return;
      throw e;
    }
    this.registry.deleteTopic(arn!);
    this.log.info({ topic: arn }, 'topic deleted');
  }

  listTopics(c: Caller, nextToken?: string): { Topics: Array<{ TopicArn: string }>; NextToken?: string } {
    const arns = [...this.registry.topics.values()].filter((t) => t.region === c.region).map((t) => t.arn).sort();
    const page = paginate(arns, nextToken);
    return { Topics: page.items.map((TopicArn) => ({ TopicArn })), NextToken: page.next };
  }

  getTopicAttributes(c: Caller, arn: string | undefined): Record<string, string> {
    const t = this.topic(arn, c, 'GetTopicAttributes');
    const subs = this.registry.subscriptionsOf(t.arn);
    const out: Record<string, string> = {
      Policy: t.attributes.Policy ?? defaultPolicy(t.arn, this.deps.accountId),
      Owner: this.deps.accountId,
      SubscriptionsPending: String(subs.filter((s) => !s.confirmed).length),
      TopicArn: t.arn,
      EffectiveDeliveryPolicy: this.effectiveTopicPolicy(t),
      SubscriptionsConfirmed: String(subs.filter((s) => s.confirmed).length),
      DisplayName: t.attributes.DisplayName ?? '',
      SubscriptionsDeleted: String(t.deletedSubscriptions),
    };
    if (t.attributes.DeliveryPolicy) out.DeliveryPolicy = t.attributes.DeliveryPolicy;
    if (t.attributes.SignatureVersion) out.SignatureVersion = t.attributes.SignatureVersion;
    if (t.attributes.MaximumMessageSize) out.MaximumMessageSize = t.attributes.MaximumMessageSize;
    return out;
  }

  setTopicAttributes(c: Caller, arn: string | undefined, name: string | undefined, value: string | undefined): void {
    const t = this.topic(arn, c, 'SetTopicAttributes');
    if (name === undefined) throw missingParameter('attributeName');
    checkTopicAttribute(name, value ?? '');
    if (value === undefined || value === '') delete t.attributes[name]; else t.attributes[name] = value;
    this.registry.save();
  }

  private effectiveTopicPolicy(t: Topic): string {
    const p = t.attributes.DeliveryPolicy ? parseDeliveryPolicy(t.attributes.DeliveryPolicy, 'topic') : {};
    return effectiveTopicPolicy(p, this.httpDefault);
  }

  // ------------------------------------------------------------------ tags

  private checkTags(tags: Tag[]): void {
    if (tags.length > LIMITS.tagsPerResource) throw new SnsError('TagLimitExceededException', 'Could not complete request: tag quota of per resource exceeded');
    for (const t of tags) {
      if (typeof t.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) throw invalidParameter('Tags Reason: Tag keys must be between 1 and 128 characters');
      if (typeof t.Value !== 'string' || t.Value.length > 256) throw invalidParameter('Tags Reason: Tag values must be at most 256 characters');
      if (/^aws:/i.test(t.Key)) throw invalidParameter('Tags Reason: Tag keys must not start with aws:');
    }
  }

  private taggable(c: Caller, arn: string | undefined): Topic {
    if (arn === undefined) throw missingParameter('resourceArn');
    const p = parseSnsArn(arn);
    if (!p || p.subscription !== undefined) throw invalidParameter('ResourceArn');
    const t = this.registry.topics.get(arn);
    if (!t || t.region !== c.region) throw new SnsError('ResourceNotFoundException', 'Resource does not exist');
    return t;
  }

  tagResource(c: Caller, arn: string | undefined, tags: Tag[]): void {
    const t = this.taggable(c, arn);
    this.checkTags(tags);
    const merged = dedupeTags([...t.tags, ...tags]);
    if (merged.length > LIMITS.tagsPerResource) throw new SnsError('TagLimitExceededException', 'Could not complete request: tag quota of per resource exceeded');
    t.tags = merged;
    this.registry.save();
  }

  untagResource(c: Caller, arn: string | undefined, keys: string[]): void {
    const t = this.taggable(c, arn);
    t.tags = t.tags.filter((x) => !keys.includes(x.Key));
    this.registry.save();
  }

  listTagsForResource(c: Caller, arn: string | undefined): Tag[] {
    return this.taggable(c, arn).tags;
  }

  // ------------------------------------------------------------------ subscriptions

  subscribe(c: Caller, topicArn: string | undefined, protocol: string | undefined, endpoint: string | undefined, attributes: Record<string, string> = {}, returnArn = false): string {
    const t = this.topic(topicArn, c, 'Subscribe');
    if (protocol === undefined) throw missingParameter('protocol');
    const proto = protocol.toLowerCase();
    if (AWS_ONLY_PROTOCOLS.includes(proto)) throw invalidParameter(`Trailwatch cannot deliver to protocol ${proto}; use http, https, email, email-json or slack`);
    if (!PROTOCOLS.includes(proto as Protocol)) throw invalidParameter(`Amazon SNS does not support this protocol string: ${protocol}`);
    const p = proto as Protocol;
    if (endpoint === undefined || endpoint === '') throw invalidParameter('Endpoint');
    if (p === 'http' || p === 'https') {
      if (!checkUrl(endpoint, p)) throw invalidParameter('Endpoint must match the specified protocol');
    } else if (p === 'slack') {
      if (!checkUrl(endpoint)) throw invalidParameter('Endpoint Reason: a slack endpoint is the incoming-webhook URL (http or https)');
    } else {
      if (!checkEmail(endpoint)) throw invalidParameter('Email address');
      if (!this.email) throw invalidParameter('Endpoint Reason: email delivery needs an SMTP relay; set TRAILWATCH_SMTP_URL or smtp.url in notify.json');
    }
    for (const [k, v] of Object.entries(attributes)) checkSubscriptionAttribute(p, k, v);
    const attrs = normalizeSubAttributes(attributes);

    const same = this.registry.subscriptionsOf(t.arn).find((s) => s.protocol === p && s.endpoint === endpoint);
    if (same) {
      for (const [k, v] of Object.entries(attrs)) if ((same.attributes[k] ?? (k === 'RawMessageDelivery' ? 'false' : '')) !== v) throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
      if (same.confirmed) return same.arn;
      // Subscribing again while pending sends the confirmation again (with a fresh token lifetime).
      same.tokenIssuedAt = Date.now();
      this.registry.save();
      this.enqueue([this.confirmation(same)]);
      return returnArn ? same.arn : 'pending confirmation';
    }
    if (this.registry.subscriptionsOf(t.arn).length >= LIMITS.subscriptionsPerTopic) throw new SnsError('SubscriptionLimitExceededException', 'Subscription limit exceeded');
    const s: Subscription = {
      arn: `${t.arn}:${randomUUID()}`, topicArn: t.arn, protocol: p, endpoint, owner: this.deps.accountId,
      // Slack webhooks cannot visit a link; knowing the webhook URL is the proof of ownership.
      confirmed: p === 'slack',
      token: randomBytes(64).toString('hex'), tokenIssuedAt: Date.now(), attributes: attrs,
      authenticateOnUnsubscribe: false, confirmationWasAuthenticated: p === 'slack', createdAt: Date.now(),
    };
    this.registry.putSubscription(s);
    this.log.info({ subscription: s.arn, protocol: p }, 'subscription created');
    if (s.confirmed) return s.arn;
    this.enqueue([this.confirmation(s)]);
    return returnArn ? s.arn : 'pending confirmation';
  }

  private confirmation(s: Subscription): Delivery {
    return this.delivery('SubscriptionConfirmation', s, { messageId: randomUUID(), message: confirmationText(s.topicArn, 'SubscriptionConfirmation'), timestamp: new Date().toISOString(), token: s.token });
  }

  /** Confirms by token: from the API (`caller` set, authenticated) or the SubscribeURL link (anonymous). */
  confirmSubscription(c: Caller | undefined, topicArn: string | undefined, token: string | undefined, authenticateOnUnsubscribe?: string): string {
    const t = this.topic(topicArn, c, 'ConfirmSubscription');
    if (token === undefined) throw missingParameter('token');
    const s = this.registry.subscriptionsOf(t.arn).find((x) => sameToken(x.token, token));
    if (!s) {
      // The restore link of an UnsubscribeConfirmation brings the subscription back.
      const r = [...this.registry.retired.values()].find((x) => x.topicArn === t.arn && sameToken(x.token, token));
      if (!r || Date.now() - r.tokenIssuedAt > LIMITS.tokenTtlMs) throw invalidParameter('Token');
      // Subscribed again meanwhile: the live subscription stands, the old one stays retired.
      const live = this.registry.subscriptionsOf(t.arn).find((x) => x.protocol === r.protocol && x.endpoint === r.endpoint);
      if (live) return live.arn;
      r.confirmed = true;
      r.confirmationWasAuthenticated = c !== undefined;
      this.registry.restore(r);
      this.log.info({ subscription: r.arn }, 'subscription restored');
      return r.arn;
    }
    if (s.confirmed) return s.arn;
    if (Date.now() - s.tokenIssuedAt > LIMITS.tokenTtlMs) throw invalidParameter('Token Reason: the confirmation token has expired');
    if (authenticateOnUnsubscribe !== undefined && !['true', 'false'].includes(authenticateOnUnsubscribe.toLowerCase())) throw invalidParameter('AuthenticateOnUnsubscribe');
    s.confirmed = true;
    s.confirmationWasAuthenticated = c !== undefined;
    s.authenticateOnUnsubscribe = c !== undefined && authenticateOnUnsubscribe?.toLowerCase() === 'true';
    this.registry.save();
    this.log.info({ subscription: s.arn, viaLink: c === undefined }, 'subscription confirmed');
    return s.arn;
  }

  /** From the API (`caller` set) or the UnsubscribeURL link (anonymous, refused when AuthenticateOnUnsubscribe was set). */
  unsubscribe(c: Caller | undefined, arn: string | undefined): void {
    const s = this.subscription(arn, c, 'Unsubscribe');
    if (!c && s.authenticateOnUnsubscribe) throw new SnsError('AuthorizationErrorException', 'Unsubscribing this subscription requires AWS authentication');
    // HTTP/S endpoints are told, with a link that restores the subscription (SNS's UnsubscribeConfirmation).
    const tell = s.confirmed && (s.protocol === 'http' || s.protocol === 'https');
    const retired: Subscription | undefined = tell ? { ...s, attributes: { ...s.attributes }, token: randomBytes(64).toString('hex'), tokenIssuedAt: Date.now() } : undefined;
    this.registry.deleteSubscription(s.arn, retired);
    if (retired) {
      this.enqueue([this.delivery('UnsubscribeConfirmation', retired, {
        messageId: randomUUID(), message: confirmationText(retired.arn, 'UnsubscribeConfirmation'), timestamp: new Date().toISOString(), token: retired.token,
      })]);
    }
    this.log.info({ subscription: s.arn, viaLink: c === undefined }, 'subscription deleted');
  }

  private summary(s: Subscription): SubscriptionSummary {
    // Endpoint credentials only in GetSubscriptionAttributes, as SNS keeps HTTPS URLs to that action.
    return { SubscriptionArn: s.confirmed ? s.arn : 'PendingConfirmation', Owner: s.owner, Protocol: s.protocol, Endpoint: endpointView(s.protocol, s.endpoint), TopicArn: s.topicArn };
  }

  listSubscriptions(c: Caller, nextToken?: string): { Subscriptions: SubscriptionSummary[]; NextToken?: string } {
    const all = [...this.registry.subscriptions.values()].filter((s) => parseSnsArn(s.topicArn)?.region === c.region);
    const page = paginate(all.map((s) => s.arn), nextToken);
    return { Subscriptions: page.items.map((a) => this.summary(this.registry.subscriptions.get(a)!)), NextToken: page.next };
  }

  listSubscriptionsByTopic(c: Caller, topicArn: string | undefined, nextToken?: string): { Subscriptions: SubscriptionSummary[]; NextToken?: string } {
    const t = this.topic(topicArn, c, 'ListSubscriptionsByTopic');
    const page = paginate(this.registry.subscriptionsOf(t.arn).map((s) => s.arn), nextToken);
    return { Subscriptions: page.items.map((a) => this.summary(this.registry.subscriptions.get(a)!)), NextToken: page.next };
  }

  getSubscriptionAttributes(c: Caller, arn: string | undefined): Record<string, string> {
    const s = this.subscription(arn, c, 'GetSubscriptionAttributes');
    const out: Record<string, string> = {
      ConfirmationWasAuthenticated: String(s.confirmationWasAuthenticated),
      PendingConfirmation: String(!s.confirmed),
      Owner: s.owner,
      RawMessageDelivery: s.attributes.RawMessageDelivery ?? 'false',
      TopicArn: s.topicArn,
      Endpoint: s.endpoint,
      Protocol: s.protocol,
      SubscriptionPrincipal: `arn:aws:iam::${this.deps.accountId}:root`,
      SubscriptionArn: s.arn,
    };
    if (s.attributes.DeliveryPolicy) out.DeliveryPolicy = s.attributes.DeliveryPolicy;
    if (s.protocol === 'http' || s.protocol === 'https') {
      // SNS's layout for a subscription's effective policy (sickly policy and guarantees are not settable).
      const h = this.httpSettings(s, this.registry.topics.get(s.topicArn));
      out.EffectiveDeliveryPolicy = JSON.stringify({
        healthyRetryPolicy: policyJson(h.retry), sicklyRetryPolicy: null,
        throttlePolicy: h.maxReceivesPerSecond ? { maxReceivesPerSecond: h.maxReceivesPerSecond } : null,
        ...(h.contentType ? { requestPolicy: { headerContentType: h.contentType } } : {}), guaranteed: false,
      });
    }
    return out;
  }

  setSubscriptionAttributes(c: Caller, arn: string | undefined, name: string | undefined, value: string | undefined): void {
    const s = this.subscription(arn, c, 'SetSubscriptionAttributes');
    if (name === undefined) throw missingParameter('attributeName');
    checkSubscriptionAttribute(s.protocol, name, value ?? '');
    const v = normalizeSubAttributes({ [name]: value ?? '' })[name];
    if (v === undefined || v === '') delete s.attributes[name]; else s.attributes[name] = v;
    this.registry.save();
  }

  // ------------------------------------------------------------------ publish

  /** Queues a message for every confirmed subscription of the topic (durably) and returns its id. */
  async publish(input: PublishInput, c?: Caller): Promise<{ MessageId: string }> {
    if (input.PhoneNumber !== undefined) throw invalidParameter('PhoneNumber Reason: SMS is not supported by Trailwatch');
    const arn = input.TopicArn ?? input.TargetArn;
    if (arn === undefined) throw invalidParameter('TopicArn or TargetArn Reason: no value for required parameter');
    if (input.TopicArn !== undefined && input.TargetArn !== undefined) throw invalidParameter('TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be given');
    const t = this.topic(arn, c, 'Publish', input.TopicArn !== undefined ? 'TopicArn' : 'TargetArn');
    if (input.Message === undefined || input.Message === null) throw missingParameter('message');
    if (typeof input.Message !== 'string' || input.Message.length === 0) throw invalidParameter('Empty message');
    if (input.MessageGroupId !== undefined) throw invalidParameter('MessageGroupId Reason: The request includes MessageGroupId parameter that is not valid for this topic type');
    if (input.MessageDeduplicationId !== undefined) throw invalidParameter('MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type');
    if (input.Subject !== undefined) checkSubject(input.Subject);
    let structured: Record<string, string> | undefined;
    if (input.MessageStructure !== undefined) {
      if (input.MessageStructure !== 'json') throw invalidParameter('MessageStructure');
      structured = parseStructured(input.Message);
    }
    const { attrs, bytes } = messageAttributes(input.MessageAttributes as Record<string, MessageAttributeInput> | undefined);
    const maxBytes = t.attributes.MaximumMessageSize ? Number(t.attributes.MaximumMessageSize) : LIMITS.messageBytes;
    if (Buffer.byteLength(input.Message, 'utf8') + bytes > maxBytes) throw invalidParameter('Message too long');

    const subs = this.registry.subscriptionsOf(t.arn).filter((s) => s.confirmed);
    // The outbox is in memory as well as on disk: bounded by count and by bytes, past which Publish is throttled.
    const weight = deliveryWeight({ message: input.Message, subject: input.Subject }) * subs.length;
    if (this.outbox.depth + subs.length > LIMITS.pendingDeliveries || this.outbox.pendingBytes + weight > LIMITS.pendingBytes) {
      throw new SnsError('ThrottledException', 'Rate exceeded: the delivery outbox is full');
    }
    const messageId = randomUUID();
    const timestamp = new Date().toISOString();
    const ds = subs.map((s) => this.delivery('Notification', s, {
      messageId, timestamp, subject: input.Subject, messageAttributes: attrs,
      message: structured ? structured[s.protocol] ?? structured.default : input.Message,
    }));
    this.enqueue(ds);
    this.stats.published++;
    return { MessageId: messageId };
  }

  private delivery(kind: DeliveryKind, s: Subscription, m: Pick<Delivery, 'messageId' | 'message' | 'timestamp'> & Partial<Delivery>): Delivery {
    return {
      id: randomUUID(), kind, topicArn: s.topicArn, subscriptionArn: s.arn, protocol: s.protocol, endpoint: s.endpoint,
      raw: kind === 'Notification' && s.attributes.RawMessageDelivery === 'true',
      status: 'pending', attempts: [], nextAttemptAt: Date.now(), ...m,
    };
  }

  /** Durable first (one fsync for the batch), then handed to the worker. */
  private enqueue(ds: Delivery[]): void {
    if (!ds.length) return;
    this.outbox.add(ds);
    if (!this.started) this.startWorker();
    this.worker.enqueue(ds);
  }

  // ------------------------------------------------------------------ delivery

  private transportFor(p: Protocol): Transport | undefined {
    if (p === 'http' || p === 'https') return httpTransport;
    if (p === 'slack') return slackTransport;
    return this.email;
  }

  /** The configured HTTP/S default (SNS's, unless notify.json changes it). */
  private get httpDefault(): RetryPolicy { return mergePolicy(HTTP_DEFAULT, this.config.deliveryPolicy.http); }

  /** HTTP/S delivery settings: the subscription's own unless the topic disables overrides, else the topic's, else the default. */
  private httpSettings(s: Subscription | undefined, t: Topic | undefined): { retry: RetryPolicy; contentType?: string; maxReceivesPerSecond?: number } {
    const tp = t?.attributes.DeliveryPolicy ? parseDeliveryPolicy(t.attributes.DeliveryPolicy, 'topic') : {};
    const sp = s?.attributes.DeliveryPolicy && !tp.disableOverrides ? parseDeliveryPolicy(s.attributes.DeliveryPolicy, 'subscription') : {};
    return { retry: sp.retry ?? tp.retry ?? this.httpDefault, contentType: sp.contentType ?? tp.contentType, maxReceivesPerSecond: sp.maxReceivesPerSecond ?? tp.maxReceivesPerSecond };
  }

  private prepare(d: Delivery): ReturnType<ConstructorParameters<typeof DeliveryWorker>[0]['prepare']> {
    const s = this.registry.subscriptions.get(d.subscriptionArn);
    const t = this.registry.topics.get(d.topicArn);
    if (d.kind === 'Notification' && (!s || !s.confirmed)) return { cancel: 'subscription deleted' };
    if (d.kind === 'SubscriptionConfirmation' && (!s || s.confirmed)) return { cancel: s ? 'already confirmed' : 'subscription deleted' };
    let policy: RetryPolicy;
    let contentType: string | undefined;
    let maxPerSecond: number | undefined;
    if (d.protocol === 'email' || d.protocol === 'email-json') policy = mergePolicy(EMAIL_DEFAULT, this.config.deliveryPolicy.email);
    else if (d.protocol === 'slack') policy = mergePolicy(this.httpDefault, this.config.deliveryPolicy.slack);
    else {
      const h = this.httpSettings(s, t);
      policy = h.retry;
      contentType = h.contentType;
      maxPerSecond = h.maxReceivesPerSecond;
    }
    const sv = t?.attributes.SignatureVersion === '2' ? '2' : '1';
    return { policy, minIntervalMs: maxPerSecond ? 1000 / maxPerSecond : undefined, context: { links: { base: this.baseUrl, signer: this.signer, signatureVersion: sv }, displayName: t?.attributes.DisplayName || undefined, contentType } };
  }

  private count(d: Delivery, r: SendResult | undefined): void {
    if (!r) { this.stats.cancelled++; return; }
    if (!r.ok) this.stats.failedAttempts++;
    if (d.status === 'delivered') this.stats.delivered++;
    else if (d.status === 'rejected') this.stats.rejected++;
    else if (d.status === 'dead') this.stats.deadLettered++;
  }

  // ------------------------------------------------------------------ read API

  /** Deliveries, newest first (console, tests, `GET /api/v1/notifications/deliveries`). */
  deliveries(filter: DeliveryFilter = {}): Delivery[] {
    return this.outbox.list(filter).map((d) => structuredClone(d));
  }

  /** Deliveries whose retry budget ran out. */
  deadLetters(limit = 100): Delivery[] { return this.deliveries({ status: 'dead', limit }); }

  /** Self-metrics: delivery outcomes since start and the current outbox depth. */
  counters(): NotificationCounters {
    return { ...this.stats, outboxDepth: this.outbox.depth };
  }

  /** The PEM of the signing certificate when `name` is its published file name. */
  certificate(name: string): string | undefined {
    return name === this.signer.certName ? this.signer.certPem : undefined;
  }

  get signingCertUrl(): string { return `${this.baseUrl}/${this.signer.certName}`; }

  async close(): Promise<void> {
    await this.worker.stop();
    this.outbox.close();
    this.email?.close();
  }
}

/** Token equality in constant time: a token is a secret, and `===` returns sooner the earlier two strings differ. */
function sameToken(have: string, given: string): boolean {
  const a = Buffer.from(have, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function dedupeTags(tags: Tag[]): Tag[] {
  const m = new Map<string, string>();
  for (const t of tags) m.set(t.Key, t.Value);
  return [...m].map(([Key, Value]) => ({ Key, Value }));
}

