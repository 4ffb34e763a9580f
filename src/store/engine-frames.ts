/**
 * Length-prefixed frames between the server process and the engine child process.
 * A frame is [u32 header length][u32 body length][header JSON][body bytes]; bodies carry
 * insert payloads and query results as raw bytes so neither side re-serializes them.
 */
import type { Readable, Writable } from 'node:stream';

export interface FrameHeader {
  id: number;
  op?: 'query' | 'command' | 'insert' | 'insertFile' | 'close';
  query?: string;
  params?: Record<string, unknown>;
  table?: string;
  /** insertFile: a RowBinary file the engine loads (written by the server; it is not a frame body). */
  path?: string;
  /** insertFile: the file's columns as [name, type]. */
  columns?: ReadonlyArray<readonly [string, string]>;
  ok?: boolean;
  error?: { message: string; code?: number };
}

export function writeFrame(out: Writable, header: FrameHeader, body?: Uint8Array): boolean {
  const h = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.allocUnsafe(8);
  prefix.writeUInt32LE(h.length, 0);
  prefix.writeUInt32LE(body ? body.length : 0, 4);
  out.write(prefix);
  out.write(h);
  return body && body.length ? out.write(body) : true;
}

/** Calls `onFrame` for every complete frame arriving on `input`. */
export function readFrames(input: Readable, onFrame: (header: FrameHeader, body: Buffer) => void): void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  // Bytes the frame being received needs in all: chunks are joined once it has arrived, not on every read
  // (joining on every 64 KiB read made receiving a large insert frame quadratic).
  let needed = 8;
  input.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (buffered < needed) return;
      let buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
      chunks = [buf];
      const hl = buf.readUInt32LE(0);
      const bl = buf.readUInt32LE(4);
      needed = 8 + hl + bl;
      if (buffered < needed) return;
      needed = 8;
      const header = JSON.parse(buf.subarray(8, 8 + hl).toString('utf8')) as FrameHeader;
      const body = buf.subarray(8 + hl, 8 + hl + bl);
      buf = buf.subarray(8 + hl + bl);
      chunks = buf.length ? [buf] : [];
      buffered = buf.length;
      onFrame(header, body);
    }
  });
}
