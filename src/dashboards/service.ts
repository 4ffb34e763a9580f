/**
 * CloudWatch dashboards: bodies stored exactly as given, validated as AWS does (docs/dashboards.md).
 * One file per dashboard under `<dataDir>/dashboards/`, written to a temporary file, fsynced and
 * renamed, then the directory fsynced, so a PutDashboard that answered survives kill -9 and a
 * crash mid-write leaves the old version.
 *
 * Files are named by a hash of the dashboard name, not the name itself: a 255-character name plus
 * a suffix exceeds the 255-byte file-name limit, and names differing only in case would collide
 * on a case-insensitive file system. The name is inside the file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { replaceFileDurably, fsyncDir } from '../store/durable-file.js';
import { join } from 'node:path';
import type { AppDeps } from '../app/deps.js';

export interface Dashboard {
  name: string;
  body: string;
  /** Epoch ms of the last PutDashboard. */
  lastModified: number;
}

const SUFFIX = '.dashboard.json';
const fileOf = (name: string): string => createHash('sha256').update(name).digest('hex') + SUFFIX;

export class DashboardService {
  private readonly dir: string;
  private readonly byName = new Map<string, Dashboard>();

  private constructor(private readonly deps: AppDeps) {
    this.dir = join(deps.dataDir, 'dashboards');
  }

  static async open(deps: AppDeps): Promise<DashboardService> {
    const s = new DashboardService(deps);
    s.load();
    return s;
  }

  async close(): Promise<void> {}

  private load(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const f of readdirSync(this.dir)) {
      const p = join(this.dir, f);
      // A temporary file is a write that never finished (its rename did not happen).
      if (f.endsWith('.tmp')) { rmSync(p, { force: true }); continue; }
      if (!f.endsWith(SUFFIX)) continue;
      try {
        const d = JSON.parse(readFileSync(p, 'utf8')) as Dashboard;
        if (typeof d.name === 'string' && typeof d.body === 'string') this.byName.set(d.name, d);
      } catch (e) {
        this.deps.log.error({ file: f, err: (e as Error).message }, 'unreadable dashboard file left in place');
      }
    }
  }

  arn(name: string): string {
    // Dashboards are global: their ARN has no region (CloudWatch API Reference, GetDashboard).
    return `arn:aws:cloudwatch::${this.deps.accountId}:dashboard/${name}`;
  }

  get(name: string): Dashboard | undefined { return this.byName.get(name); }

  /** All dashboards whose name starts with `prefix`, in name order (byte order, as AWS lists them). */
  list(prefix = ''): Dashboard[] {
    return [...this.byName.values()].filter((d) => d.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  put(name: string, body: string): Dashboard {
    const d: Dashboard = { name, body, lastModified: Date.now() };
    replaceFileDurably(join(this.dir, fileOf(name)), JSON.stringify(d));
    this.byName.set(name, d);
    return d;
  }

  /**
   * Deletes all the named dashboards; the caller has checked that they exist. The map follows the
   * files one by one, so a failing unlink leaves memory agreeing with the disk.
   */
  delete(names: readonly string[]): void {
    try {
      for (const name of names) {
        const file = join(this.dir, fileOf(name));
        if (existsSync(file)) unlinkSync(file);
        this.byName.delete(name);
      }
    } finally {
      // An unlink is durable once the directory entry is.
      fsyncDir(this.dir);
    }
  }
}
