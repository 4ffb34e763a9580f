// Loaded into the spawned server and its engine child with NODE_OPTIONS=--import (bench only).
// Counts, without changing behaviour:
//   server: write-ahead-log writes and fdatasyncs (group commit: records per sync), event-loop use;
//   engine: chDB inserts (calls, bytes, rows, native time): raw-buffer inserts and RowBinary file loads.
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
    const count = (ms, bytes, rows) => {
      stats.inserts++;
      stats.insertBytes += bytes;
      stats.insertRows += rows;
      stats.insertMs += ms;
      if (ms > stats.insertMaxMs) stats.insertMaxMs = ms;
    };
    Session.prototype.insert = async function patchedInsert(params) {
      const t0 = performance.now();
      const r = await orig.call(this, params);
      count(performance.now() - t0, params?.values?.length ?? 0, Number(r?.rowsWritten ?? r?.rowsSent ?? 0));
      return r;
    };
    // RowBinary loads: INSERT … SELECT … FROM file('<spool>', 'RowBinary', …) (src/store/engine-child.ts).
    const { statSync } = await import('node:fs');
    const origQuery = Session.prototype.queryAsync;
    Session.prototype.queryAsync = async function patchedQuery(sql, ...rest) {
      const m = typeof sql === 'string' && sql.startsWith('INSERT') ? /FROM file\('([^']+)', 'RowBinary'/.exec(sql) : null;
      if (!m) return origQuery.call(this, sql, ...rest);
      let bytes = 0;
      try { bytes = statSync(m[1]).size; } catch { /* gone */ }
      const t0 = performance.now();
      const r = await origQuery.call(this, sql, ...rest);
      count(performance.now() - t0, bytes, Number(r?.rowsRead ?? 0));
      return r;
    };
  } else {
    Object.assign(stats, { walWrites: 0, walRecords: 0, walEvents: 0, walBytes: 0, syncs: 0, syncRecords: 0, syncMs: 0, syncMaxMs: 0, elu: 0, eluIdle: 0, eluActive: 0 });
    const fh = await open('/dev/null', 'r');
    const proto = Object.getPrototypeOf(fh);
    await fh.close();
    const pending = new WeakMap();
    const origWrite = proto.write;
    const origWritev = proto.writev;
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
    // The WAL writes records as [prefix, header, body] parts with writev: walk the record chain across them.
    const countRecordParts = (bufs) => {
      let total = 0;
      for (const b of bufs) total += b.length;
      let n = 0, pos = 0, bi = 0, base = 0;
      while (pos + 8 <= total) {
        while (bi < bufs.length && base + bufs[bi].length <= pos) base += bufs[bi++].length;
        if (bi >= bufs.length || pos - base + 8 > bufs[bi].length) return 0;
        pos += 8 + bufs[bi].readUInt32LE(pos - base);
        n++;
      }
      return pos === total ? n : 0;
    };
    proto.writev = function patchedWritev(bufs, ...rest) {
      if (Array.isArray(bufs) && bufs.every((b) => Buffer.isBuffer(b))) {
        const n = countRecordParts(bufs);
        if (n) {
          // Parts are [prefix, header line, body] per record: the header says how many events the record holds.
          for (let i = 1; i < bufs.length; i += 3) { try { stats.walEvents += JSON.parse(bufs[i].toString('utf8')).count ?? 0; } catch { /* not a header */ } }
          stats.walWrites++;
          stats.walRecords += n;
          stats.walBytes += bufs.reduce((a, b) => a + b.length, 0);
          pending.set(this, (pending.get(this) ?? 0) + n);
        }
      }
      return origWritev.call(this, bufs, ...rest);
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
