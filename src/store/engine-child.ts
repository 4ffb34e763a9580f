/**
 * The embedded engine's own process: it alone loads libchdb (native faults and memory stay
 * out of the API process). It answers frames from fd 3 on fd 4.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { Session } from 'chdb';
import { readFrames, writeFrame, type FrameHeader } from './engine-frames.js';

const dataDir = process.argv[2];
const memoryBytes = Number(process.env.TRAILWATCH_ENGINE_MEMORY_BYTES ?? 3 * 1024 ** 3);
if (!dataDir) throw new Error('engine-child: data directory argument required');

const session = new Session(dataDir);
const input = createReadStream('', { fd: 3 });
const output = createWriteStream('', { fd: 4 });

// Memory caps: the engine must not take the machine (ENGINE.md rule 1).
const ready = (async () => {
  // One cap for everything the engine runs at once, and a smaller one per query.
  await session.queryAsync(`SET max_memory_usage_for_user = ${memoryBytes}`);
  await session.queryAsync(`SET max_memory_usage = ${Math.floor(memoryBytes * 0.75)}`);
  // Text indexes are built by background merges, not on the insert path: inserts are ~4x faster
  // (BENCHMARKS.md), and a part without its index is still searched correctly, just without skipping.
  await session.queryAsync('SET materialize_skip_indexes_on_insert = 0');
  await session.queryAsync('SET max_insert_threads = 1');
  await session.queryAsync('SET max_threads = 2');
})();

const IDENT = /^[a-z_][a-z0-9_]*$/;
const TYPE = /^[A-Za-z0-9_(), ]+$/;
const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Loads a RowBinary file into a table. Binary rows cannot go inline after `INSERT … FORMAT` (chDB
 * ends inline data at the first blank line, i.e. at any 0x0A 0x0A in the bytes, without an error),
 * so the server writes them to a file and the engine reads it with file().
 */
function insertFileSql(h: FrameHeader): string {
  const cols = h.columns ?? [];
  if (!IDENT.test(h.table ?? '') || !cols.length || cols.some(([n, t]) => !IDENT.test(n) || !TYPE.test(t)) || !h.path) throw new Error('insertFile: bad table, columns or path');
  const names = cols.map(([n]) => n).join(', ');
  return `INSERT INTO ${h.table} (${names}) SELECT ${names} FROM file(${quote(h.path)}, 'RowBinary', ${quote(cols.map(([n, t]) => `${n} ${t}`).join(', '))})`;
}

function reply(header: FrameHeader, body?: Uint8Array): void {
  writeFrame(output, header, body);
}

async function handle(h: FrameHeader, body: Buffer): Promise<void> {
  await ready;
  try {
    if (h.op === 'insert') {
      // The raw buffer goes to the engine's parser; JS never builds objects from it.
      await session.insert({ table: h.table!, values: body, format: 'JSONEachRow', settings: { materialize_skip_indexes_on_insert: 0 } });
      reply({ id: h.id, ok: true });
    } else if (h.op === 'insertFile') {
      await session.queryAsync(insertFileSql(h), { format: 'JSONEachRow' });
      reply({ id: h.id, ok: true });
    } else if (h.op === 'query' || h.op === 'command') {
      const opts = { format: 'JSONEachRow' };
      const r = h.params && Object.keys(h.params).length
        ? await session.queryBindAsync(h.query!, h.params, opts)
        : await session.queryAsync(h.query!, opts);
      reply({ id: h.id, ok: true }, h.op === 'query' ? r.bytes() : undefined);
    } else if (h.op === 'close') {
      session.close();
      reply({ id: h.id, ok: true });
      output.end(() => process.exit(0));
    } else {
      reply({ id: h.id, ok: false, error: { message: `unknown op ${String(h.op)}` } });
    }
  } catch (err) {
    const e = err as { message?: string; clickhouseCode?: number };
    reply({ id: h.id, ok: false, error: { message: String(e.message ?? err), code: e.clickhouseCode } });
  }
}

readFrames(input, (h, body) => { void handle(h, body); });
input.on('end', () => { session.close(); process.exit(0); });
process.on('SIGTERM', () => { session.close(); process.exit(0); });
