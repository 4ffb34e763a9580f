/**
 * Fixed datasets for the Logs Insights conformance suites, loaded into a real store
 * (LogStore + EmbeddedEngine on a temp dir). Timestamps are fixed so results are exact.
 *
 * Groups: CloudTrail-like JSON, VPC Flow Logs (v2 default format), Route 53 Resolver JSON,
 * Route 53 public DNS query logs, app JSON logs, plain text lines, Lambda (START/END/REPORT and
 * JSON fragments), API Gateway access logs (JSON), and an Infrequent Access group.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LogStore } from '../../src/store/log-store.js';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { tempDir } from '../helpers/server.js';
import { runInsightsQuery } from '../../src/query/insights/index.js';
import type { InsightsRequest, InsightsResult, QueryLogGroup } from '../../src/query/insights/contract.js';

export const ACCOUNT = '123456789012';
/** 2024-01-15T10:00:00.000Z */
export const T0 = Date.UTC(2024, 0, 15, 10, 0, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface Ev { ts: number; msg: string; stream?: string }

const ct = (o: Record<string, unknown>) => JSON.stringify({ eventVersion: '1.08', eventSource: 'ec2.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.7', userAgent: 'aws-cli/2.15', ...o });

export const CLOUDTRAIL: Ev[] = [
  { ts: T0 + 1 * MIN, msg: ct({ eventName: 'StartInstances', awsRegion: 'us-east-2', userIdentity: { type: 'IAMUser', userName: 'Alice', arn: 'arn:aws:iam::123456789012:user/Alice', sessionContext: { sessionIssuer: { userName: 'AdminRole' } } }, requestParameters: { instancesSet: { items: [{ instanceId: 'i-abcde123' }, { instanceId: 'i-fff00002' }] } }, responseElements: { instancesSet: { items: [{ instanceId: 'i-abcde123', currentState: { code: 0, name: 'pending' }, previousState: { code: 80, name: 'stopped' } }] } } }) },
  { ts: T0 + 2 * MIN, msg: ct({ eventName: 'StopInstances', awsRegion: 'us-east-2', userIdentity: { type: 'IAMUser', userName: 'Bob' }, requestParameters: { instancesSet: { items: [{ instanceId: 'i-0000b0b' }] } } }) },
  { ts: T0 + 3 * MIN, msg: ct({ eventName: 'StartInstances', awsRegion: 'us-west-2', userIdentity: { type: 'IAMUser', userName: 'Alice' }, requestParameters: { instancesSet: { items: [{ instanceId: 'i-west0001' }] } } }) },
  { ts: T0 + 4 * MIN, msg: ct({ eventName: 'CreateUser', eventSource: 'iam.amazonaws.com', userIdentity: { type: 'IAMUser', userName: 'Alice' }, requestParameters: { userName: 'carol' }, responseElements: { user: { userName: 'carol', arn: 'arn:aws:iam::123456789012:user/carol' } } }) },
  { ts: T0 + 5 * MIN, msg: ct({ eventName: 'CreateUser', eventSource: 'iam.amazonaws.com', awsRegion: 'us-east-1', userIdentity: { type: 'AssumedRole', userName: 'deployer' }, requestParameters: { userName: 'dave' }, responseElements: { user: { userName: 'dave', arn: 'arn:aws:iam::123456789012:user/dave' } } }) },
  { ts: T0 + 6 * MIN, msg: ct({ eventName: 'UpdateTrail', eventSource: 'cloudtrail.amazonaws.com', errorCode: 'AccessDenied', errorMessage: 'User is not authorized', userIdentity: { type: 'IAMUser', userName: 'Bob' } }) },
  { ts: T0 + 7 * MIN, msg: ct({ eventName: 'UpdateTrail', eventSource: 'cloudtrail.amazonaws.com', errorCode: 'AccessDenied', errorMessage: 'User is not authorized', userIdentity: { type: 'IAMUser', userName: 'Bob' } }) },
  { ts: T0 + 8 * MIN, msg: ct({ eventName: 'UpdateTrail', eventSource: 'cloudtrail.amazonaws.com', errorCode: 'TrailNotFoundException', errorMessage: 'Unknown trail', userIdentity: { type: 'IAMUser', userName: 'Alice' } }) },
  { ts: T0 + 9 * MIN, msg: ct({ eventName: 'UpdateTrail', eventSource: 'cloudtrail.amazonaws.com', userIdentity: { type: 'IAMUser', userName: 'Alice' } }) },
  { ts: T0 + 10 * MIN, msg: ct({ eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com', userIdentity: { type: 'Root' }, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } }) },
  { ts: T0 + 11 * MIN, msg: ct({ eventName: 'PutBucketPolicy', eventSource: 's3.amazonaws.com', userIdentity: { type: 'IAMUser', userName: 'Bob' }, requestParameters: { bucketName: 'logs', policy: '{"Version":"2012-10-17"}' } }) },
  { ts: T0 + 12 * MIN, msg: ct({ eventName: 'DescribeInstances', readOnly: true, userIdentity: { type: 'IAMUser', userName: 'Alice' } }) },
];

export const VPC: Ev[] = [
  { ts: T0 + 1 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 2 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 3 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 192.0.2.10 10.0.0.5 53000 53 17 5 400 1418530010 1418530070 ACCEPT OK', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 4 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 192.0.2.11 10.0.0.5 53001 53 17 3 240 1418530010 1418530070 ACCEPT OK', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 5 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 192.0.2.10 10.0.0.6 443 51000 6 100 90000 1418530010 1418530070 ACCEPT OK', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 6 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 192.0.2.10 10.0.0.5 53002 53 17 2 160 1418530010 1418530070 ACCEPT OK', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 7 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 61 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - SKIPDATA', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 62 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - SKIPDATA', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 121 * MIN, msg: '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - SKIPDATA', stream: 'eni-1235b8ca123456789-all' },
  { ts: T0 + 63 * MIN, msg: '2 123456789010 eni-9999b8ca123456789 203.0.113.9 172.31.16.21 40000 22 6 7 1000 1418530010 1418530070 REJECT OK', stream: 'eni-9999b8ca123456789-all' },
];

const r53 = (o: Record<string, unknown>) => JSON.stringify({ version: '1.100000', account_id: ACCOUNT, region: 'us-east-1', vpc_id: 'vpc-0abc', query_class: 'IN', srcport: '53427', transport: 'UDP', ...o });
export const ROUTE53_RESOLVER: Ev[] = [
  { ts: T0 + 1 * MIN, msg: r53({ query_timestamp: '2024-01-15T10:01:00Z', query_name: 'example.com.', query_type: 'A', rcode: 'NOERROR', answers: [{ Rdata: '192.0.2.44', Type: 'A', Class: 'IN' }], srcaddr: '10.0.0.5', srcids: { instance: 'i-0aaa' } }) },
  { ts: T0 + 2 * MIN, msg: r53({ query_timestamp: '2024-01-15T10:02:00Z', query_name: 'bad.example.', query_type: 'AAAA', rcode: 'NXDOMAIN', answers: [], srcaddr: '10.0.0.6', srcids: { instance: 'i-0bbb' } }) },
  { ts: T0 + 3 * MIN, msg: r53({ query_timestamp: '2024-01-15T10:03:00Z', query_name: 'malware.test.', query_type: 'A', rcode: 'NOERROR', answers: [], srcaddr: '10.0.0.5', firewall_rule_action: 'BLOCK', firewall_rule_group_id: 'rslvr-frg-1' }) },
];

export const ROUTE53_PUBLIC: Ev[] = [
  { ts: T0 + 1 * MIN, msg: '1.0 2024-01-15T10:01:00.000Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -' },
  { ts: T0 + 2 * MIN, msg: '1.0 2024-01-15T10:02:00.000Z Z123412341234 example.com AAAA NOERROR UDP FRA6 192.168.1.1 -' },
  { ts: T0 + 3 * MIN, msg: '1.0 2024-01-15T10:03:00.000Z Z123412341234 api.example.com A SERVFAIL UDP IAD12 192.168.1.2 -' },
  { ts: T0 + 4 * MIN, msg: '1.0 2024-01-15T10:04:00.000Z Z123412341234 api.example.com A SERVFAIL TCP IAD12 192.168.1.2 198.51.100.0/24' },
  { ts: T0 + 65 * MIN, msg: '1.0 2024-01-15T11:05:00.000Z Z123412341234 www.example.com A NOERROR UDP FRA6 192.168.1.1 -' },
  { ts: T0 + 66 * MIN, msg: '1.0 2024-01-15T11:06:00.000Z Z123412341234 db.example.com MX SERVFAIL UDP FRA6 192.168.1.3 -' },
];

const app = (o: Record<string, unknown>) => JSON.stringify(o);
export const APP: Ev[] = [
  { ts: T0 + 1 * MIN, msg: app({ level: 'INFO', status: 200, latency: 120, path: '/api/users', method: 'GET', user: 'alice', region: 'us-east-1', tags: ['a', 'b'], ok: true }), stream: 'web-1' },
  { ts: T0 + 2 * MIN, msg: app({ level: 'INFO', status: '200', latency: 80, path: '/api/users', method: 'GET', user: 'bob', region: 'us-east-1' }), stream: 'web-1' },
  { ts: T0 + 3 * MIN, msg: app({ level: 'WARN', status: 404, latency: 15, path: '/api/missing', method: 'GET', user: 'alice', region: 'eu-west-1' }), stream: 'web-2' },
  { ts: T0 + 4 * MIN, msg: app({ level: 'ERROR', status: 500, latency: 950, path: '/api/orders', method: 'POST', user: 'carol', region: 'eu-west-1', error: { code: 'E42', message: 'Database timeout' } }), stream: 'web-2' },
  { ts: T0 + 5 * MIN, msg: app({ level: 'INFO', status: 201, latency: 230, path: '/api/orders', method: 'POST', user: 'alice', region: 'us-east-1', items: [{ sku: 'A1', qty: 2 }, { sku: 'B2', qty: 1 }] }), stream: 'web-1' },
  { ts: T0 + 6 * MIN, msg: app({ level: 'ERROR', status: 503, latency: 1200, path: '/api/orders', method: 'POST', user: 'dave', region: 'us-east-1', error: { code: 'E43', message: 'Upstream unavailable' } }), stream: 'web-3' },
  { ts: T0 + 7 * MIN, msg: app({ level: 'DEBUG', status: 200, latency: 5, path: '/health', method: 'GET', 'user.id': 'u-7', region: 'us-east-1' }), stream: 'web-3' },
  { ts: T0 + 8 * MIN, msg: app({ level: 'INFO', status: 200, latency: 95.5, path: '/api/users', method: 'GET', user: 'alice', region: 'us-east-1', '@version': '3' }), stream: 'web-1' },
  { ts: T0 + 9 * MIN, msg: app({ level: 'WARN', status: 429, latency: 3, path: '/api/users', method: 'GET', user: 'eve', region: 'ap-south-1', note: '{"nested":"json-string"}', retry: null }), stream: 'web-2' },
  { ts: T0 + 10 * MIN, msg: app({ level: 'INFO', status: 302, latency: 40, path: '/login', method: 'GET', user: 'frank', region: 'us-east-1', client: { ip: '10.1.2.3', ua: 'curl/8' } }), stream: 'web-1' },
];

export const TEXT: Ev[] = [
  { ts: T0 + 1 * MIN, msg: '25 May 2019 10:24:39,474 [ERROR] {foo=2, bar=data} The error was: DataIntegrityException' },
  { ts: T0 + 2 * MIN, msg: '25 May 2019 10:24:40,001 user=user1234, method:sampleMethod, latency := 216' },
  { ts: T0 + 3 * MIN, msg: '25 May 2019 10:24:41,002 user=user1234, method:sampleMethod, latency := 300' },
  { ts: T0 + 4 * MIN, msg: '25 May 2019 10:24:42,003 user=user5678, method:otherMethod, latency := 100' },
  { ts: T0 + 5 * MIN, msg: '2019-05-25T10:24:43 [INFO] Request time: 327 ms' },
  { ts: T0 + 6 * MIN, msg: '2019-05-25T10:24:44 [INFO] Request time: 20 ms' },
  { ts: T0 + 7 * MIN, msg: '2019-05-25T10:24:45 [ERROR] java.lang.NullPointerException: boom' },
  { ts: T0 + 65 * MIN, msg: '2019-05-25T11:24:45 [ERROR] java.lang.IllegalStateException: bad state' },
  { ts: T0 + 66 * MIN, msg: '2019-05-25T11:24:46 [DEBUG] cache hit ratio 0.97' },
  { ts: T0 + 8 * MIN, msg: 'server=alpha severity=low message=started' },
  { ts: T0 + 9 * MIN, msg: 'plain line with tokens and Exceptional words' },
  { ts: T0 + 10 * MIN, msg: 'multi\nline message with café ünïcode' },
];

export const LAMBDA: Ev[] = [
  { ts: T0 + 1 * MIN, msg: 'START RequestId: 11111111-aaaa-bbbb-cccc-000000000001 Version: $LATEST' },
  { ts: T0 + 1 * MIN + 10, msg: '2024-01-15T10:01:00.010Z\t11111111-aaaa-bbbb-cccc-000000000001\tINFO\t{"orderId":"o-1","amount":42}' },
  { ts: T0 + 1 * MIN + 20, msg: 'END RequestId: 11111111-aaaa-bbbb-cccc-000000000001' },
  { ts: T0 + 1 * MIN + 30, msg: 'REPORT RequestId: 11111111-aaaa-bbbb-cccc-000000000001\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.50 ms\t\nXRAY TraceId: 1-5e1b4151-5ac6c58f7d8a9b3c2d1e0f00\tSegmentId: 6f1b2c3d4e5f6a7b\tSampled: true\t' },
  { ts: T0 + 3 * MIN, msg: 'START RequestId: 11111111-aaaa-bbbb-cccc-000000000002 Version: $LATEST' },
  { ts: T0 + 3 * MIN + 30, msg: 'REPORT RequestId: 11111111-aaaa-bbbb-cccc-000000000002\tDuration: 20.75 ms\tBilled Duration: 21 ms\tMemory Size: 128 MB\tMax Memory Used: 90 MB\t' },
  { ts: T0 + 7 * MIN, msg: 'REPORT RequestId: 11111111-aaaa-bbbb-cccc-000000000003\tDuration: 300.00 ms\tBilled Duration: 300 ms\tMemory Size: 256 MB\tMax Memory Used: 100 MB\t' },
];

export const APIGW: Ev[] = [
  { ts: T0 + 1 * MIN, msg: app({ requestId: 'r1', ip: '203.0.113.1', httpMethod: 'GET', path: '/pets', status: '200' }) },
  { ts: T0 + 2 * MIN, msg: app({ requestId: 'r2', ip: '203.0.113.2', httpMethod: 'GET', path: '/pets/9', status: '404' }) },
  { ts: T0 + 3 * MIN, msg: app({ requestId: 'r3', ip: '203.0.113.3', httpMethod: 'POST', path: '/pets', status: '400' }) },
  { ts: T0 + 4 * MIN, msg: app({ requestId: 'r4', ip: '203.0.113.1', httpMethod: 'DELETE', path: '/pets/1', status: '403' }) },
  { ts: T0 + 5 * MIN, msg: app({ requestId: 'r5', ip: '203.0.113.4', httpMethod: 'GET', path: '/pets', status: '500' }) },
  { ts: T0 + 6 * MIN, msg: app({ requestId: 'r6', ip: '203.0.113.5', httpMethod: 'GET', path: '/owners', status: '499' }) },
];

export const SERVERS: Ev[] = [
  { ts: T0 + 1 * MIN, msg: app({ server: 'alpha', severity: 'low', message: 'started' }) },
  { ts: T0 + 2 * MIN, msg: app({ server: 'beta', severity: 'low', message: 'started' }) },
  { ts: T0 + 3 * MIN, msg: app({ server: 'alpha', severity: 'high', message: 'disk full' }) },
  { ts: T0 + 4 * MIN, msg: app({ severity: 'medium', message: 'no server field' }) },
  { ts: T0 + 5 * MIN, msg: app({ server: 'gamma', severity: 'low', message: 'started' }) },
  { ts: T0 + 6 * MIN, msg: app({ server: 'beta', severity: 'high', message: 'oom' }) },
  { ts: T0 + 7 * MIN, msg: app({ severity: 'low', message: 'also no server' }) },
];

export const IA: Ev[] = [
  { ts: T0 + 1 * MIN, msg: 'archived line one' },
  { ts: T0 + 2 * MIN, msg: 'archived line two' },
];

export const DATASETS: Record<string, { events: Ev[]; cls?: string }> = {
  '/aws/cloudtrail/main': { events: CLOUDTRAIL },
  '/vpc/flow': { events: VPC },
  '/route53/resolver': { events: ROUTE53_RESOLVER },
  '/route53/public': { events: ROUTE53_PUBLIC },
  '/app/api': { events: APP },
  '/app/text': { events: TEXT },
  '/aws/lambda/orders': { events: LAMBDA },
  '/aws/apigw/access': { events: APIGW },
  '/app/servers': { events: SERVERS },
  '/archive/old': { events: IA, cls: 'INFREQUENT_ACCESS' },
};

export interface Fixture {
  store: LogStore;
  groups: Map<string, QueryLogGroup>;
  run(query: string, groupNames: string | string[], opts?: Partial<InsightsRequest>): Promise<InsightsResult>;
  /** Rows as plain objects: field → value (without @ptr unless asked). */
  rows(query: string, groupNames: string | string[], opts?: Partial<InsightsRequest> & { ptr?: boolean }): Promise<Record<string, string>[]>;
  close(): Promise<void>;
}

export async function openFixture(extra: Record<string, { events: Ev[]; cls?: string }> = {}): Promise<Fixture> {
  const dir = tempDir('tw-insights-');
  const store = new LogStore(join(dir, 'store'), new EmbeddedEngine({ dataDir: join(dir, 'engine'), memoryBytes: 2 * 1024 ** 3 }));
  await store.open();
  const groups = new Map<string, QueryLogGroup>();
  let h = 0;
  for (const [name, ds] of Object.entries({ ...DATASETS, ...extra })) {
    const g = store.meta.createGroup(name, T0 - DAY, ds.cls ?? 'STANDARD', {});
    groups.set(name, { id: g.id, name, logGroupClass: g.logGroupClass });
    const byStream = new Map<string, Ev[]>();
    for (const e of ds.events) {
      const s = e.stream ?? 'main';
      (byStream.get(s) ?? byStream.set(s, []).get(s)!).push(e);
    }
    for (const [sname, evs] of byStream) {
      const st = store.meta.createStream(g, sname, T0 - DAY);
      await store.append(g, st, evs.map((e) => ({ timestamp: e.ts, message: e.msg })), `h${h++}`);
    }
  }
  const all = () => [...groups.values()];
  const fx: Fixture = {
    store,
    groups,
    run(query, groupNames, opts = {}) {
      const names = Array.isArray(groupNames) ? groupNames : [groupNames];
      const req: InsightsRequest = {
        queryString: query,
        groups: names.map((n) => { const g = groups.get(n); if (!g) throw new Error(`no group ${n}`); return g; }),
        allGroups: all,
        startMs: T0 - DAY,
        endMs: T0 + DAY,
        accountId: ACCOUNT,
        now: T0 + 3 * HOUR,
        ...opts,
      };
      return runInsightsQuery(store.engine, req);
    },
    async rows(query, groupNames, opts = {}) {
      const r = await fx.run(query, groupNames, opts);
      return r.rows.map((row) => Object.fromEntries(row.filter((f) => opts.ptr || f.field !== '@ptr').map((f) => [f.field, f.value])));
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fx;
}

/** `yyyy-MM-dd HH:mm:ss.SSS` of an epoch-ms time (the result format of @timestamp). */
export function ts(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
