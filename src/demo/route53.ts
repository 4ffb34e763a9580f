// Route 53 Resolver query logs (the VPC resolver, not public hosted-zone logs):
// one compact JSON object per query, field names exactly as AWS writes them.
// One stream per VPC, since a query-log config delivers per associated VPC.

import {
  ACCOUNT_ID,
  C2_IP,
  DemoGroup,
  DemoWindow,
  HOME_REGION,
  Host,
  KNOWN_BAD_DOMAIN,
  ROUTE53_GROUP,
  TUNNEL_DOMAIN,
  VPC_ID,
  hostByName,
  hostsByRole,
  incidentStart,
} from './common.js';
import { HOUR, MINUTE, Rng, SECOND, activityTimes, consumerProfile, hashSeed, isoSeconds, machineProfile, nightProfile } from './random.js';

interface Answer {
  Rdata: string;
  Type: string;
  Class: 'IN';
}

interface Query {
  ts: number;
  message: string;
}

function queryLog(r: Rng, ts: number, host: Host, name: string, type: string, rcode: string, answers: Answer[], transport: 'UDP' | 'TCP' = 'UDP'): Query {
  const rec = {
    version: '1.100000',
    account_id: ACCOUNT_ID,
    region: HOME_REGION,
    vpc_id: VPC_ID,
    query_timestamp: isoSeconds(ts),
    query_name: name,
    query_type: type,
    query_class: 'IN',
    rcode,
    answers,
    srcaddr: host.ip,
    // AWS writes the port as a string.
    srcport: String(r.ephemeralPort()),
    transport,
    srcids: { instance: host.instanceId ?? '' },
  };
  return { ts: Math.floor(ts / SECOND) * SECOND, message: JSON.stringify(rec) };
}

const a = (ip: string): Answer => ({ Rdata: ip, Type: 'A', Class: 'IN' });
const cname = (target: string): Answer => ({ Rdata: target, Type: 'CNAME', Class: 'IN' });

/** Stable fake public address for a name, in the RFC 2544 range like other "internet" IPs. */
function publicIpFor(name: string, n = 0): string {
  const h = hashSeed('dns', name, n);
  return `198.19.${h & 0xff}.${((h >>> 8) % 254) + 1}`;
}

interface NameSpec {
  name: string;
  answers: () => Answer[];
  weight: number;
}

const RDS_CLUSTER = 'checkout-db.cluster-c8xk2mq4zj1p.us-east-1.rds.amazonaws.com.';

const publicName = (name: string, count: number, weight: number): NameSpec => ({
  name,
  weight,
  answers: () => Array.from({ length: count }, (_, i) => a(publicIpFor(name, i))),
});

const APP_NAMES: NameSpec[] = [
  {
    name: RDS_CLUSTER,
    weight: 6,
    answers: () => [cname('checkout-db-instance-1.c8xk2mq4zj1p.us-east-1.rds.amazonaws.com.'), a('10.0.3.30')],
  },
  { name: 'auth.svc.acme.internal.', weight: 5, answers: () => [a('10.0.2.21'), a('10.0.2.22')] },
  publicName('api.payments.example.com.', 2, 5),
  publicName('secretsmanager.us-east-1.amazonaws.com.', 1, 2),
  publicName('ssm.us-east-1.amazonaws.com.', 1, 2),
  publicName('kms.us-east-1.amazonaws.com.', 1, 2),
  publicName('sts.us-east-1.amazonaws.com.', 1, 1),
  publicName('logs.us-east-1.amazonaws.com.', 1, 3),
  {
    name: 'acme-app-assets.s3.us-east-1.amazonaws.com.',
    weight: 2,
    answers: () => [cname('s3-r-w.us-east-1.amazonaws.com.'), a(publicIpFor('s3-r-w')), a(publicIpFor('s3-r-w', 1))],
  },
  publicName('ec2messages.us-east-1.amazonaws.com.', 1, 1),
  publicName('ssmmessages.us-east-1.amazonaws.com.', 1, 1),
];

const WEB_NAMES: NameSpec[] = [
  { name: 'checkout-api.svc.acme.internal.', weight: 5, answers: () => [a('10.0.2.20'), a('10.0.2.21'), a('10.0.2.22')] },
  publicName('logs.us-east-1.amazonaws.com.', 1, 2),
  publicName('r3.o.lencr.org.', 1, 1),
  publicName('ec2messages.us-east-1.amazonaws.com.', 1, 1),
];

const BATCH_NAMES: NameSpec[] = [
  { name: RDS_CLUSTER, weight: 3, answers: () => [cname('checkout-db-instance-1.c8xk2mq4zj1p.us-east-1.rds.amazonaws.com.'), a('10.0.3.30')] },
  publicName('acme-backups.s3.us-east-1.amazonaws.com.', 2, 4),
  publicName('al2023-repos-us-east-1-de612dc2.s3.dualstack.us-east-1.amazonaws.com.', 2, 1),
  publicName('sts.us-east-1.amazonaws.com.', 1, 1),
];

const BASTION_NAMES: NameSpec[] = [
  publicName('ssm.us-east-1.amazonaws.com.', 1, 2),
  publicName('ssmmessages.us-east-1.amazonaws.com.', 1, 2),
  publicName('ec2messages.us-east-1.amazonaws.com.', 1, 2),
  publicName('amazonlinux-2-repos-us-east-1.s3.dualstack.us-east-1.amazonaws.com.', 2, 1),
];

/** Typical resolver traffic: mostly A, some AAAA with empty answers, search-domain NXDOMAINs. */
function normalQuery(r: Rng, ts: number, host: Host, names: NameSpec[]): Query {
  const spec = r.weighted(names.map((n) => [n, n.weight] as const));
  const roll = r.next();
  if (roll < 0.03) {
    // Resolver search-list expansion of a short name: NXDOMAIN.
    return queryLog(r, ts, host, `${spec.name.split('.')[0]}.ec2.internal.`, 'A', 'NXDOMAIN', []);
  }
  if (roll < 0.15) return queryLog(r, ts, host, spec.name, 'AAAA', 'NOERROR', []);
  if (roll < 0.152) return queryLog(r, ts, host, spec.name, 'A', 'SERVFAIL', []);
  return queryLog(r, ts, host, spec.name, 'A', 'NOERROR', spec.answers());
}

function background(r: Rng, win: DemoWindow, out: Query[]): void {
  const s = win.scale;
  const apps = hostsByRole('app');
  for (const t of activityTimes(r, win.start, win.end, 1400 * s, consumerProfile, SECOND)) out.push(normalQuery(r, t, r.pick(apps), APP_NAMES));
  for (const t of activityTimes(r, win.start, win.end, 300 * s, consumerProfile, SECOND)) out.push(normalQuery(r, t, hostByName('web-1'), WEB_NAMES));
  for (const t of activityTimes(r, win.start, win.end, 200 * s, nightProfile, SECOND)) out.push(normalQuery(r, t, hostByName('batch-1'), BATCH_NAMES));
  for (const t of activityTimes(r, win.start, win.end, 100 * s, machineProfile, SECOND)) out.push(normalQuery(r, t, hostByName('bastion'), BASTION_NAMES));
}

const CONSONANT_HEAVY = 'bcdfghjklmnpqrstvwxzaeiou0123456789';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function incidents(win: DemoWindow, out: Query[]): void {
  const r = new Rng(hashSeed('route53-incidents', win.end, win.days));
  const app1 = hostByName('app-1');

  // DGA: ~80 random-looking domains in 25 minutes; the malware tries until one resolves.
  {
    const t0 = incidentStart(win, 'dga-domain-lookups');
    const tlds = ['com', 'net', 'org', 'info', 'biz', 'xyz', 'top'];
    for (let i = 0; i < 80; i++) {
      const t = t0 + Math.floor((i / 80) * 25 * MINUTE) + r.int(0, 15) * SECOND;
      const label = r.chars(r.int(12, 20), CONSONANT_HEAVY).replace(/^[0-9]/, 'q');
      const name = `${label}.${r.pick(tlds)}.`;
      const hit = i === 57 || i === 79;
      out.push(queryLog(r, t, app1, name, 'A', hit ? 'NOERROR' : 'NXDOMAIN', hit ? [a(C2_IP)] : []));
    }
  }

  // Beaconing to a known-bad domain: every ~5 minutes, small jitter, for ~14 hours.
  {
    const t0 = incidentStart(win, 'known-bad-domain-beaconing');
    for (let t = t0; t < t0 + 14 * HOUR; t += 5 * MINUTE + r.int(-4, 4) * SECOND) {
      out.push(queryLog(r, t, app1, KNOWN_BAD_DOMAIN, 'A', 'NOERROR', [a(C2_IP)]));
    }
  }

  // DNS tunnelling: ~300 TXT queries with long base32 labels in ~12 minutes.
  {
    const t0 = incidentStart(win, 'dns-tunnelling-txt-burst');
    for (let i = 0; i < 300; i++) {
      const t = t0 + Math.floor((i / 300) * 12 * MINUTE) + r.int(0, 1500);
      const name = `${r.chars(63, BASE32)}.${r.chars(r.int(20, 50), BASE32)}.${i.toString(16).padStart(4, '0')}.${TUNNEL_DOMAIN}`;
      out.push(queryLog(r, t, app1, name, 'TXT', 'NOERROR', [{ Rdata: `"${r.chars(r.int(80, 180), BASE64)}"`, Type: 'TXT', Class: 'IN' }]));
    }
  }
}

export function route53StreamName(): string {
  return VPC_ID;
}

export function generateRoute53(win: DemoWindow): DemoGroup {
  const r = new Rng(hashSeed('route53', win.end, win.days, win.scale));
  const out: Query[] = [];
  background(r, win, out);
  incidents(win, out);
  const events = out
    .filter((q) => q.ts >= win.start && q.ts < win.end)
    .sort((x, y) => x.ts - y.ts)
    .map((q) => ({ timestamp: q.ts, message: q.message }));
  return { name: ROUTE53_GROUP, retentionInDays: 30, streams: [{ name: route53StreamName(), events }] };
}
