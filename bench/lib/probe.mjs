// Loaded into the spawned server and its engine child with NODE_OPTIONS=--import (bench only).
// Counts, without changing behaviour:
//   server: write-ahead-log writes and fdatasyncs (group commit: records per sync), event-loop use;
//   engine: chDB inserts (calls, bytes, rows, native time).
// Figures go to $TW_BENCH_PROBE_DIR/<pid>.json every 250 ms.
// With $TW_BENCH_CPU_PROF_DIR set, a V8 CPU profile of the whole process life is written there
// on exit (`--cpu-prof` is not allowed in NODE_OPTIONS, so the inspector does it).
import { writeFileSync, renameSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const dir = process.env.TW_BENCH_PROBE_DIR;
const isEngine = /engine-child\.(ts|js)$/.test(process.argv[1] ?? '');
const stats = { pid: process.pid, role: isEngine ? 'engine' : 'server', at: 0 };

if (dir) {
  if (isEngine) {
    Object.assign(stats, { inserts: 0, insertBytes: 0, insertRows: 0, insertMs: 0, insertMaxMs: 0 });
    const { Session } = await import('chdb');
    const orig = Session.prototype.insert;
    Session.prototype.insert = async function patchedInsert(params) {
      const t0 = performance.now();
      const r = await orig.call(this, params);
      const ms = performance.now() - t0;
      stats.inserts++;
      stats.insertBytes += params?.values?.length ?? 0;
      stats.insertRows += Number(r?.rowsWritten ?? r?.rowsSent ?? 0);
      stats.insertMs += ms;
      if (ms > stats.insertMaxMs) stats.insertMaxMs = ms;
      return r;
    };
  } else {
    Object.assign(stats, { walWrites: 0, walRecords: 0, walBytes: 0, syncs: 0, syncRecords: 0, syncMs: 0, syncMaxMs: 0, elu: 0, eluIdle: 0, eluActive: 0 });
    const fh = await open('/dev/null', 'r');
    const proto = Object.getPrototypeOf(fh);
    await fh.close();
    const pending = new WeakMap();
    const origWrite = proto.write;
    const origSync = proto.datasync;
    // A WAL write is a run of [u32 len][u32 crc][payload] records filling the buffer exactly.
    const countRecords = (b) => {
      let off = 0, n = 0;
      while (off + 8 <= b.length) { off += 8 + b.readUInt32LE(off); n++; }
      return off === b.length ? n : 0;
    };
    proto.write = function patchedWrite(buf, ...rest) {
      if (Buffer.isBuffer(buf)) {
        const n = countRecords(buf);
        if (n) {
          stats.walWrites++;
          stats.walRecords += n;
          stats.walBytes += buf.length;
          pending.set(this, (pending.get(this) ?? 0) + n);
        }
      }
      return origWrite.call(this, buf, ...rest);
    };
    proto.datasync = async function patchedSync() {
      const n = pending.get(this) ?? 0;
      pending.delete(this);
      const t0 = performance.now();
      try { return await origSync.call(this); } finally {
        const ms = performance.now() - t0;
        if (n) {
          stats.syncs++;
          stats.syncRecords += n;
          stats.syncMs += ms;
          if (ms > stats.syncMaxMs) stats.syncMaxMs = ms;
        }
      }
    };
  }
  const file = join(dir, `${process.pid}.json`);
  const flush = () => {
    stats.at = Date.now();
    if (!isEngine) {
      const u = performance.eventLoopUtilization();
      stats.eluIdle = u.idle;
      stats.eluActive = u.active;
    }
    try { writeFileSync(file + '.tmp', JSON.stringify(stats)); renameSync(file + '.tmp', file); } catch { /* dir removed */ }
  };
  setInterval(flush, 250).unref();
  process.on('exit', flush);
}

const profDir = process.env.TW_BENCH_CPU_PROF_DIR;
if (profDir) {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(profDir, `${isEngine ? 'engine' : 'server'}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
