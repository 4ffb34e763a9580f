// OCSF 1.1.0 mappings (src/sources/*/ocsf.ts) and the schema validator (src/sources/ocsf/schema.ts). Oracle:
// the OCSF schema source at ../shared/corpora/ocsf-schema/v1.1.0 (what Amazon Security Lake emits), resolved
// by the validator; mapped samples come from the AWS doc examples, Panther events, fixtures and the demo.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toOcsf as albToOcsf } from '../../src/sources/alb/ocsf.js';
import { parseAlb } from '../../src/sources/alb/format.js';
import { apiActivityOf, toOcsf as cloudTrailToOcsf } from '../../src/sources/cloudtrail/ocsf.js';
import { parseCloudTrail } from '../../src/sources/cloudtrail/format.js';
import type { ParsedEvent } from '../../src/sources/contract.js';
import { parseGuardDuty } from '../../src/sources/guardduty/format.js';
import { toOcsf as guardDutyToOcsf } from '../../src/sources/guardduty/ocsf.js';
import { OCSF_MAPPERS, toOcsfFor } from '../../src/sources/ocsf/mappings.js';
import { loadOcsfSchema, validateOcsf } from '../../src/sources/ocsf/schema.js';
import { parseRoute53 } from '../../src/sources/route53/format.js';
import { toOcsf as route53ToOcsf } from '../../src/sources/route53/ocsf.js';
import { parseSecurityHub } from '../../src/sources/securityhub/format.js';
import { toOcsf as securityHubToOcsf } from '../../src/sources/securityhub/ocsf.js';
import { parseVpcFlow } from '../../src/sources/vpcflow/format.js';
import { toOcsf as vpcFlowToOcsf } from '../../src/sources/vpcflow/ocsf.js';
import { OCSF_SCHEMA_DIR, codeBlocks, demoMessages, jsonBlocks, pantherEvents, readFixture } from '../fixtures/sources/corpus.js';

const schema = loadOcsfSchema(OCSF_SCHEMA_DIR);

type Obj = Record<string, unknown>;

/** Maps and validates every event; returns the mapped events; fails listing the first errors. */
function mapAll(events: ParsedEvent[], map: (e: ParsedEvent) => Obj, label: string): Obj[] {
  const bad: string[] = [];
  const out = events.map((e) => {
    const o = map(e);
    const errors = validateOcsf(o, schema);
    if (errors.length && bad.length < 10) bad.push(`${label}: ${errors.join('; ')} — ${e.message.slice(0, 120)}`);
    return o;
  });
  assert.deepEqual(bad, [], label);
  return out;
}

const get = (o: unknown, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);

describe('ocsf: the schema loader (ocsf-schema/v1.1.0)', () => {
  it('resolves the classes the mappings use, with inherited and profile attributes', () => {
    assert.equal(schema.version, '1.1.0');
    for (const [uid, name] of [
      [6003, 'api_activity'],
      [3002, 'authentication'],
      [4001, 'network_activity'],
      [4002, 'http_activity'],
      [4003, 'dns_activity'],
      [2004, 'detection_finding'],
    ] as const) {
      assert.equal(schema.classes.get(uid)?.name, name);
    }
    const api = schema.classes.get(6003)!;
    // from base_event (through application), from the classification include, from the cloud profile
    assert.equal(api.attributes.get('metadata')!.requirement, 'required');
    assert.equal(api.attributes.get('activity_id')!.requirement, 'required');
    assert.equal(api.attributes.get('cloud')!.profile, 'cloud');
    assert.deepEqual([...api.attributes.get('activity_id')!.enum!].sort(), ['0', '1', '2', '3', '4', '99']);
    // object inheritance: user extends _entity; network_endpoint extends endpoint
    assert.equal(schema.objects.get('user')!.attributes.get('uid')!.type, 'string_t');
    assert.equal(schema.objects.get('network_endpoint')!.attributes.get('ip')!.type, 'ip_t');
    assert.ok(schema.objects.get('network_endpoint')!.constraints?.at_least_one?.includes('ip'));
  });

  it('the corpus lacks includes/: the loader says so and uses its copies of the three it needs', () => {
    assert.deepEqual(schema.warnings.sort(), [
      'includes/classification.json is missing from the schema directory: using the built-in copy',
      'includes/network/network_activities.json is missing from the schema directory: using the built-in copy',
      'includes/occurrence.json is missing from the schema directory: using the built-in copy',
    ]);
  });

  it('also loads the 1.8.0 tree (a path string instead of a URL)', () => {
    const s18 = loadOcsfSchema(new URL('../1.8.0/', OCSF_SCHEMA_DIR).pathname);
    assert.equal(s18.version, '1.8.0');
    assert.ok(s18.classes.has(6003));
  });
});

describe('ocsf: CloudTrail → API Activity (6003), Authentication (3002), Detection Finding (2004 for Insights)', () => {
  const docs = [...jsonBlocks('aws-docs/cloudtrail/cloudtrail-log-file-examples.md'), ...jsonBlocks('aws-docs/cloudtrail/cloudtrail-event-reference-aws-console-sign-in-events.md')].flatMap((b) => parseCloudTrail(b).events);
  const panther = pantherEvents('AWS.CloudTrail').flatMap((t) => parseCloudTrail(JSON.stringify(t.log)).events);
  const demo = parseCloudTrail(demoMessages('/aws/cloudtrail/111122223333').map((d) => d.message).join('\n')).events;

  it('every doc, Panther and demo CloudTrail event maps to a valid OCSF 1.1.0 event (zero errors)', () => {
    const mapped = [...mapAll(docs, (e) => cloudTrailToOcsf(e), 'doc'), ...mapAll(panther, (e) => cloudTrailToOcsf(e), 'panther'), ...mapAll(demo, (e) => cloudTrailToOcsf(e), 'demo')];
    const classes = new Set(mapped.map((o) => o.class_uid));
    assert.deepEqual([...classes].sort(), [2004, 3002, 6003]);
  });

  it('API Activity members follow the Security Lake mapping (fact sheet §9.3)', () => {
    const e = parseCloudTrail(jsonBlocks('aws-docs/cloudtrail/cloudtrail-log-file-examples.md')[6]).events[0];
    const o = cloudTrailToOcsf(e);
    const expect: Record<string, unknown> = {
      class_uid: 6003,
      category_uid: 6,
      activity_id: 3,
      type_uid: 600303,
      severity_id: 1,
      time: Date.UTC(2016, 6, 14, 19, 15, 45),
      'metadata.product.name': 'CloudTrail',
      'metadata.product.vendor_name': 'AWS',
      'metadata.product.version': '1.04',
      'metadata.uid': 'b7d4398e-b2f0-4faa-9c76-e2d316a8d67f',
      'metadata.event_code': 'AwsApiCall',
      'metadata.version': '1.1.0',
      'cloud.provider': 'AWS',
      'cloud.region': 'us-east-2',
      'api.operation': 'UpdateTrail',
      'api.service.name': 'cloudtrail.amazonaws.com',
      'api.request.uid': '5d40662a-49f7-11e6-97e4-d9cb6ff7d6a3',
      'api.request.data.name': 'myTrail2',
      'api.response.error': 'TrailNotFoundException',
      'api.response.message': 'Unknown trail: myTrail2 for the user: 123456789012',
      'actor.user.type': 'IAMUser',
      'actor.user.uid': 'arn:aws:iam::123456789012:user/Alice',
      'actor.user.uid_alt': 'EX_PRINCIPAL_ID',
      'actor.user.name': 'Alice',
      'actor.user.account.uid': '123456789012',
      'actor.user.credential_uid': 'EXAMPLE_KEY_ID',
      'src_endpoint.ip': '205.251.233.182',
      'http_request.user_agent': 'aws-cli/1.10.32 Python/2.7.9 Windows/7 botocore/1.4.22',
      status_id: 2,
      status: 'Failure',
      'unmapped.recipientAccountId': '123456789012',
    };
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(get(o, k), v, k);
  });

  it('activity from the operation verb; readOnly calls with other verbs are reads', () => {
    assert.deepEqual(
      ['CreateUser', 'PutBucketPolicy', 'GetObject', 'ListBuckets', 'DescribeInstances', 'UpdateTrail', 'ModifyInstanceAttribute', 'DeleteBucket', 'ConsoleLogin'].map((n) => apiActivityOf(n, false)[0]),
      [1, 1, 2, 2, 2, 3, 3, 4, 99],
    );
    assert.equal(apiActivityOf('AssumeRoleWithSAML', true)[0], 3);
    assert.equal(apiActivityOf('Decrypt', true)[0], 2);
  });

  it('console sign-in → Authentication: Logon, failure status, MFA, user, source IP', () => {
    const blocks = jsonBlocks('aws-docs/cloudtrail/cloudtrail-event-reference-aws-console-sign-in-events.md');
    const ok = cloudTrailToOcsf(parseCloudTrail(blocks[1]).events[0]);
    assert.equal(ok.class_uid, 3002);
    assert.equal(ok.activity_id, 1);
    assert.equal(ok.type_uid, 300201);
    assert.equal(ok.status_id, 1);
    assert.equal(ok.is_mfa, true);
    assert.equal(get(ok, 'user.name'), 'anaya');
    assert.equal(get(ok, 'src_endpoint.ip'), '192.0.2.0');
    const failed = cloudTrailToOcsf(parseCloudTrail(blocks[2]).events[0]);
    assert.equal(failed.status_id, 2);
    assert.equal(failed.status_detail, 'Failed authentication');
    const checkMfa = cloudTrailToOcsf(parseCloudTrail(blocks[3]).events[0]);
    assert.equal(checkMfa.class_uid, 3002);
    assert.equal(checkMfa.activity_id, 99);
    assert.equal(checkMfa.activity_name, 'CheckMfa');
  });

  it('Insights Start/End → Detection Finding Create/Close sharing the finding uid', () => {
    const [start, end] = parseCloudTrail(jsonBlocks('aws-docs/cloudtrail/cloudtrail-log-file-examples.md')[7]).events.map((e) => cloudTrailToOcsf(e));
    assert.equal(start.class_uid, 2004);
    assert.equal(start.activity_id, 1);
    assert.equal(end.activity_id, 3);
    assert.equal(get(start, 'finding_info.uid'), get(end, 'finding_info.uid'));
    assert.deepEqual(get(start, 'finding_info.types'), ['ApiCallRateInsight']);
  });

  it('anonymised source IPs are canonical in OCSF (ip_t has no leading zeros); service principals are svc_name', () => {
    const line = JSON.stringify({ eventVersion: '1.08', eventTime: '2024-01-01T00:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', awsRegion: 'us-north-2r', sourceIPAddress: '010.001.002.003', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::1:user/x' } });
    const o = cloudTrailToOcsf(parseCloudTrail(line).events[0]);
    assert.equal(get(o, 'src_endpoint.ip'), '10.1.2.3');
    assert.equal(get(o, 'cloud.region'), 'us-north-2r');
    assert.deepEqual(validateOcsf(o, schema), []);
    const svc = cloudTrailToOcsf(parseCloudTrail(JSON.stringify({ ...JSON.parse(line), sourceIPAddress: 'lambda.amazonaws.com', userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' } })).events[0]);
    assert.equal(get(svc, 'src_endpoint.svc_name'), 'lambda.amazonaws.com');
    assert.equal(get(svc, 'actor.invoked_by'), 'lambda.amazonaws.com');
    assert.deepEqual(validateOcsf(svc, schema), []);
  });
});

describe('ocsf: VPC Flow Logs → Network Activity (4001)', () => {
  const doc = codeBlocks('aws-docs/vpc-flow-logs/flow-logs-records-examples.md');
  const defaults = parseVpcFlow(doc.filter((b) => /^\d+ \d{12} eni-/.test(b)).join('\n')).events;
  const flags = parseVpcFlow(`${doc.find((b) => b.startsWith('version vpc-id'))!}\n${doc.filter((b) => b.startsWith('3 vpc-')).join('\n')}`).events;
  const v5 = parseVpcFlow(doc.find((b) => b.startsWith('5 '))!, undefined, { format: doc.find((b) => b.startsWith('version srcaddr'))! }).events;
  const nat = parseVpcFlow(
    doc
      .filter((b) => /^(-|i-)\S* eni-/.test(b))
      .join('\n')
      .replace(/\s+#.*$/gm, ''),
    undefined,
    { format: 'instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr', fallbackTimestamp: 1 },
  ).events;
  const demo = parseVpcFlow(demoMessages('/aws/vpc/flowlogs').map((d) => d.message).join('\n')).events;

  it('doc examples (default, TCP flags, NAT, v5) and every demo line validate with zero errors', () => {
    assert.ok(defaults.length === 7 && flags.length === 8 && v5.length === 2 && nat.length === 6);
    for (const [label, evs] of [
      ['default', defaults],
      ['flags', flags],
      ['v5', v5],
      ['nat', nat],
      ['demo', demo],
    ] as const) {
      mapAll(evs, (e) => vpcFlowToOcsf(e), label);
    }
  });

  it('accepted SSH record: endpoints, protocol, traffic, action, times', () => {
    const o = vpcFlowToOcsf(defaults[0]);
    const expect: Record<string, unknown> = {
      class_uid: 4001,
      activity_id: 6,
      type_uid: 400106,
      'src_endpoint.ip': '172.31.16.139',
      'src_endpoint.port': 20641,
      'dst_endpoint.ip': '172.31.16.21',
      'dst_endpoint.port': 22,
      'dst_endpoint.interface_uid': 'eni-1235b8ca123456789',
      'connection_info.protocol_num': 6,
      'connection_info.protocol_name': 'tcp',
      'traffic.packets': 20,
      'traffic.bytes': 4249,
      action_id: 1,
      disposition_id: 1,
      start_time: 1418530010000,
      end_time: 1418530070000,
      'cloud.account.uid': '123456789010',
      status_code: 'OK',
    };
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(get(o, k), v, k);
    assert.equal(vpcFlowToOcsf(defaults[1]).action_id, 2);
    assert.equal(get(vpcFlowToOcsf(defaults[2]), 'status_code'), 'NODATA');
  });

  it('v5 egress through an internet gateway; NAT gateway packet addresses', () => {
    const egress = vpcFlowToOcsf(v5[1]);
    assert.equal(get(egress, 'connection_info.direction_id'), 2);
    assert.equal(get(egress, 'connection_info.boundary_id'), 11);
    assert.equal(get(egress, 'dst_endpoint.svc_name'), 'S3');
    assert.equal(get(egress, 'cloud.region'), 'ap-southeast-2');
    const n = vpcFlowToOcsf(nat[0]);
    assert.equal(get(n, 'dst_endpoint.ip'), '203.0.113.5');
    assert.deepEqual(get(n, 'dst_endpoint.intermediate_ips'), ['10.0.0.220']);
  });
});

describe('ocsf: Route 53 Resolver → DNS Activity (4003)', () => {
  const doc = parseRoute53(jsonBlocks('aws-docs/route53-resolver/resolver-query-logs-example-json.md')[0]).events;
  const panther = pantherEvents('AWS.VPCDns')
    .filter((t) => t.log.p_log_type !== 'OCSF.DnsActivity')
    .flatMap((t) => parseRoute53(JSON.stringify(t.log)).events);
  const demo = parseRoute53(demoMessages('/aws/route53/resolver').map((d) => d.message).join('\n')).events;

  it('doc, Panther and demo records validate with zero errors', () => {
    mapAll(doc, (e) => route53ToOcsf(e), 'doc');
    mapAll(panther, (e) => route53ToOcsf(e), 'panther');
    mapAll(demo, (e) => route53ToOcsf(e), 'demo');
  });

  it('the doc example: query, answer, rcode, source, DNS Firewall BLOCK', () => {
    const o = route53ToOcsf(doc[0]);
    const expect: Record<string, unknown> = {
      class_uid: 4003,
      activity_id: 2,
      type_uid: 400302,
      'query.hostname': '15.3.4.32.in-addr.arpa',
      'query.type': 'PTR',
      'query.class': 'IN',
      rcode: 'NoError',
      rcode_id: 0,
      'src_endpoint.ip': '4.5.64.102',
      'src_endpoint.port': 56067,
      'src_endpoint.instance_uid': 'i-0d15cd0d3example',
      'src_endpoint.vpc_uid': 'vpc-7example',
      'connection_info.protocol_name': 'UDP',
      action_id: 2,
      disposition_id: 2,
      'cloud.account.uid': '111122223333',
      time: Date.UTC(2021, 1, 4, 17, 51, 55),
    };
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(get(o, k), v, k);
    assert.deepEqual(get(o, 'answers'), [{ rdata: '203.0.113.9', type: 'PTR', class: 'IN' }]);
    assert.equal(get(o, 'unmapped.firewall_rule_group_id'), 'rslvr-frg-01234567890abcdef');
  });
});

describe('ocsf: ALB access logs → HTTP Activity (4002)', () => {
  const entries = codeBlocks('aws-docs/alb-access-logs/load-balancer-access-logs.md')
    .filter((b) => /^(https?|h2|wss?) \d{4}-/.test(b.trim()))
    .map((b) => b.split('\n').map((l) => l.trim()).join(' '));
  const events = parseAlb(entries.join('\n')).events;

  it('the seven doc entries validate with zero errors', () => {
    assert.equal(events.length, 7);
    mapAll(events, (e) => albToOcsf(e), 'alb');
  });

  it('HTTPS entry: method, URL parts, TLS, status, load balancer, region/account from the target group ARN', () => {
    const o = albToOcsf(events[1]);
    const expect: Record<string, unknown> = {
      class_uid: 4002,
      activity_id: 3,
      type_uid: 400203,
      'http_request.http_method': 'GET',
      'http_request.url.scheme': 'https',
      'http_request.url.hostname': 'www.example.com',
      'http_request.url.port': 443,
      'http_request.url.path': '/',
      'http_request.user_agent': 'curl/7.46.0',
      'http_response.code': 200,
      'src_endpoint.ip': '192.168.131.39',
      'dst_endpoint.ip': '10.0.0.1',
      'tls.version': 'TLSv1.2',
      'tls.sni': 'www.example.com',
      'load_balancer.uid': 'app/my-loadbalancer/50dc6c495c0c9188',
      'load_balancer.name': 'my-loadbalancer',
      'cloud.region': 'us-east-2',
      'cloud.account.uid': '123456789012',
      'traffic.bytes_out': 57,
    };
    for (const [k, v] of Object.entries(expect)) assert.deepEqual(get(o, k), v, k);
  });

  it('Lambda target (no target address): the load balancer is the responder; 502 is a failure', () => {
    const o = albToOcsf(events[6]);
    assert.equal(get(o, 'dst_endpoint.name'), 'app/my-loadbalancer/50dc6c495c0c9188');
    assert.equal(o.status_id, 2);
    assert.equal(get(o, 'load_balancer.error_message'), 'LambdaInvalidResponse');
  });

  it('PATCH (not in OCSF 1.1.0’s method enum) is activity Other and validates', () => {
    const line = entries[0].replace('"GET http', '"PATCH http');
    const o = albToOcsf(parseAlb(line).events[0]);
    assert.equal(o.activity_id, 99);
    assert.equal(o.activity_name, 'PATCH');
    assert.deepEqual(validateOcsf(o, schema), []);
  });
});

describe('ocsf: GuardDuty and Security Hub findings → Detection Finding (2004)', () => {
  it('GuardDuty fixture findings and Panther events validate with zero errors', () => {
    const events = [...parseGuardDuty(readFixture('guardduty/getfindings-response.json')).events, ...pantherEvents('AWS.GuardDuty').flatMap((t) => parseGuardDuty(JSON.stringify(t.log)).events)];
    const mapped = mapAll(events, (e) => guardDutyToOcsf(e), 'guardduty');
    assert.equal(mapped[0].severity_id, 3);
    assert.equal(get(mapped[0], 'finding_info.types.0'), 'Recon:IAMUser/MaliciousIPCaller');
    assert.equal(get(mapped[0], 'evidences.0.api.operation'), 'ListBuckets');
    assert.equal(get(mapped[1], 'evidences.0.src_endpoint.ip'), '192.0.2.200');
    assert.equal(get(mapped[1], 'evidences.0.dst_endpoint.port'), 22);
    assert.equal(get(mapped[2], 'evidences.0.query.hostname'), 'cdn.update-telemetry-sync.example');
    assert.equal(mapped[2].status_id, 3);
  });

  it('Security Hub fixture findings and Panther events validate with zero errors', () => {
    const events = [...parseSecurityHub(readFixture('securityhub/getfindings-response.json')).events, ...pantherEvents('AWS.SecurityFindingFormat').flatMap((t) => parseSecurityHub(JSON.stringify(t.log)).events)];
    const mapped = mapAll(events, (e) => securityHubToOcsf(e), 'securityhub');
    assert.equal(mapped[0].severity_id, 4);
    assert.equal(mapped[0].status_id, 1);
    assert.equal(mapped[1].severity_id, 5);
    assert.equal(mapped[1].status_id, 2);
    assert.equal(get(mapped[1], 'remediation.desc'), 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.');
    assert.equal(get(mapped[1], 'unmapped.Compliance.Status'), 'FAILED');
  });

  it('the mapping registry covers every format with an OCSF class', () => {
    assert.deepEqual(Object.keys(OCSF_MAPPERS).sort(), ['alb', 'cloudtrail', 'guardduty', 'route53', 'route53-public', 'securityhub', 'vpcflow']);
    assert.equal(toOcsfFor('s3access', { timestamp: 0, message: '', columns: {} }), undefined);
  });
});

describe('ocsf: the validator finds what is wrong', () => {
  const good = cloudTrailToOcsf(parseCloudTrail(jsonBlocks('aws-docs/cloudtrail/cloudtrail-log-file-examples.md')[6]).events[0]);
  const clone = (): Obj => JSON.parse(JSON.stringify(good)) as Obj;

  it('a mapped event is valid to begin with', () => {
    assert.deepEqual(validateOcsf(good, schema), []);
  });

  it('a deliberately broken event: missing required, unknown attribute, wrong types, enum and type_uid errors', () => {
    const bad = clone();
    delete bad.actor;
    bad.not_an_ocsf_attribute = 1;
    bad.time = '2016-07-14T19:15:45Z';
    bad.severity_id = 42;
    bad.type_uid = 600377;
    (bad.api as Obj).operation = 7;
    (bad.src_endpoint as Obj).ip = 'not-an-ip';
    (bad.src_endpoint as Obj).port = 70000;
    (bad.metadata as Obj).profiles = ['cloud', 'no_such_profile'];
    const errors = validateOcsf(bad, schema);
    const has = (re: RegExp) => assert.ok(errors.some((e) => re.test(e)), `${re} in ${JSON.stringify(errors, null, 1)}`);
    has(/^actor: missing required attribute/);
    has(/^not_an_ocsf_attribute: unknown attribute/);
    has(/^time: expected timestamp_t/);
    has(/^severity_id: 42 is not one of the enum values/);
    has(/^type_uid: 600377 is not one of the enum values/);
    has(/^type_uid: 600377 should be class_uid \* 100 \+ activity_id = 600303/);
    has(/^api\.operation: expected string_t/);
    has(/^src_endpoint\.ip: expected ip_t/);
    has(/^src_endpoint\.port: expected port_t \(0-65535\)/);
    has(/^metadata\.profiles: unknown profile "no_such_profile"/);
  });

  it('constraints, profiles, arrays and *_dt attributes', () => {
    const a = clone();
    (a.actor as Obj) = {};
    (a.metadata as Obj).profiles = [];
    a.resources = { uid: 'x' };
    assert.ok(validateOcsf(a, schema).some((e) => /^actor: needs at least one of process, user, invoked_by, session/.test(e)));
    assert.ok(validateOcsf(a, schema).some((e) => /^cloud: belongs to the cloud profile/.test(e)));
    assert.ok(validateOcsf(a, schema).some((e) => /^time_dt: \*_dt attributes need the datetime profile/.test(e)));
    assert.ok(validateOcsf(a, schema).some((e) => /^resources: expected an array/.test(e)));
    const b = clone();
    b.time_dt = 'yesterday';
    assert.ok(validateOcsf(b, schema).some((e) => /^time_dt: expected datetime_t/.test(e)));
  });

  it('unknown class, not an object', () => {
    assert.deepEqual(validateOcsf({ class_uid: 9999 }, schema), ['class_uid: 9999 is not a class of OCSF 1.1.0']);
    assert.deepEqual(validateOcsf('x', schema), ['(event): not a JSON object']);
  });

  it('Panther’s hand-written OCSF samples are not valid OCSF 1.1.0 (times as strings, port as a string, required members missing)', () => {
    const dns = pantherEvents('AWS.VPCDns').find((t) => t.log.p_log_type === 'OCSF.DnsActivity')!;
    const { p_log_type: _ignored, ...event } = dns.log;
    const errors = validateOcsf(event, schema);
    assert.ok(errors.some((e) => /^time: expected timestamp_t/.test(e)), errors.join('\n'));
    assert.ok(errors.some((e) => /^src_endpoint\.port: expected port_t/.test(e)), errors.join('\n'));
  });
});
