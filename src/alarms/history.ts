/**
 * Alarm history (DescribeAlarmHistory): kept two weeks as AWS does, and at most
 * MAX_ITEMS_PER_ALARM items per alarm (the oldest go first), in an fsync'ed journal.
 * History outlives the alarm (AWS keeps a deleted alarm's history until it ages out).
 */
import { join } from 'node:path';
import { Journal } from './journal.js';
import { ALARM_LIMITS, type AlarmType, type HistoryItem, type HistoryItemType } from './model.js';

export const MAX_ITEMS_PER_ALARM = 1000;

export interface HistoryQuery {
  alarmName?: string;
  types: AlarmType[];
  itemType?: HistoryItemType;
  start?: number;
  end?: number;
  ascending: boolean;
}

export class AlarmHistory {
  private readonly byAlarm = new Map<string, HistoryItem[]>();
  private readonly journal: Journal<HistoryItem>;

  constructor(dir: string, now: number) {
    this.journal = new Journal<HistoryItem>(join(dir, 'history.jsonl'));
    let kept = 0;
    for (const h of this.journal.replay()) if (this.keep(h, now)) kept++;
    this.prune(now);
    if (this.journal.lines > 2 * kept + 1000) this.journal.rewrite(this.all());
  }

  private keep(h: HistoryItem, now: number): boolean {
    if (h.timestamp < now - ALARM_LIMITS.historyMs) return false;
    const list = this.byAlarm.get(h.alarmName) ?? [];
    list.push(h);
    if (list.length > MAX_ITEMS_PER_ALARM * 2) list.splice(0, list.length - MAX_ITEMS_PER_ALARM);
    this.byAlarm.set(h.alarmName, list);
    return true;
  }

  private all(): HistoryItem[] {
    return [...this.byAlarm.values()].flat().sort((a, b) => a.timestamp - b.timestamp);
  }

  /** Drops items older than two weeks and beyond the per-alarm cap. */
  prune(now: number): void {
    const cut = now - ALARM_LIMITS.historyMs;
    for (const [name, list] of this.byAlarm) {
      let i = 0;
      while (i < list.length && list[i].timestamp < cut) i++;
      if (list.length - i > MAX_ITEMS_PER_ALARM) i = list.length - MAX_ITEMS_PER_ALARM;
      if (i) list.splice(0, i);
      if (!list.length) this.byAlarm.delete(name);
    }
  }

  /** Prunes, and rewrites the journal once it holds far more lines than items kept. */
  maybeCompact(now: number): void {
    this.prune(now);
    let kept = 0;
    for (const list of this.byAlarm.values()) kept += list.length;
    if (this.journal.lines > 2 * kept + 100_000) this.journal.rewrite(this.all());
  }

  /** Records items durably (one fsync for the batch). */
  add(items: readonly HistoryItem[]): void {
    if (!items.length) return;
    this.journal.append(items);
    for (const h of items) {
      const list = this.byAlarm.get(h.alarmName) ?? [];
      list.push(h);
      if (list.length > MAX_ITEMS_PER_ALARM) list.shift();
      this.byAlarm.set(h.alarmName, list);
    }
  }

  query(q: HistoryQuery, now: number): HistoryItem[] {
    const cut = now - ALARM_LIMITS.historyMs;
    const lists = q.alarmName !== undefined ? [this.byAlarm.get(q.alarmName) ?? []] : [...this.byAlarm.values()];
    const out: HistoryItem[] = [];
    for (const list of lists) {
      for (const h of list) {
        if (h.timestamp < cut || !q.types.includes(h.alarmType)) continue;
        if (q.itemType !== undefined && h.type !== q.itemType) continue;
        if (q.start !== undefined && h.timestamp < q.start) continue;
        if (q.end !== undefined && h.timestamp > q.end) continue;
        out.push(h);
      }
    }
    // Stable order within a timestamp: the order written.
    return q.ascending ? out.sort((a, b) => a.timestamp - b.timestamp) : out.reverse().sort((a, b) => b.timestamp - a.timestamp);
  }

  close(): void { this.journal.close(); }
}
