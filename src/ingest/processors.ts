/**
 * Post-append processors: functions that see every log batch once it is durable (acknowledged by
 * the store), e.g. EMF extraction today and metric filters next. They are registered per log
 * store (one server in a process does not see another's batches) and run in registration order.
 *
 * Callers (PutLogEvents, native ingest) await `runProcessors` after a successful, non-duplicate
 * append, so a processor's own durable writes happen before the client's acknowledgement. A
 * failing processor is reported to its `onError` and never fails the append: the events are stored.
 * Known gap: a crash between the append and the processors loses the derived data for that batch
 * (WAL replay does not re-run processors).
 */
import type { LogStore } from '../store/log-store.js';
import type { GroupMeta, StreamMeta } from '../store/metadata.js';

export interface IngestedBatch {
  group: GroupMeta;
  stream: StreamMeta;
  /** The accepted events, in the order stored. */
  events: ReadonlyArray<{ timestamp: number; message: string }>;
}

export type BatchProcessor = (batch: IngestedBatch) => Promise<void> | void;

interface Registered { name: string; fn: BatchProcessor; onError?: (err: unknown, batch: IngestedBatch) => void }

const registries = new WeakMap<LogStore, Registered[]>();

/** Adds a processor for batches appended to `store`; returns a function that removes it. */
export function registerProcessor(store: LogStore, fn: BatchProcessor, o: { name?: string; onError?: Registered['onError'] } = {}): () => void {
  const list = registries.get(store) ?? [];
  const entry: Registered = { name: o.name ?? (fn.name || 'processor'), fn, onError: o.onError };
  list.push(entry);
  registries.set(store, list);
  return () => {
    const l = registries.get(store);
    if (l) l.splice(l.indexOf(entry), 1);
  };
}

/** Runs every processor registered for `store` on a durable batch. Never throws. */
export async function runProcessors(store: LogStore, batch: IngestedBatch): Promise<void> {
  const list = registries.get(store);
  if (!list?.length || !batch.events.length) return;
  for (const p of [...list]) {
    try {
      await p.fn(batch);
    } catch (e) {
      try { p.onError?.(e, batch); } catch { /* a broken error handler must not fail the append */ }
    }
  }
}

const rejectedListeners = new WeakMap<LogStore, Array<(count: number) => void>>();

/** Listens to events refused one by one by an ingest path of `store` (too old, too new, expired, too large). */
export function onRejected(store: LogStore, fn: (count: number) => void): () => void {
  const list = rejectedListeners.get(store) ?? [];
  list.push(fn);
  rejectedListeners.set(store, list);
  return () => { const l = rejectedListeners.get(store); if (l) l.splice(l.indexOf(fn), 1); };
}

/** Called by the ingest paths with the number of events they refused in a request. Never throws. */
export function reportRejected(store: LogStore, count: number): void {
  if (count <= 0) return;
  for (const fn of rejectedListeners.get(store) ?? []) {
    try { fn(count); } catch { /* a listener must not fail the request */ }
  }
}
