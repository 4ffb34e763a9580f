/**
 * Trailwatch's own structured logs (pino JSON lines) also go into its own log group
 * `/trailwatch/server`, through the same ingest path as everyone else's logs.
 */
import { hostname } from 'node:os';
import type { LogStore } from '../store/log-store.js';
import { ingestLines } from '../ingest/native-ingest.js';

export const SELF_LOG_GROUP = '/trailwatch/server';

export class SelfLogSink {
  private lines: string[] = [];
  private store: LogStore | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  readonly stream = `${hostname().replace(/[:*]/g, '_')}-${process.pid}`;

  /** pino calls this with one JSON line per log record. */
  write(line: string): void {
    if (this.lines.length < 10_000) this.lines.push(line);
  }

  attach(store: LogStore): void {
    this.store = store;
    this.timer = setInterval(() => { void this.flush(); }, 1000);
    this.timer.unref();
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (!this.store || !this.lines.length) return;
      const body = this.lines.join('');
      this.lines = [];
      try {
        await ingestLines(this.store, { group: SELF_LOG_GROUP, stream: this.stream, create: true, body });
      } catch {
        // Never log about failing to store logs: that would loop. The lines still reached stdout.
      }
    });
    return this.flushing;
  }

  async detach(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    this.store = null;
  }
}
