/**
 * Loads the deterministic demo dataset into an empty store (the `--demo` start). Groups whose events are a
 * known AWS log format (CloudTrail, VPC Flow, Route 53) get that format's table and typed columns, exactly as
 * an import of the same records would.
 */
import type { LogStore, InputEvent } from '../store/log-store.js';
import { chunkEvents } from '../ingest/lines.js';
import { batchHash } from '../ingest/log-batch.js';
import { detectMessageFormat } from '../sources/registry.js';
import { runProcessors } from '../ingest/processors.js';
import type { GroupMeta } from '../store/metadata.js';

const HOUR = 3600_000;

export interface DemoLoadOptions {
  now?: number;
  /** Called once a group exists and before its events are stored (e.g. to put metric filters on it). */
  prepareGroup?: (group: GroupMeta) => Promise<void>;
}

/**
 * Stores the demo week. Each stored batch goes through the post-append processors, as ingested events do,
 * so metric filters put by `prepareGroup` count the demo's events.
 */
export async function loadDemoData(store: LogStore, o: DemoLoadOptions = {}): Promise<number> {
  const now = o.now ?? Date.now();
  // Ending on the last full hour keeps the data identical for every start within that hour.
  const endTime = Math.floor(now / HOUR) * HOUR;
  const { generateDemoDataset } = await import('../demo/dataset.js');
  let total = 0;
  for (const group of generateDemoDataset({ endTime })) {
    const sample = group.streams.find((s) => s.events.length)?.events[0]?.message;
    const format = sample ? detectMessageFormat(sample) : undefined;
    const g = store.meta.groups.get(group.name) ?? store.meta.createGroup(group.name, endTime - 7 * 24 * HOUR, 'STANDARD', { source: 'demo' }, undefined, format?.table);
    if (group.retentionInDays) store.meta.setRetention(g, group.retentionInDays);
    await o.prepareGroup?.(g);
    for (const stream of group.streams) {
      const s = g.streams.get(stream.name) ?? store.meta.createStream(g, stream.name, endTime - 7 * 24 * HOUR);
      const events: InputEvent[] = format
        ? stream.events.map((e) => ({ ...e, columns: format.parse(e.message).events[0]?.columns }))
        : stream.events;
      const appends: Promise<unknown>[] = [];
      for (const chunk of chunkEvents(events)) {
        appends.push(store.append(g, s, chunk, batchHash(g.id, s.id, chunk)).then((r) => (r.duplicate ? undefined : runProcessors(store, { group: g, stream: s, events: chunk }))));
        total += chunk.length;
      }
      await Promise.all(appends);
    }
  }
  return total;
}
