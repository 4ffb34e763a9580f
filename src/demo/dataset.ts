// Deterministic demo dataset: a week of realistic CloudTrail, VPC Flow Logs,
// Route 53 Resolver and application logs with a planted attack story (see
// DEMO_INCIDENTS in common.ts). Same (endTime, days, scale) => byte-identical
// output, so demos, screenshots and tests are reproducible.

import { generateAuthService, generateCheckoutApi, generateLegacyBatch } from './app.js';
import { generateCloudTrail } from './cloudtrail.js';
import type { DemoGroup, DemoWindow } from './common.js';
import { DAY } from './random.js';
import { generateRoute53 } from './route53.js';
import { generateVpcFlow } from './vpcflow.js';

export type { DemoEvent, DemoGroup, DemoIncident, DemoStream } from './common.js';
export {
  ACCOUNT_ID,
  ATTACKER_IP,
  C2_IP,
  DEMO_INCIDENTS,
  KNOWN_BAD_DOMAIN,
  SCANNER_IP,
  TUNNEL_DOMAIN,
  incidentByName,
} from './common.js';

export interface DemoDatasetOptions {
  /** Exclusive end of the window, epoch ms. */
  endTime: number;
  /** Window length in days (default 7). */
  days?: number;
  /** Volume multiplier for background traffic (default 1). Incidents are not scaled. */
  scale?: number;
}

/** Inclusive start of the window generateDemoDataset() fills. */
export function demoWindowStart(opts: DemoDatasetOptions): number {
  return Math.ceil(opts.endTime - (opts.days ?? 7) * DAY);
}

/** Absolute start time of a DEMO_INCIDENTS entry for the given options. */
export function demoIncidentTime(opts: DemoDatasetOptions, offsetMs: number): number {
  return Math.floor(opts.endTime + offsetMs * ((opts.days ?? 7) / 7));
}

export function generateDemoDataset(opts: DemoDatasetOptions): DemoGroup[] {
  const days = opts.days ?? 7;
  const scale = opts.scale ?? 1;
  if (!Number.isFinite(opts.endTime)) throw new Error('endTime must be a finite epoch-ms number');
  if (!(days > 0)) throw new Error('days must be > 0');
  if (!(scale >= 0)) throw new Error('scale must be >= 0');
  const win: DemoWindow = { start: demoWindowStart({ endTime: opts.endTime, days }), end: Math.floor(opts.endTime), days, scale };

  const groups = [
    generateCloudTrail(win),
    generateVpcFlow(win),
    generateRoute53(win),
    generateCheckoutApi(win),
    generateAuthService(win),
    generateLegacyBatch(win),
  ];
  // Generators already bound and sort their output; this is the single place
  // that guarantees the contract regardless of generator details.
  for (const g of groups) {
    for (const s of g.streams) {
      s.events = s.events.filter((e) => e.timestamp >= win.start && e.timestamp < win.end);
      s.events.sort((a, b) => a.timestamp - b.timestamp);
    }
    g.streams = g.streams.filter((s) => s.events.length > 0);
  }
  return groups;
}

export interface DemoGroupSummary {
  name: string;
  streams: number;
  events: number;
  /** Sum of UTF-8 message sizes. */
  bytes: number;
  firstTimestamp?: number;
  lastTimestamp?: number;
}

export interface DemoSummary {
  groups: DemoGroupSummary[];
  totalEvents: number;
  totalBytes: number;
}

export function demoSummary(groups: DemoGroup[]): DemoSummary {
  const out: DemoGroupSummary[] = groups.map((g) => {
    let events = 0;
    let bytes = 0;
    let first: number | undefined;
    let last: number | undefined;
    for (const s of g.streams) {
      events += s.events.length;
      for (const e of s.events) bytes += Buffer.byteLength(e.message, 'utf8');
      if (s.events.length) {
        const a = s.events[0].timestamp;
        const b = s.events[s.events.length - 1].timestamp;
        first = first === undefined ? a : Math.min(first, a);
        last = last === undefined ? b : Math.max(last, b);
      }
    }
    return { name: g.name, streams: g.streams.length, events, bytes, firstTimestamp: first, lastTimestamp: last };
  });
  return {
    groups: out,
    totalEvents: out.reduce((n, g) => n + g.events, 0),
    totalBytes: out.reduce((n, g) => n + g.bytes, 0),
  };
}
