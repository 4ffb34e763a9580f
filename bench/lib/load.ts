/**
 * A closed-loop load driver: `concurrency` workers each keep one request in flight, taking work
 * from `next()` until it returns null or the duration is up. Throughput counts only
 * acknowledged events, over the time from the first send to the last answer.
 */
import { performance } from 'node:perf_hooks';

export interface Done { events: number; bytes: number }
export type Job = () => Promise<Done>;

export interface LoadResult { events: number; bytes: number; requests: number; elapsedS: number; latenciesMs: number[] }

export async function drive(o: { concurrency: number; durationMs?: number; next: () => Job | null }): Promise<LoadResult> {
  const started = performance.now();
  const deadline = o.durationMs === undefined ? Infinity : started + o.durationMs;
  const r: LoadResult = { events: 0, bytes: 0, requests: 0, elapsedS: 0, latenciesMs: [] };
  let failure: unknown = null;
  const worker = async () => {
    while (!failure && performance.now() < deadline) {
      const job = o.next();
      if (!job) return;
      const t0 = performance.now();
      try {
        const d = await job();
        r.latenciesMs.push(performance.now() - t0);
        r.events += d.events;
        r.bytes += d.bytes;
        r.requests++;
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  r.elapsedS = (performance.now() - started) / 1000;
  if (failure) throw failure;
  return r;
}
