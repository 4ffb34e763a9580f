/**
 * The baseline, in its own process (one chDB data path per process): a fresh chDB Session, the
 * store's table DDL and engine settings, and the engine's own bulk load of the same rows.
 *   node --import tsx bench/suites/baseline-child.ts <dataDir> <rows.ndjson> <reps> <chunkBytes>
 * Prints one JSON line per run: {mode, rep, rows, ms}.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Session } from 'chdb';
import * as schema from '../../src/store/schema.js';

const [dataDir, file, repsArg, chunkArg] = process.argv.slice(2);
const reps = Number(repsArg ?? 3);
const chunkBytes = Number(chunkArg ?? 4 * 1024 * 1024);
const memoryBytes = Number(process.env.TRAILWATCH_ENGINE_MEMORY_BYTES ?? 4 * 1024 ** 3);

// Variants (the `engine` suite): what the engine's own load costs with one feature changed.
const variant = process.env.TW_BASELINE_VARIANT ?? 'store';
const modes = (process.env.TW_BASELINE_MODES ?? 'file,buffer').split(',');

const session = new Session(dataDir);
process.on('SIGTERM', () => { session.close(); process.exit(1); });
const q = (sql: string) => session.queryAsync(sql, { format: 'JSONEachRow' });
// The same session settings as the store's engine child (src/store/engine-child.ts).
await q(`SET max_memory_usage = ${memoryBytes}`);
await q(`SET max_insert_threads = ${variant === 'insert-threads-2' ? 2 : 1}`);
await q('SET max_threads = 2');
// Text index built by merges rather than on insert (ClickHouse materialize_skip_indexes_on_insert).
if (variant === 'index-on-merge') await q('SET materialize_skip_indexes_on_insert = 0');

// The store's own DDL for the generic events table (whichever form schema.ts currently exports).
const s = schema as unknown as { EVENTS_TABLE: string; SCHEMA?: string[]; createTableSql?: (spec: unknown) => string; GENERIC_TABLE?: unknown };
const EVENTS_TABLE = s.EVENTS_TABLE;
let DDL: string[] = s.createTableSql && s.GENERIC_TABLE ? [s.createTableSql(s.GENERIC_TABLE)] : s.SCHEMA ?? [];
if (!DDL.length) throw new Error('baseline: cannot find the store DDL in src/store/schema.ts');
if (variant === 'no-text-index') DDL = DDL.map((d) => d.replace(/,\s*INDEX message_tokens[^\n]*\n/, '\n'));
if (variant === 'no-fsync') DDL = DDL.map((d) => d.replace('fsync_after_insert = 1', 'fsync_after_insert = 0').replace('fsync_part_directory = 1', 'fsync_part_directory = 0'));
if (variant === 'no-text-index' && DDL.some((d) => d.includes('INDEX message_tokens'))) throw new Error('baseline: could not remove the text index from the DDL');

const STRUCTURE = 'group_id UInt64, stream_id UInt64, log_group String, log_stream String, ingestion_time Int64, seq UInt64, idx UInt32, timestamp Int64, message String';

async function fresh(): Promise<void> {
  await q(`DROP TABLE IF EXISTS ${EVENTS_TABLE} SYNC`);
  for (const ddl of DDL) await q(ddl);
}

async function count(): Promise<number> {
  const r = await q(`SELECT count() AS n FROM ${EVENTS_TABLE}`);
  return Number((JSON.parse(r.text().trim()) as { n: string }).n);
}

function emit(o: Record<string, unknown>): void { process.stdout.write(JSON.stringify(o) + '\n'); }

// 1. INSERT ... SELECT FROM file(): the engine reads and parses the file itself.
for (let rep = 0; rep < (modes.includes('file') ? reps : 0); rep++) {
  await fresh();
  const t0 = performance.now();
  await q(`INSERT INTO ${EVENTS_TABLE} SELECT group_id, stream_id, log_group, log_stream, timestamp, ingestion_time, seq, idx, message FROM file('${file.replace(/'/g, "\\'")}', 'JSONEachRow', '${STRUCTURE}')`);
  const ms = performance.now() - t0;
  emit({ mode: 'file', rep, rows: await count(), ms });
}

// 2. Raw-Buffer JSONEachRow inserts of ~chunkBytes, one after another (ENGINE.md rule 4).
const all = modes.includes('buffer') ? readFileSync(file) : Buffer.alloc(0);
const chunks: Buffer[] = [];
for (let off = 0; off < all.length;) {
  let end = Math.min(all.length, off + chunkBytes);
  if (end < all.length) end = all.indexOf(0x0a, end - 1) + 1 || all.length;
  chunks.push(all.subarray(off, end));
  off = end;
}
for (let rep = 0; rep < (modes.includes('buffer') ? reps : 0); rep++) {
  await fresh();
  const t0 = performance.now();
  for (const c of chunks) await session.insert({ table: EVENTS_TABLE, values: c, format: 'JSONEachRow' });
  const ms = performance.now() - t0;
  emit({ mode: 'buffer', rep, rows: await count(), ms, chunks: chunks.length });
}
await q(`DROP TABLE IF EXISTS ${EVENTS_TABLE} SYNC`);
session.close();
process.exit(0);
