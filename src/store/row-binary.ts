/**
 * Engine rows of the generic event table in ClickHouse's RowBinary format. The engine loads
 * RowBinary at about a third of the CPU JSONEachRow costs it (no quoting or escaping to undo in the
 * message; BENCHMARKS.md), and building it here is a copy of each message's bytes rather than a
 * JSON.stringify of it.
 *
 * Row: group_id UInt64, stream_id UInt64, log_group String, log_stream String, ingestion_time Int64,
 * seq UInt64, idx UInt32, timestamp Int64, message String (String = LEB128 length + bytes).
 */

/** Column names and types of a RowBinary event row, in encoding order. */
export const EVENT_ROW_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['group_id', 'UInt64'], ['stream_id', 'UInt64'], ['log_group', 'String'], ['log_stream', 'String'],
  ['ingestion_time', 'Int64'], ['seq', 'UInt64'], ['idx', 'UInt32'], ['timestamp', 'Int64'], ['message', 'String'],
];

export interface RowEvent {
  timestamp: number;
  message: string;
  /** UTF-8 byte length of `message`, when the caller already knows it. */
  size?: number;
}

export interface EncodedRows {
  body: Buffer;
  /** UTF-8 bytes of all messages. */
  messageBytes: number;
  minTs: number;
  maxTs: number;
}

const TWO_32 = 4294967296;

function varintLength(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

function writeVarint(out: Buffer, o: number, n: number): number {
  while (n >= 0x80) { out[o++] = (n & 0x7f) | 0x80; n = Math.floor(n / 128); }
  out[o++] = n;
  return o;
}

/** A 64-bit little-endian two's-complement integer (safe integers only, which timestamps and ids are). */
function writeInt64(out: Buffer, o: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  const lo = v - hi * TWO_32;
  out.writeUInt32LE(lo, o);
  out.writeInt32LE(hi, o + 4);
}

/** The bytes every row of one batch starts with (group, stream, names, ingestion time, seq). */
function rowPrefix(groupId: number, streamId: number, logGroup: string, logStream: string, ingestionTime: number, seq: number): Buffer {
  const g = Buffer.from(logGroup, 'utf8');
  const s = Buffer.from(logStream, 'utf8');
  const out = Buffer.alloc(16 + varintLength(g.length) + g.length + varintLength(s.length) + s.length + 16);
  writeInt64(out, 0, groupId);
  writeInt64(out, 8, streamId);
  let o = writeVarint(out, 16, g.length);
  o += g.copy(out, o);
  o = writeVarint(out, o, s.length);
  o += s.copy(out, o);
  writeInt64(out, o, ingestionTime);
  writeInt64(out, o + 8, seq);
  return out;
}

/** One batch's events as RowBinary rows; `idx` is the event's position in `events`. */
export function encodeEventRows(b: { groupId: number; streamId: number; logGroup: string; logStream: string; ingestionTime: number; seq: number }, events: readonly RowEvent[]): EncodedRows {
  const prefix = rowPrefix(b.groupId, b.streamId, b.logGroup, b.logStream, b.ingestionTime, b.seq);
  const n = events.length;
  const sizes = new Int32Array(n);
  let total = 0, messageBytes = 0, minTs = Infinity, maxTs = -Infinity;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const size = e.size ?? Buffer.byteLength(e.message, 'utf8');
    sizes[i] = size;
    messageBytes += size;
    total += prefix.length + 12 + varintLength(size) + size;
    if (e.timestamp < minTs) minTs = e.timestamp;
    if (e.timestamp > maxTs) maxTs = e.timestamp;
  }
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const e = events[i];
    out.set(prefix, o);
    o += prefix.length;
    out.writeUInt32LE(i, o);
    writeInt64(out, o + 4, e.timestamp);
    const size = sizes[i];
    o = writeVarint(out, o + 12, size);
    // A message whose byte length equals its length is ASCII: latin1 is then the same bytes, copied faster.
    o += out.write(e.message, o, size, size === e.message.length ? 'latin1' : 'utf8');
  }
  if (o !== total) throw new Error(`RowBinary encoding wrote ${o} of ${total} bytes`);
  return { body: out, messageBytes, minTs, maxTs };
}
