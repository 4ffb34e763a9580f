/**
 * Topics and subscriptions, persisted as one JSON document rewritten atomically (temp file, fsync,
 * rename, directory fsync) on every change, before the API answers. The file holds confirmation
 * tokens and webhook URLs, so it is created 0600.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { replaceFileDurably } from '../store/durable-file.js';
import type { Subscription, Topic } from './model.js';

interface Snapshot { topics: Topic[]; subscriptions: Subscription[]; retired?: Subscription[] }

/** Unsubscribed HTTP/S subscriptions kept (for their restore link) at most. */
const MAX_RETIRED = 10_000;

export class Registry {
  private readonly path: string;
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();
  /** Unsubscribed subscriptions whose UnsubscribeConfirmation link may restore them, by ARN. */
  readonly retired = new Map<string, Subscription>();
  /** Subscription ARNs per topic ARN, in creation order. */
  private readonly byTopic = new Map<string, Set<string>>();

  constructor(dir: string) {
    this.path = join(dir, 'registry.json');
    this.load();
  }

  /** (Re)reads the file: the state every answer so far was based on. */
  private load(): void {
    this.topics.clear();
    this.subscriptions.clear();
    this.retired.clear();
    this.byTopic.clear();
    if (!existsSync(this.path)) return;
    let s: Snapshot;
    // The file is only ever replaced whole (never torn), so a parse failure is real damage: refuse to
    // start rather than come up without the topics and subscriptions users were told exist.
    try { s = JSON.parse(readFileSync(this.path, 'utf8')) as Snapshot; } catch (e) {
      throw new Error(`${this.path} is damaged (${(e as Error).message}); restore it from a backup`);
    }
    for (const t of s.topics) this.topics.set(t.arn, t);
    for (const x of s.subscriptions) this.indexSubscription(x);
    for (const x of s.retired ?? []) this.retired.set(x.arn, x);
  }

  private indexSubscription(s: Subscription): void {
    this.subscriptions.set(s.arn, s);
    let set = this.byTopic.get(s.topicArn);
    if (!set) { set = new Set(); this.byTopic.set(s.topicArn, set); }
    set.add(s.arn);
  }

  subscriptionsOf(topicArn: string): Subscription[] {
    return [...(this.byTopic.get(topicArn) ?? [])].map((a) => this.subscriptions.get(a)!);
  }

  putTopic(t: Topic): void { this.topics.set(t.arn, t); this.save(); }

  /** Removes a topic and its subscriptions. */
  deleteTopic(arn: string): void {
    for (const a of this.byTopic.get(arn) ?? []) this.subscriptions.delete(a);
    for (const [a, r] of this.retired) if (r.topicArn === arn) this.retired.delete(a);
    this.byTopic.delete(arn);
    this.topics.delete(arn);
    this.save();
  }

  putSubscription(s: Subscription): void { this.indexSubscription(s); this.save(); }

  /** Deletes a subscription; `retire` keeps it (with a fresh token) so its UnsubscribeConfirmation link can restore it. */
  deleteSubscription(arn: string, retire?: Subscription): void {
    const s = this.subscriptions.get(arn);
    if (!s) return;
    this.subscriptions.delete(arn);
    if (retire) {
      this.retired.set(arn, retire);
      if (this.retired.size > MAX_RETIRED) this.retired.delete(this.retired.keys().next().value!);
    }
    this.byTopic.get(s.topicArn)?.delete(arn);
    const t = this.topics.get(s.topicArn);
    if (t) t.deletedSubscriptions++;
    this.save();
  }

  /** Brings a retired subscription back (its UnsubscribeConfirmation SubscribeURL was visited). */
  restore(s: Subscription): void {
    this.retired.delete(s.arn);
    const t = this.topics.get(s.topicArn);
    if (t && t.deletedSubscriptions > 0) t.deletedSubscriptions--;
    this.putSubscription(s);
  }

  /** Persists in-place changes to a topic or subscription. */
  save(): void {
    const snap: Snapshot = { topics: [...this.topics.values()], subscriptions: [...this.subscriptions.values()], retired: [...this.retired.values()] };
    try {
      replaceFileDurably(this.path, JSON.stringify(snap));
    } catch (e) {
      // Not on disk (disk full…): the change was made in memory already, so go back to what the file holds,
      // or the API would answer an error and yet act on the change until the next restart.
      this.load();
      throw e;
    }
  }
}
