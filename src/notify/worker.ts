/**
 * The delivery worker: takes due deliveries from the outbox (earliest first, a bounded number at a
 * time), hands each to its transport, and records the attempt before scheduling the next one by
 * the delivery policy. A delivery whose policy is spent is dead-lettered. Attempts cut short by
 * close() are not recorded, so they run again after a restart (at-least-once, same MessageId).
 */
import type { Logger } from 'pino';
import { retryDelayMs, type RetryPolicy } from './delivery-policy.js';
import type { Attempt, Delivery } from './model.js';
import type { Outbox } from './outbox.js';
import type { SendContext, SendResult, Transport } from './transports/types.js';

export interface WorkerDeps {
  outbox: Outbox;
  log: Logger;
  concurrency: number;
  transportFor(d: Delivery): Transport | undefined;
  /** Where and how to send, or a reason to cancel (subscription gone, already confirmed). */
  prepare(d: Delivery): { context: Omit<SendContext, 'signal'>; policy: RetryPolicy; minIntervalMs?: number } | { cancel: string };
  onResult(d: Delivery, r: SendResult | undefined): void;
}

/** Binary min-heap of [due, id]; stale entries are skipped on pop. */
class DueHeap {
  private readonly h: Array<[number, string]> = [];
  get size(): number { return this.h.length; }
  peek(): [number, string] | undefined { return this.h[0]; }
  push(e: [number, string]): void {
    const h = this.h;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p][0] <= h[i][0]) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }
  pop(): [number, string] | undefined {
    const h = this.h;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && h[l][0] < h[m][0]) m = l;
        if (r < h.length && h[r][0] < h[m][0]) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

export class DeliveryWorker {
  private readonly heap = new DueHeap();
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly abort = new AbortController();
  private stopped = false;
  /** Last attempt start per subscription, for throttle policies. */
  private readonly lastStart = new Map<string, number>();

  constructor(private readonly deps: WorkerDeps) {}

  start(): void {
    for (const d of this.deps.outbox.pending()) this.heap.push([d.nextAttemptAt, d.id]);
    this.pump();
  }

  /** New deliveries were added to the outbox. */
  enqueue(ds: Delivery[]): void {
    for (const d of ds) this.heap.push([d.nextAttemptAt, d.id]);
    this.pump();
  }

  private pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    while (this.inFlight.size < this.deps.concurrency) {
      const top = this.heap.peek();
      if (!top || top[0] > now) break;
      this.heap.pop();
      const d = this.deps.outbox.get(top[1]);
      // Stale heap entry: finished, rescheduled later, or already running.
      if (!d || d.status !== 'pending' || top[0] < d.nextAttemptAt || this.inFlight.has(d.id)) continue;
      const p = this.attempt(d)
        .catch((e: unknown) => {
          // A fault of ours (not the endpoint's): keep the delivery pending and look again in a minute.
          this.deps.log.error({ delivery: d.id, err: e instanceof Error ? e.message : String(e) }, 'delivery attempt could not run');
          this.heap.push([Date.now() + 60_000, d.id]);
        })
        .finally(() => { this.inFlight.delete(d.id); this.pump(); });
      this.inFlight.set(d.id, p);
    }
    const next = this.heap.peek();
    if (next && this.inFlight.size < this.deps.concurrency) this.arm(next[0]);
  }

  private arm(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => { this.timer = undefined; this.timerAt = Infinity; this.pump(); }, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private async attempt(d: Delivery): Promise<void> {
    const { outbox, log } = this.deps;
    const prep = this.deps.prepare(d);
    if ('cancel' in prep) {
      outbox.record(d.id, undefined, 'cancelled', 0);
      log.info({ delivery: d.id, messageId: d.messageId, reason: prep.cancel }, 'delivery cancelled');
      this.deps.onResult(d, undefined);
      return;
    }
    // Throttle policy (maxReceivesPerSecond): too soon after the last send to this subscription, so wait
    // in memory (the schedule on disk is unchanged; after a restart it simply runs when due).
    if (prep.minIntervalMs) {
      const last = this.lastStart.get(d.subscriptionArn) ?? 0;
      const at = last + prep.minIntervalMs;
      if (Date.now() < at) { this.heap.push([Math.ceil(at), d.id]); return; }
      this.lastStart.set(d.subscriptionArn, Date.now());
      if (this.lastStart.size > 10_000) this.lastStart.delete(this.lastStart.keys().next().value!);
    }
    const transport = this.deps.transportFor(d);
    const at = Date.now();
    let r: SendResult;
    if (!transport) r = { ok: false, permanent: true, error: `no transport for protocol ${d.protocol}` };
    else {
      try { r = await transport.send(d, { ...prep.context, signal: this.abort.signal }); } catch (e) { r = { ok: false, error: (e as Error).message }; }
    }
    // Shutting down: the attempt is not recorded, so it runs again after the restart.
    if (this.stopped) return;
    const a: Attempt = { at, ok: r.ok };
    if (r.status !== undefined) a.status = r.status;
    if (r.error) a.error = r.error;
    if (r.ok) outbox.record(d.id, a, 'delivered', 0);
    else if (r.permanent) outbox.record(d.id, a, 'rejected', 0);
    else {
      const delay = retryDelayMs(prep.policy, d.attempts.length + 1);
      if (delay === undefined) outbox.record(d.id, a, 'dead', 0);
      else {
        const next = Date.now() + delay;
        outbox.record(d.id, a, 'pending', next);
        this.heap.push([next, d.id]);
      }
    }
    if (!r.ok) log.warn({ delivery: d.id, messageId: d.messageId, protocol: d.protocol, attempt: d.attempts.length, status: r.status, error: r.error, outcome: d.status }, 'delivery attempt failed');
    this.deps.onResult(d, r);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    // HTTP attempts end at once on abort; an SMTP exchange may not, and shutdown does not wait for it
    // long: an attempt that finishes after stop() is not recorded and simply runs again after the restart.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), new Promise((r) => { timer = setTimeout(r, 5000); })]);
    clearTimeout(timer);
  }
}
