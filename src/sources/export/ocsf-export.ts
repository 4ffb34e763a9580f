/**
 * `trailwatch export ocsf`: stored events of known AWS formats, mapped to OCSF 1.1.0 and written as Parquet
 * in the Amazon Security Lake custom-source layout:
 *   <outDir>/ext/<source>/region=<region>/accountId=<account>/eventDay=<YYYYMMDD>/part-<n>.parquet
 * The engine writes the Parquet files (nested OCSF objects become Parquet structs), so it needs the embedded
 * engine or a ClickHouse server that can write to the same path.
 */
import { isAbsolute, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { LogStore, StoredEvent } from '../../store/log-store.js';
import type { GroupMeta } from '../../store/metadata.js';
import { SOURCE_FORMATS, detectMessageFormat } from '../registry.js';
import type { SourceFormat } from '../contract.js';
import { toOcsfFor } from '../ocsf/mappings.js';

export interface OcsfExportOptions {
  groups: GroupMeta[];
  startMs: number;
  endMs: number;
  outDir: string;
  accountId: string;
  region: string;
  /** Events per Parquet file (at most). */
  fileEvents?: number;
}

export interface OcsfExportResult {
  events: number;
  files: { path: string; events: number }[];
  /** Groups without an OCSF mapping, and events that could not be mapped, with the reason. */
  skipped: { logGroupName: string; events: number; reason: string }[];
}

const PAGE = 10_000;

function formatOfGroup(store: LogStore, g: GroupMeta, first?: string): SourceFormat | undefined {
  const table = store.tableOf(g);
  return SOURCE_FORMATS.find((f) => f.table === table) ?? (first ? detectMessageFormat(first) : undefined);
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');
const safe = (s: string): string => s.replace(/[^A-Za-z0-9_.-]/g, '_');

export async function exportOcsf(store: LogStore, o: OcsfExportOptions): Promise<OcsfExportResult> {
  if (!isAbsolute(o.outDir)) throw new Error('outDir must be an absolute path');
  const perFile = o.fileEvents ?? 50_000;
  const result: OcsfExportResult = { events: 0, files: [], skipped: [] };
  const partitions = new Map<string, string[]>();
  let fileNo = 0;

  const flush = async (key: string) => {
    const rows = partitions.get(key);
    if (!rows?.length) return;
    partitions.delete(key);
    const dir = join(o.outDir, key);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `part-${String(++fileNo).padStart(5, '0')}-${Date.now()}.parquet`);
    // The rows are bound as one parameter: never spliced into the SQL text.
    await store.engine.command({ query: `INSERT INTO FUNCTION file({path:String}, 'Parquet') SELECT * FROM format(JSONEachRow, {data:String}) SETTINGS input_format_try_infer_datetimes = 0, input_format_try_infer_dates = 0`, query_params: { path, data: rows.join('\n') } });
    result.files.push({ path, events: rows.length });
  };

  for (const g of o.groups) {
    let after: { timestamp: number; ingestionTime: number; seq: number; idx: number } | undefined;
    let format: SourceFormat | undefined;
    let unmapped = 0;
    for (;;) {
      const page: StoredEvent[] = await store.filter(g.id, { start: o.startMs, end: o.endMs, after, limit: PAGE });
      if (!page.length) break;
      format ??= formatOfGroup(store, g, page[0].message);
      if (!format) { result.skipped.push({ logGroupName: g.name, events: page.length, reason: 'no known AWS log format' }); break; }
      for (const e of page) {
        const parsed = format.parse(e.message).events[0];
        const ocsf = parsed ? toOcsfFor(format.id, parsed, { accountId: o.accountId, region: o.region }) : undefined;
        if (!ocsf) { unmapped++; continue; }
        const cloud = (ocsf.cloud ?? {}) as { region?: string; account?: { uid?: string } };
        const time = typeof ocsf.time === 'number' ? ocsf.time : e.timestamp;
        const key = join('ext', format.id, `region=${safe(cloud.region ?? o.region)}`, `accountId=${safe(cloud.account?.uid ?? o.accountId)}`, `eventDay=${day(time)}`);
        let rows = partitions.get(key);
        if (!rows) partitions.set(key, (rows = []));
        rows.push(JSON.stringify(ocsf));
        result.events++;
        if (rows.length >= perFile) await flush(key);
      }
      const l = page[page.length - 1];
      after = { timestamp: l.timestamp, ingestionTime: l.ingestionTime, seq: l.seq, idx: l.idx };
      if (page.length < PAGE) break;
    }
    if (unmapped) result.skipped.push({ logGroupName: g.name, events: unmapped, reason: `${format?.id ?? 'unknown'} events without an OCSF mapping` });
  }
  for (const key of [...partitions.keys()]) await flush(key);
  return result;
}
