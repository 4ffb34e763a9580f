import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ATTACKER_IP,
  C2_IP,
  DEMO_INCIDENTS,
  KNOWN_BAD_DOMAIN,
  SCANNER_IP,
  demoSummary,
  generateDemoDataset,
  type DemoGroup,
} from '../../src/demo/dataset.js';

const END = Date.UTC(2026, 10, 20, 12, 0, 0);
const DAY = 86_400_000;
const START = END - 7 * DAY;

const dataset = generateDemoDataset({ endTime: END });

function hashAll(groups: DemoGroup[]): string {
  const h = createHash('sha256');
  for (const g of groups) {
    h.update(`G ${g.name} ${g.retentionInDays ?? ''}\n`);
    for (const s of g.streams) {
      h.update(`S ${s.name}\n`);
      for (const e of s.events) h.update(`${e.timestamp} ${e.message}\n`);
    }
  }
  return h.digest('hex');
}

function group(name: string): DemoGroup {
  const g = dataset.find((x) => x.name === name);
  assert.ok(g, `missing group ${name}`);
  return g;
}

function events(name: string) {
  return group(name).streams.flatMap((s) => s.events);
}

// Parsed log records are walked dynamically in assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const cloudTrail: Array<{ ts: number; rec: Json }> = events('/aws/cloudtrail/111122223333').map((e) => ({ ts: e.timestamp, rec: JSON.parse(e.message) }));

function incidentOffset(name: string): number {
  const inc = DEMO_INCIDENTS.find((i) => i.name === name);
  assert.ok(inc, `missing incident ${name}`);
  return END + inc.offsetMs;
}

/** Incident events should sit close to their documented offset. */
function assertNear(ts: number, name: string, slackMs = 30 * 60_000): void {
  const expected = incidentOffset(name);
  assert.ok(Math.abs(ts - expected) <= slackMs, `${name}: ${new Date(ts).toISOString()} not near ${new Date(expected).toISOString()}`);
}

describe('demo dataset', () => {
  it('is deterministic', () => {
    const again = generateDemoDataset({ endTime: END });
    assert.deepEqual(again, dataset);
    assert.equal(hashAll(again), hashAll(dataset));
    assert.equal(hashAll(generateDemoDataset({ endTime: END, days: 7, scale: 1 })), hashAll(dataset));
    assert.notEqual(hashAll(generateDemoDataset({ endTime: END + 3_600_000, days: 1 })), hashAll(generateDemoDataset({ endTime: END, days: 1 })));
  });

  it('has sane volume at scale 1 and scales down', () => {
    const summary = demoSummary(dataset);
    assert.ok(summary.totalEvents >= 60_000 && summary.totalEvents <= 120_000, `total ${summary.totalEvents}`);
    for (const g of summary.groups) assert.ok(g.events > 0 && g.streams > 0, g.name);
    assert.equal(summary.groups.reduce((n, g) => n + g.events, 0), summary.totalEvents);
    const small = demoSummary(generateDemoDataset({ endTime: END, scale: 0.1 }));
    assert.ok(small.totalEvents < summary.totalEvents / 4, `scale 0.1 gave ${small.totalEvents}`);
  });

  it('keeps every event in [endTime - days, endTime), sorted, under 8 KB', () => {
    for (const [groups, start, end] of [
      [dataset, START, END],
      [generateDemoDataset({ endTime: END + 123, days: 1.5, scale: 0.5 }), END + 123 - 1.5 * DAY, END + 123],
    ] as const) {
      for (const g of groups) {
        for (const s of g.streams) {
          assert.ok(s.events.length > 0, `${g.name}/${s.name} empty`);
          let prev = -Infinity;
          for (const e of s.events) {
            assert.ok(Number.isInteger(e.timestamp), `${g.name}/${s.name}: non-integer timestamp`);
            assert.ok(e.timestamp >= start && e.timestamp < end, `${g.name}/${s.name}: ${e.timestamp} out of range`);
            assert.ok(e.timestamp >= prev, `${g.name}/${s.name}: not sorted`);
            prev = e.timestamp;
            assert.ok(Buffer.byteLength(e.message) < 8192, `${g.name}: message too large`);
            assert.ok(e.message.length > 0);
          }
        }
      }
    }
  });

  it('uses valid CloudWatch Logs names and retention values', () => {
    const retention = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]);
    const names = dataset.map((g) => g.name);
    assert.equal(new Set(names).size, names.length);
    for (const g of dataset) {
      assert.match(g.name, /^[\.\-_/#A-Za-z0-9]+$/);
      assert.ok(g.name.length <= 512);
      assert.ok(!g.name.startsWith('aws/'), g.name);
      if (g.retentionInDays !== undefined) assert.ok(retention.has(g.retentionInDays), `${g.name} retention`);
      const streamNames = g.streams.map((s) => s.name);
      assert.equal(new Set(streamNames).size, streamNames.length);
      for (const s of streamNames) {
        assert.ok(s.length >= 1 && s.length <= 512);
        assert.doesNotMatch(s, /[:*]/);
      }
    }
    assert.deepEqual(
      group('/aws/cloudtrail/111122223333').streams.map((s) => s.name).sort(),
      ['111122223333_CloudTrail_eu-west-1', '111122223333_CloudTrail_us-east-1', '111122223333_CloudTrail_us-west-2'],
    );
    for (const s of group('/aws/vpc/flowlogs').streams) assert.match(s.name, /^eni-[0-9a-f]{17}-all$/);
  });

  it('writes well-formed CloudTrail records', () => {
    const required = ['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'eventID', 'readOnly', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory'];
    const types = new Set<string>();
    const ids = new Set<string>();
    for (const g of group('/aws/cloudtrail/111122223333').streams) {
      const region = g.name.split('_CloudTrail_')[1];
      for (const e of g.events) {
        const rec = JSON.parse(e.message);
        for (const f of required) assert.ok(f in rec, `missing ${f} in ${rec.eventName}`);
        assert.ok(['1.09', '1.10', '1.11'].includes(rec.eventVersion));
        assert.match(rec.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        assert.equal(Date.parse(rec.eventTime), Math.floor(e.timestamp / 1000) * 1000);
        assert.equal(rec.awsRegion, region);
        assert.equal(rec.recipientAccountId, '111122223333');
        assert.match(rec.eventSource, /\.amazonaws\.com$/);
        assert.ok(['AwsApiCall', 'AwsConsoleSignIn'].includes(rec.eventType));
        assert.ok(['Management', 'Data'].includes(rec.eventCategory));
        assert.equal(rec.managementEvent, rec.eventCategory === 'Management');
        assert.match(rec.eventID, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.ok(!ids.has(rec.eventID), 'duplicate eventID');
        ids.add(rec.eventID);
        assert.ok('requestParameters' in rec && 'responseElements' in rec);
        if (rec.eventType === 'AwsApiCall') assert.equal(typeof rec.requestID, 'string');
        types.add(rec.userIdentity.type);
        if (rec.userIdentity.type === 'AssumedRole') {
          assert.equal(rec.userIdentity.sessionContext.sessionIssuer.type, 'Role');
          assert.match(rec.userIdentity.arn, /^arn:aws:sts::111122223333:assumed-role\//);
        }
        if (rec.userIdentity.type !== 'AWSService' && !String(rec.sourceIPAddress).endsWith('.amazonaws.com')) {
          assert.ok(rec.tlsDetails?.clientProvidedHostHeader, `${rec.eventName} lacks tlsDetails`);
        }
      }
    }
    for (const t of ['IAMUser', 'AssumedRole', 'Root', 'AWSService']) assert.ok(types.has(t), `no ${t} identities`);
    const names = new Set(cloudTrail.map((c) => c.rec.eventName));
    for (const n of ['DescribeInstances', 'GetObject', 'PutObject', 'AssumeRole', 'ListBuckets', 'GetCallerIdentity', 'Decrypt', 'ConsoleLogin']) assert.ok(names.has(n), `no ${n}`);
    assert.ok(cloudTrail.some((c) => c.rec.eventName === 'Decrypt' && c.rec.userIdentity.type === 'AWSService'));
    assert.ok(cloudTrail.some((c) => c.rec.eventName === 'ConsoleLogin' && c.rec.userIdentity.type === 'IAMUser' && c.rec.responseElements.ConsoleLogin === 'Success' && c.rec.additionalEventData.MFAUsed === 'Yes'));
  });

  it('concentrates human activity in business hours', () => {
    const human = cloudTrail.filter((c) => c.rec.userIdentity.type === 'IAMUser' && ['alice', 'carol'].includes(c.rec.userIdentity.userName));
    const local = (ts: number) => new Date(ts - 5 * 3_600_000).getUTCHours();
    const daytime = human.filter((c) => local(c.ts) >= 8 && local(c.ts) < 19).length;
    assert.ok(daytime / human.length > 0.75, `only ${daytime}/${human.length} in business hours`);
  });

  it('contains the CloudTrail incidents', () => {
    const find = (pred: (r: Json) => boolean) => cloudTrail.filter((c) => pred(c.rec));

    const root = find((r) => r.eventName === 'ConsoleLogin' && r.userIdentity.type === 'Root');
    assert.equal(root.length, 1);
    assert.equal(root[0].rec.additionalEventData.MFAUsed, 'No');
    assert.equal(root[0].rec.responseElements.ConsoleLogin, 'Success');
    assertNear(root[0].ts, 'root-console-login-without-mfa');

    const failures = find((r) => r.eventName === 'ConsoleLogin' && r.errorMessage === 'Failed authentication');
    assert.ok(failures.length >= 5);
    assert.ok(failures.every((f) => f.rec.sourceIPAddress === ATTACKER_IP && f.rec.responseElements.ConsoleLogin === 'Failure'));
    const lastFailure = failures[failures.length - 1].ts;
    const success = find((r) => r.eventName === 'ConsoleLogin' && r.sourceIPAddress === ATTACKER_IP && r.responseElements.ConsoleLogin === 'Success');
    assert.equal(success.length, 1);
    assert.ok(success[0].ts >= lastFailure && success[0].ts - lastFailure < 5 * 60_000);
    assertNear(failures[0].ts, 'console-brute-force-then-success');

    const key = find((r) => r.eventName === 'CreateAccessKey');
    assert.equal(key.length, 1);
    assert.equal(key[0].rec.requestParameters.userName, 'svc-backup');
    assert.notEqual(key[0].rec.userIdentity.userName, 'svc-backup');
    const attach = find((r) => r.eventName === 'AttachUserPolicy');
    assert.equal(attach[0].rec.requestParameters.policyArn, 'arn:aws:iam::aws:policy/AdministratorAccess');
    assert.ok(attach[0].ts > key[0].ts);
    assertNear(key[0].ts, 'privilege-escalation-access-key-admin-policy');

    const stop = find((r) => r.eventName === 'StopLogging');
    const del = find((r) => r.eventName === 'DeleteTrail');
    assert.equal(stop.length, 1);
    assert.equal(del.length, 1);
    assert.equal(stop[0].rec.userIdentity.type, 'IAMUser');
    assert.ok(del[0].ts > stop[0].ts);
    assertNear(stop[0].ts, 'stop-logging');
    assertNear(del[0].ts, 'delete-trail');

    const sg = find((r) => r.eventName === 'AuthorizeSecurityGroupIngress');
    assert.equal(sg.length, 1);
    const perm = sg[0].rec.requestParameters.ipPermissions.items[0];
    assert.equal(perm.fromPort, 22);
    assert.equal(perm.ipRanges.items[0].cidrIp, '0.0.0.0/0');
    assertNear(sg[0].ts, 'security-group-open-ssh-to-world');

    const policy = find((r) => r.eventName === 'PutBucketPolicy');
    assert.equal(policy.length, 1);
    assert.equal(policy[0].rec.requestParameters.bucketPolicy.Statement[0].Principal, '*');
    assertNear(policy[0].ts, 'bucket-made-public');

    const denied = find((r) => r.errorCode === 'AccessDenied');
    assert.ok(denied.length >= 20);
    assert.equal(new Set(denied.map((d) => d.rec.userIdentity.arn)).size, 1);
    assert.equal(denied[0].rec.userIdentity.type, 'AssumedRole');
    assert.ok(denied[denied.length - 1].ts - denied[0].ts < 10 * 60_000);
    assertNear(denied[0].ts, 'access-denied-burst');

    const disable = find((r) => r.eventName === 'DisableKey');
    const schedule = find((r) => r.eventName === 'ScheduleKeyDeletion');
    assert.equal(disable.length, 1);
    assert.equal(schedule.length, 1);
    assert.equal(schedule[0].rec.requestParameters.keyId, disable[0].rec.requestParameters.keyId);
    assert.ok(schedule[0].ts > disable[0].ts);
    assertNear(disable[0].ts, 'kms-key-disabled-and-scheduled-for-deletion');
  });

  it('writes version-2 VPC flow log lines, with the scan and the exfiltration', () => {
    const lines = group('/aws/vpc/flowlogs').streams.flatMap((s) => s.events.map((e) => ({ ...e, stream: s.name })));
    let nodata = 0;
    const scanPorts = new Set<number>();
    let exfilBytes = 0;
    let reject = 0;
    for (const l of lines) {
      const f = l.message.split(' ');
      assert.equal(f.length, 14, l.message);
      assert.equal(f[0], '2');
      assert.equal(f[1], '111122223333');
      assert.equal(`${f[2]}-all`, l.stream);
      const [start, end] = [Number(f[10]), Number(f[11])];
      assert.ok(Number.isInteger(start) && Number.isInteger(end) && start <= end);
      assert.equal(start * 1000, l.timestamp);
      assert.ok(end * 1000 < END);
      if (f[13] === 'NODATA' || f[13] === 'SKIPDATA') {
        nodata++;
        assert.deepEqual(f.slice(3, 10), ['-', '-', '-', '-', '-', '-', '-']);
        assert.equal(f[12], '-');
        continue;
      }
      assert.equal(f[13], 'OK');
      assert.ok(f[12] === 'ACCEPT' || f[12] === 'REJECT');
      for (const i of [5, 6, 7, 8, 9]) assert.match(f[i], /^\d+$/);
      if (f[12] === 'REJECT') reject++;
      if (f[3] === SCANNER_IP && f[12] === 'REJECT') scanPorts.add(Number(f[6]));
      if (f[4] === C2_IP) exfilBytes += Number(f[9]);
    }
    assert.ok(nodata > 0, 'no NODATA lines');
    assert.ok(reject > 0 && reject < lines.length * 0.2, `reject ${reject}/${lines.length}`);
    assert.ok(scanPorts.size >= 100, `scan hit ${scanPorts.size} ports`);
    assert.ok(exfilBytes > 3e9, `exfil ${exfilBytes}`);
  });

  it('writes Route 53 Resolver query logs with the DNS incidents', () => {
    const keys = ['version', 'account_id', 'region', 'vpc_id', 'query_timestamp', 'query_name', 'query_type', 'query_class', 'rcode', 'answers', 'srcaddr', 'srcport', 'transport', 'srcids'];
    let nx = 0;
    let bad = 0;
    let tunnel = 0;
    for (const e of events('/aws/route53/resolver')) {
      const q = JSON.parse(e.message);
      assert.deepEqual(Object.keys(q), keys);
      assert.equal(Date.parse(q.query_timestamp), Math.floor(e.timestamp / 1000) * 1000);
      assert.ok(q.query_name.endsWith('.'));
      assert.ok(q.query_name.length <= 254);
      assert.equal(typeof q.srcport, 'string');
      assert.ok(Array.isArray(q.answers));
      for (const a of q.answers) assert.deepEqual(Object.keys(a), ['Rdata', 'Type', 'Class']);
      assert.equal(typeof q.srcids.instance, 'string');
      if (q.rcode === 'NXDOMAIN' && !q.query_name.endsWith('.internal.')) nx++;
      if (q.query_name === KNOWN_BAD_DOMAIN) bad++;
      if (q.query_type === 'TXT' && q.query_name.length > 100) tunnel++;
    }
    assert.ok(nx >= 50, `DGA NXDOMAINs ${nx}`);
    assert.ok(bad >= 50, `beacons ${bad}`);
    assert.ok(tunnel >= 200, `tunnel queries ${tunnel}`);
  });

  it('writes JSON app logs with realistic errors and the incident window', () => {
    const recs = events('/app/checkout-api').map((e) => ({ ts: e.timestamp, rec: JSON.parse(e.message) }));
    const requests = recs.filter((r) => typeof r.rec.status === 'number');
    for (const { ts, rec } of requests) {
      assert.equal(rec.service, 'checkout-api');
      assert.equal(Date.parse(rec.time), ts);
      for (const f of ['level', 'requestId', 'method', 'path', 'status', 'latencyMs', 'msg']) assert.ok(f in rec, `missing ${f}`);
      if (rec.level === 'error') {
        assert.ok(rec.status >= 500);
        assert.equal(typeof rec.error.message, 'string');
        assert.match(rec.error.stack, /\n    at /);
      }
    }
    const incStart = incidentOffset('checkout-latency-spike-and-errors');
    const inWindow = (ts: number) => ts >= incStart && ts < incStart + 45 * 60_000;
    const normal = requests.filter((r) => !inWindow(r.ts));
    const hot = requests.filter((r) => inWindow(r.ts));
    const errRate = (xs: typeof requests) => xs.filter((r) => r.rec.status >= 500).length / xs.length;
    assert.ok(errRate(normal) >= 0.01 && errRate(normal) <= 0.03, `baseline error rate ${errRate(normal)}`);
    assert.ok(hot.length > 20);
    assert.ok(errRate(hot) > 0.1, `incident error rate ${errRate(hot)}`);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const p50 = (xs: typeof requests) => median(xs.filter((r) => r.rec.route === '/api/cart').map((r) => r.rec.latencyMs));
    assert.ok(p50(hot) > 4 * p50(normal), `latency ${p50(hot)} vs ${p50(normal)}`);

    for (const e of events('/app/auth-service')) assert.equal(JSON.parse(e.message).service, 'auth-service');

    const legacy = events('/app/legacy-batch');
    for (const e of legacy) {
      assert.throws(() => JSON.parse(e.message));
      assert.match(e.message, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (INFO|WARN|ERROR) \[[\w-]+\] /);
    }
    assert.ok(legacy.some((e) => /INFO \[worker-\d\] Processed batch \d+ in \d+ ms$/.test(e.message)));
  });

  it('documents every incident and keeps them inside shorter windows', () => {
    assert.ok(DEMO_INCIDENTS.length >= 10);
    for (const inc of DEMO_INCIDENTS) {
      assert.ok(inc.offsetMs < 0 && inc.offsetMs > -7 * DAY, inc.name);
      assert.ok(inc.name && inc.eventName && inc.description);
    }
    const short = generateDemoDataset({ endTime: END, days: 2, scale: 0.2 });
    const ct = short.find((g) => g.name === '/aws/cloudtrail/111122223333');
    assert.ok(ct);
    const names = new Set(ct.streams.flatMap((s) => s.events.map((e) => JSON.parse(e.message).eventName)));
    for (const n of ['StopLogging', 'DeleteTrail', 'CreateAccessKey', 'AttachUserPolicy', 'PutBucketPolicy', 'ScheduleKeyDeletion']) assert.ok(names.has(n), `days=2 lacks ${n}`);
  });
});
