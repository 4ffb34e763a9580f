// VPC Flow Logs, default version-2 format, one log stream per ENI
// ("<eni>-all", as the CloudWatch Logs destination names them):
//   version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
// start/end are epoch seconds. A flow between two monitored ENIs shows up in
// both streams, and every accepted flow has its reply direction too, as in AWS.

import {
  ACCOUNT_ID,
  C2_IP,
  DemoGroup,
  DemoWindow,
  HOSTS,
  Host,
  OFFICE_IPS,
  SCANNER_IP,
  VPC_FLOW_GROUP,
  VPC_RESOLVER_IP,
  hostByName,
  hostsByRole,
  incidentStart,
  internetIp,
} from './common.js';
import {
  MINUTE,
  Rng,
  SECOND,
  activityTimes,
  businessProfile,
  consumerProfile,
  hashSeed,
  machineProfile,
  nightProfile,
} from './random.js';

const TCP = 6;
const UDP = 17;
const ICMP = 1;

interface FlowRecord {
  eni: string;
  ts: number;
  line: string;
}

/** Collects lines per ENI; only addresses belonging to HOSTS get a stream. */
class FlowSink {
  readonly records: FlowRecord[] = [];
  private readonly byIp = new Map<string, Host>(HOSTS.map((h) => [h.ip, h]));

  constructor(private readonly win: DemoWindow) {}

  /** One capture window [startSec, endSec] for one direction, recorded on whichever side(s) we monitor. */
  private line(src: string, dst: string, sport: number, dport: number, proto: number, packets: number, bytes: number, startSec: number, endSec: number, action: 'ACCEPT' | 'REJECT'): void {
    for (const ip of src === dst ? [src] : [src, dst]) {
      const h = this.byIp.get(ip);
      if (!h) continue;
      this.push(h.eni, startSec, `2 ${ACCOUNT_ID} ${h.eni} ${src} ${dst} ${sport} ${dport} ${proto} ${packets} ${bytes} ${startSec} ${endSec} ${action} OK`);
    }
  }

  push(eni: string, startSec: number, line: string): void {
    const ts = startSec * SECOND;
    if (ts >= this.win.start && ts < this.win.end) this.records.push({ eni, ts, line });
  }

  /** Capture window for a flow observed at `t`: aggregated over up to a minute, never past the window end. */
  window(r: Rng, t: number, maxLen = 60): [number, number] {
    const startSec = Math.ceil(t / SECOND);
    const lastSec = Math.ceil(this.win.end / SECOND) - 1;
    return [startSec, Math.max(startSec, Math.min(lastSec, startSec + r.int(Math.min(5, maxLen), maxLen)))];
  }

  /**
   * A TCP/UDP conversation: request direction, and the reply if accepted.
   * `reqBytesPerPkt` / `respBytesPerPkt` shape the byte counts.
   */
  conversation(
    r: Rng,
    t: number,
    o: {
      src: string;
      dst: string;
      dport: number;
      proto?: number;
      sport?: number;
      packets: number;
      reqBytesPerPkt: [number, number];
      respBytesPerPkt: [number, number];
      action?: 'ACCEPT' | 'REJECT';
    },
  ): void {
    const [s, e] = this.window(r, t);
    const proto = o.proto ?? TCP;
    const sport = o.sport ?? r.ephemeralPort();
    const action = o.action ?? 'ACCEPT';
    const pk = Math.max(1, o.packets);
    this.line(o.src, o.dst, sport, o.dport, proto, pk, Math.round(pk * r.float(...o.reqBytesPerPkt)), s, e, action);
    if (action === 'ACCEPT') {
      const rp = Math.max(1, Math.round(pk * r.float(0.7, 1.3)));
      this.line(o.dst, o.src, o.dport, sport, proto, rp, Math.round(rp * r.float(...o.respBytesPerPkt)), s, e, 'ACCEPT');
    }
  }

  raw(src: string, dst: string, sport: number, dport: number, proto: number, packets: number, bytes: number, startSec: number, endSec: number, action: 'ACCEPT' | 'REJECT'): void {
    this.line(src, dst, sport, dport, proto, packets, bytes, startSec, endSec, action);
  }
}

/** Ports internet background scanners commonly try. */
const NOISE_PORTS = [22, 23, 80, 445, 1433, 3306, 3389, 5900, 6379, 8080, 8443, 9200, 2375, 5432, 11211];

const EXTERNAL_SERVICES = ['198.19.10.21', '198.19.10.22', '198.19.44.5', '198.19.120.7', '198.19.200.14'];

function background(r: Rng, win: DemoWindow, sink: FlowSink): void {
  const s = win.scale;
  const web = hostByName('web-1');
  const apps = hostsByRole('app');
  const db = hostByName('checkout-db');
  const bastion = hostByName('bastion');
  const batch = hostByName('batch-1');

  // Customers hitting the web tier over HTTPS.
  for (const t of activityTimes(r, win.start, win.end, 500 * s, consumerProfile, SECOND)) {
    sink.conversation(r, t, { src: internetIp(r), dst: web.ip, dport: 443, packets: r.int(8, 45), reqBytesPerPkt: [90, 260], respBytesPerPkt: [600, 1400] });
  }
  // Web tier to the checkout-api instances.
  for (const t of activityTimes(r, win.start, win.end, 350 * s, consumerProfile, SECOND)) {
    sink.conversation(r, t, { src: web.ip, dst: r.pick(apps).ip, dport: 8080, packets: r.int(6, 60), reqBytesPerPkt: [120, 400], respBytesPerPkt: [300, 1300] });
  }
  // Apps to Postgres (pooled, so fewer but longer conversations).
  for (const t of activityTimes(r, win.start, win.end, 150 * s, consumerProfile, SECOND)) {
    sink.conversation(r, t, { src: r.pick(apps).ip, dst: db.ip, dport: 5432, packets: r.int(20, 400), reqBytesPerPkt: [90, 300], respBytesPerPkt: [200, 1200] });
  }
  // Apps to payment provider / AWS endpoints via the NAT.
  for (const t of activityTimes(r, win.start, win.end, 120 * s, consumerProfile, SECOND)) {
    sink.conversation(r, t, { src: r.pick(apps).ip, dst: r.pick(EXTERNAL_SERVICES), dport: 443, packets: r.int(10, 80), reqBytesPerPkt: [100, 600], respBytesPerPkt: [200, 1400] });
  }
  // DNS to the VPC resolver.
  const dnsClients = [web, ...apps, batch, bastion];
  for (const t of activityTimes(r, win.start, win.end, 120 * s, machineProfile, SECOND)) {
    sink.conversation(r, t, { src: r.pick(dnsClients).ip, dst: VPC_RESOLVER_IP, dport: 53, proto: UDP, packets: r.int(1, 6), reqBytesPerPkt: [60, 90], respBytesPerPkt: [90, 220] });
  }
  // Internet background noise: blocked by the security groups.
  for (const t of activityTimes(r, win.start, win.end, 250 * s, machineProfile, SECOND)) {
    const [a, b] = sink.window(r, t);
    const dst = r.chance(0.6) ? web.ip : bastion.ip;
    const packets = r.int(1, 3);
    sink.raw(internetIp(r), dst, r.ephemeralPort(), r.pick(NOISE_PORTS), TCP, packets, packets * r.pick([40, 44, 60]), a, b, 'REJECT');
  }
  // Engineers SSHing to the bastion from the office.
  for (const t of activityTimes(r, win.start, win.end, 6 * s, businessProfile, SECOND)) {
    sink.conversation(r, t, { src: r.pick(OFFICE_IPS), dst: bastion.ip, dport: 22, packets: r.int(40, 900), reqBytesPerPkt: [60, 140], respBytesPerPkt: [80, 600] });
  }
  // Health checks: ICMP from the bastion to the app tier.
  for (const t of activityTimes(r, win.start, win.end, 24 * s, machineProfile, SECOND)) {
    const [a, b] = sink.window(r, t);
    const target = r.pick(apps).ip;
    sink.raw(bastion.ip, target, 0, 0, ICMP, 4, 336, a, b, 'ACCEPT');
    sink.raw(target, bastion.ip, 0, 0, ICMP, 4, 336, a, b, 'ACCEPT');
  }
  // Nightly batch: reads the DB, ships to S3 (large transfers, but to known endpoints).
  for (const t of activityTimes(r, win.start, win.end, 40 * s, nightProfile, SECOND)) {
    sink.conversation(r, t, { src: batch.ip, dst: r.pick(EXTERNAL_SERVICES.slice(0, 2)), dport: 443, packets: r.int(2_000, 40_000), reqBytesPerPkt: [1200, 1448], respBytesPerPkt: [52, 80] });
  }
  for (const t of activityTimes(r, win.start, win.end, 30 * s, nightProfile, SECOND)) {
    sink.conversation(r, t, { src: batch.ip, dst: db.ip, dport: 5432, packets: r.int(200, 3_000), reqBytesPerPkt: [80, 200], respBytesPerPkt: [800, 1400] });
  }
  // Quiet capture windows (NODATA) and the odd capacity hiccup (SKIPDATA).
  for (const t of activityTimes(r, win.start, win.end, 20 * s, machineProfile, SECOND)) {
    const h = r.pick(HOSTS);
    const [a, b] = sink.window(r, t);
    const status = r.chance(0.9) ? 'NODATA' : 'SKIPDATA';
    sink.push(h.eni, a, `2 ${ACCOUNT_ID} ${h.eni} - - - - - - - ${a} ${b} - ${status}`);
  }
}

function incidents(win: DemoWindow, sink: FlowSink): void {
  const r = new Rng(hashSeed('vpcflow-incidents', win.end, win.days));
  const bastion = hostByName('bastion');
  const app1 = hostByName('app-1');

  // Port scan: one external IP, ~260 distinct ports in ~6 minutes; only 22 is open (SG was opened an hour earlier).
  {
    const t0 = incidentStart(win, 'port-scan-on-bastion');
    const ports = new Set<number>([21, 22, 23, 25, 53, 80, 110, 111, 135, 139, 143, 443, 445, 993, 995, 1433, 1521, 2049, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200]);
    while (ports.size < 260) ports.add(r.int(1, 10_000));
    const list = [...ports];
    const sport = r.ephemeralPort();
    list.forEach((port, i) => {
      const t = t0 + Math.floor((i / list.length) * 6 * MINUTE) + r.int(0, 900);
      const [a, b] = sink.window(r, t, 20);
      if (port === 22) {
        sink.raw(SCANNER_IP, bastion.ip, sport, 22, TCP, 2, 104, a, b, 'ACCEPT');
        sink.raw(bastion.ip, SCANNER_IP, 22, sport, TCP, 2, 112, a, b, 'ACCEPT');
      } else {
        sink.raw(SCANNER_IP, bastion.ip, sport, port, TCP, 1, 44, a, b, 'REJECT');
      }
    });
  }

  // Exfiltration: ~6 GB from app-1 to the C2 IP over ~70 minutes, one record per minute each way.
  {
    const t0 = incidentStart(win, 'large-outbound-transfer');
    const sport = r.ephemeralPort();
    for (let i = 0; i < 70; i++) {
      const startSec = Math.ceil((t0 + i * MINUTE) / SECOND);
      const endSec = startSec + 59;
      const bytes = Math.round(r.float(70, 100) * 1024 * 1024);
      const packets = Math.ceil(bytes / 1448);
      const acks = Math.ceil(packets / 2);
      sink.raw(app1.ip, C2_IP, sport, 443, TCP, packets, bytes, startSec, endSec, 'ACCEPT');
      sink.raw(C2_IP, app1.ip, 443, sport, TCP, acks, acks * 52, startSec, endSec, 'ACCEPT');
    }
  }
}

export function flowStreamName(eni: string): string {
  return `${eni}-all`;
}

export function generateVpcFlow(win: DemoWindow): DemoGroup {
  const r = new Rng(hashSeed('vpcflow', win.end, win.days, win.scale));
  const sink = new FlowSink(win);
  background(r, win, sink);
  incidents(win, sink);
  const streams = HOSTS.map((h) => ({
    name: flowStreamName(h.eni),
    events: sink.records
      .filter((x) => x.eni === h.eni)
      .sort((a, b) => a.ts - b.ts)
      .map((x) => ({ timestamp: x.ts, message: x.line })),
  })).filter((s) => s.events.length > 0);
  return { name: VPC_FLOW_GROUP, retentionInDays: 30, streams };
}
