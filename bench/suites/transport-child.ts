/**
 * The far end of the transport micro-benchmark: reads frames on fd 3 exactly as
 * src/store/engine-child.ts does (createReadStream on fd 3 + readFrames), or with a reference
 * reader that concatenates a frame's chunks once, and answers each frame at once on fd 4
 * (no engine: this isolates the cost of moving insert bodies to the engine process).
 *   node --import tsx bench/suites/transport-child.ts store|linear
 */
import { createReadStream, createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { readFrames, writeFrame, type FrameHeader } from '../../src/store/engine-frames.js';

const mode = process.argv[2] ?? 'store';
const input = createReadStream('', { fd: 3 });
const output = createWriteStream('', { fd: 4 });

/** Same wire format as engine-frames.ts, but each frame's chunks are concatenated once (linear). */
function readFramesLinear(src: Readable, onFrame: (h: FrameHeader, body: Buffer) => void): void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  let need = -1; // total frame length once the prefix is known
  src.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (need < 0) {
        if (buffered < 8) return;
        const head = chunks[0].length >= 8 ? chunks[0] : Buffer.concat(chunks, buffered);
        need = 8 + head.readUInt32LE(0) + head.readUInt32LE(4);
      }
      if (buffered < need) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, buffered);
      const hl = all.readUInt32LE(0);
      const header = JSON.parse(all.subarray(8, 8 + hl).toString('utf8')) as FrameHeader;
      const body = all.subarray(8 + hl, need);
      const rest = all.subarray(need);
      chunks = rest.length ? [rest] : [];
      buffered = rest.length;
      need = -1;
      onFrame(header, body);
    }
  });
}

const answer = (h: FrameHeader, body: Buffer) => {
  if (h.op === 'close') { writeFrame(output, { id: h.id, ok: true }); output.end(() => process.exit(0)); return; }
  // Touch the body so a lazy implementation cannot skip it.
  writeFrame(output, { id: h.id, ok: true }, Buffer.from(String(body.length > 0 ? body[body.length - 1] : 0)));
};
if (mode === 'linear') readFramesLinear(input, answer);
else readFrames(input, answer);
input.on('end', () => process.exit(0));
