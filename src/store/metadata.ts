/**
 * Log group and stream metadata: an append-only journal of changes (fsync'ed before the API
 * call that made the change returns), compacted into a snapshot on open.
 */
import { openSync, writeSync, fsyncSync, closeSync, readFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StreamMeta {
  id: number;
  name: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
}

export interface GroupMeta {
  id: number;
  name: string;
  creationTime: number;
  retentionInDays?: number;
  logGroupClass: string;
  kmsKeyId?: string;
  /** Event table of the group's log format; absent = the generic table. */
  table?: string;
  tags: Record<string, string>;
  streams: Map<string, StreamMeta>;
}

type Op =
  | { op: 'group'; id: number; name: string; creationTime: number; logGroupClass: string; kmsKeyId?: string; tags: Record<string, string>; table?: string }
  | { op: 'dropGroup'; id: number }
  | { op: 'stream'; groupId: number; id: number; name: string; creationTime: number }
  | { op: 'dropStream'; groupId: number; id: number }
  | { op: 'retention'; id: number; days: number | null }
  | { op: 'tags'; id: number; tags: Record<string, string> }
  | { op: 'stats'; groupId: number; id: number; first?: number; last?: number; ingest?: number; bytes: number };

export class MetadataStore {
  readonly groups = new Map<string, GroupMeta>();
  private readonly byId = new Map<number, GroupMeta>();
  private nextId = 1;
  private fd = -1;
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, 'metadata.jsonl');
    if (existsSync(this.path)) {
      for (const line of readFileSync(this.path, 'utf8').split('\n')) {
        if (!line) continue;
        try { this.apply(JSON.parse(line) as Op); } catch { /* a torn last line from a crash: ignore */ }
      }
    }
    this.compact();
    this.fd = openSync(this.path, 'a');
  }

  groupById(id: number): GroupMeta | undefined { return this.byId.get(id); }

  private apply(o: Op): void {
    switch (o.op) {
      case 'group': {
        const g: GroupMeta = { id: o.id, name: o.name, creationTime: o.creationTime, logGroupClass: o.logGroupClass, kmsKeyId: o.kmsKeyId, table: o.table, tags: o.tags, streams: new Map() };
        this.groups.set(o.name, g);
        this.byId.set(o.id, g);
        break;
      }
      case 'dropGroup': {
        const g = this.byId.get(o.id);
        if (g) { this.byId.delete(o.id); if (this.groups.get(g.name) === g) this.groups.delete(g.name); }
        break;
      }
      case 'stream': {
        const g = this.byId.get(o.groupId);
        g?.streams.set(o.name, { id: o.id, name: o.name, creationTime: o.creationTime, storedBytes: 0 });
        break;
      }
      case 'dropStream': {
        const g = this.byId.get(o.groupId);
        if (g) for (const [n, s] of g.streams) if (s.id === o.id) g.streams.delete(n);
        break;
      }
      case 'retention': {
        const g = this.byId.get(o.id);
        if (g) g.retentionInDays = o.days ?? undefined;
        break;
      }
      case 'tags': {
        const g = this.byId.get(o.id);
        if (g) g.tags = o.tags;
        break;
      }
      // Stream statistics are derived data, rebuilt from the engine on every open; older journals may still carry them.
      case 'stats': {
        const g = this.byId.get(o.groupId);
        const s = g ? [...g.streams.values()].find((x) => x.id === o.id) : undefined;
        if (s) Object.assign(s, { firstEventTimestamp: o.first, lastEventTimestamp: o.last, lastIngestionTime: o.ingest, storedBytes: o.bytes });
        break;
      }
    }
    if ('id' in o && o.id >= this.nextId) this.nextId = o.id + 1;
  }

  private record(o: Op): void {
    this.apply(o);
    writeSync(this.fd, JSON.stringify(o) + '\n');
    fsyncSync(this.fd);
  }

  /** Rewrites the journal as a snapshot (atomic rename). */
  private compact(): void {
    const lines: string[] = [];
    for (const g of this.byId.values()) {
      lines.push(JSON.stringify({ op: 'group', id: g.id, name: g.name, creationTime: g.creationTime, logGroupClass: g.logGroupClass, kmsKeyId: g.kmsKeyId, tags: g.tags, table: g.table }));
      if (g.retentionInDays) lines.push(JSON.stringify({ op: 'retention', id: g.id, days: g.retentionInDays }));
      for (const s of g.streams.values()) {
        lines.push(JSON.stringify({ op: 'stream', groupId: g.id, id: s.id, name: s.name, creationTime: s.creationTime }));
      }
    }
    // Keep the id counter monotonic across compactions even if the newest group was deleted.
    lines.push(JSON.stringify({ op: 'dropGroup', id: this.nextId - 1 > 0 && !this.byId.has(this.nextId - 1) ? this.nextId - 1 : 0 }));
    const tmp = this.path + '.tmp';
    writeFileSync(tmp, lines.join('\n') + '\n');
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
  }

  createGroup(name: string, creationTime: number, logGroupClass: string, tags: Record<string, string>, kmsKeyId?: string, table?: string): GroupMeta {
    this.record({ op: 'group', id: this.nextId, name, creationTime, logGroupClass, kmsKeyId, tags, table });
    return this.groups.get(name)!;
  }

  deleteGroup(g: GroupMeta): void { this.record({ op: 'dropGroup', id: g.id }); }

  createStream(g: GroupMeta, name: string, creationTime: number): StreamMeta {
    this.record({ op: 'stream', groupId: g.id, id: this.nextId, name, creationTime });
    return g.streams.get(name)!;
  }

  deleteStream(g: GroupMeta, s: StreamMeta): void { this.record({ op: 'dropStream', groupId: g.id, id: s.id }); }

  setRetention(g: GroupMeta, days: number | null): void { this.record({ op: 'retention', id: g.id, days }); }

  setTags(g: GroupMeta, tags: Record<string, string>): void { this.record({ op: 'tags', id: g.id, tags }); }

  close(): void {
    if (this.fd >= 0) { closeSync(this.fd); this.fd = -1; }
  }
}
