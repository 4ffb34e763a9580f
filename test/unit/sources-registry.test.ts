// Format registry and detection (src/sources/registry.ts): every format's detector is run on every other
// format's samples (AWS doc examples from ../shared/corpora, Panther events, fixtures, demo output) and on
// non-AWS text; exactly the right format must claim each sample, looking at its first KiB only.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import type { SourceFormatId } from '../../src/sources/contract.js';
import { DETECT_HEAD_BYTES, SOURCE_FORMATS, detectAllFormats, detectFormat, getFormat, parseAwsLogFileName } from '../../src/sources/registry.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { codeBlocks, demoMessages, jsonBlocks, pantherEvents, readFixture, withoutPantherFields } from '../fixtures/sources/corpus.js';

interface Sample {
  name: string;
  text: string;
  fileName?: string;
  expect: SourceFormatId | undefined;
}

function samples(): Sample[] {
  const out: Sample[] = [];
  const add = (expect: SourceFormatId | undefined, name: string, text: string, fileName?: string) => out.push({ expect, name, text, fileName });

  // CloudTrail
  jsonBlocks('aws-docs/cloudtrail/cloudtrail-log-file-examples.md').forEach((b, i) => add('cloudtrail', `doc log file example ${i}`, b));
  jsonBlocks('aws-docs/cloudtrail/cloudtrail-event-reference-aws-console-sign-in-events.md').forEach((b, i) => add('cloudtrail', `doc sign-in example ${i}`, b));
  jsonBlocks('aws-docs/cloudtrail/cloudtrail-log-file-validation-digest-file-structure.md').forEach((b, i) => add('cloudtrail', `doc digest ${i}`, b));
  const ct = demoMessages('/aws/cloudtrail/111122223333').map((d) => d.message);
  add('cloudtrail', 'demo records, one per line', ct.slice(0, 50).join('\n'));
  add('cloudtrail', 'demo Records file', `{"Records":[${ct.slice(0, 50).join(',')}]}`, '111122223333_CloudTrail_us-east-1_20241120T0005Z_abcdefABCDEF0123.json.gz');
  add('cloudtrail', 'EventBridge API call', JSON.stringify({ version: '0', id: '1', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: JSON.parse(ct[0]) }));
  add('cloudtrail', 'LookupEvents', JSON.stringify({ Events: [{ EventId: 'x', CloudTrailEvent: ct[0] }] }));
  for (const t of pantherEvents('AWS.CloudTrail').slice(0, 60)) {
    if (!Object.keys(t.log).some((k) => /^event[a-z]/.test(k))) add('cloudtrail', `panther ${t.test_name}`, JSON.stringify(withoutPantherFields(t.log)));
  }

  // VPC Flow Logs
  const vpcDoc = codeBlocks('aws-docs/vpc-flow-logs/flow-logs-records-examples.md');
  vpcDoc.filter((b) => /^\d+ \d{12} eni-/.test(b)).forEach((b, i) => add('vpcflow', `doc default record ${i}`, b));
  add('vpcflow', 'doc TCP-flag records with their header (S3 file)', `${vpcDoc.find((b) => b.startsWith('version vpc-id'))!}\n${vpcDoc.find((b) => b.startsWith('3 vpc-'))!}`);
  add('vpcflow', 'demo flow lines', demoMessages('/aws/vpc/flowlogs').slice(0, 50).map((d) => d.message).join('\n'));

  // Route 53 Resolver
  add('route53', 'doc example', jsonBlocks('aws-docs/route53-resolver/resolver-query-logs-example-json.md')[0]);
  add('route53', 'demo query lines', demoMessages('/aws/route53/resolver').slice(0, 20).map((d) => d.message).join('\n'));
  for (const t of pantherEvents('AWS.VPCDns').filter((x) => x.log.p_log_type !== 'OCSF.DnsActivity')) add('route53', `panther ${t.test_name}`, JSON.stringify(t.log));

  // Route 53 public DNS query logs (example lines of the Route 53 developer guide)
  add('route53-public', 'public query log lines', '1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6 192.168.1.1 -\n1.0 2017-12-13T08:15:50.235Z Z123412341234 example.com AAAA NOERROR TCP IAD12 192.168.3.1 192.168.222.0/24');

  // ALB
  codeBlocks('aws-docs/alb-access-logs/load-balancer-access-logs.md')
    .filter((b) => /^(https?|h2|wss?) \d{4}-/.test(b.trim()))
    .forEach((b, i) => add('alb', `doc entry ${i}`, b.split('\n').map((l) => l.trim()).join(' ')));

  // S3 server access
  add('s3access', 'doc records', readFixture('s3access/aws-doc-examples.txt'));

  // CloudWatch Logs subscription payloads
  const payload = jsonBlocks('aws-docs/cloudwatch-logs/SubscriptionFilters.md').find((b) => b.includes('"messageType"'))!;
  add('cwl-subscription', 'doc payload', payload);
  add('cwl-subscription', 'base64 gzip', gzipSync(payload).toString('base64'));
  add('cwl-subscription', 'Lambda event', JSON.stringify({ awslogs: { data: gzipSync(payload).toString('base64') } }));
  add('cwl-subscription', 'control message', JSON.stringify({ messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [] }));
  add('cwl-subscription', 'payload carrying CloudTrail JSON', JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'ct', logStream: 's', subscriptionFilters: ['f'], logEvents: [{ id: '1', timestamp: 1, message: ct[0] }] }));

  // GuardDuty
  const gd = readFixture('guardduty/getfindings-response.json');
  add('guardduty', 'GetFindings fixture', gd);
  const gdFinding = (JSON.parse(gd) as { findings: unknown[] }).findings[1];
  add('guardduty', 'single finding', JSON.stringify(gdFinding));
  add('guardduty', 'EventBridge event', JSON.stringify({ version: '0', id: '1', 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: gdFinding }));
  for (const t of pantherEvents('AWS.GuardDuty')) add('guardduty', `panther ${t.test_name}`, JSON.stringify(t.log));

  // Security Hub
  const sh = readFixture('securityhub/getfindings-response.json');
  add('securityhub', 'GetFindings fixture', sh);
  const shFinding = (JSON.parse(sh) as { Findings: unknown[] }).Findings[1];
  add('securityhub', 'EventBridge imported', JSON.stringify({ version: '0', id: '1', 'detail-type': 'Security Hub Findings - Imported', source: 'aws.securityhub', detail: { findings: [shFinding] } }));
  add('securityhub', 'ASFF finding of a GuardDuty product', JSON.stringify({ ...(shFinding as object), ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty' }));
  for (const t of pantherEvents('AWS.SecurityFindingFormat')) add('securityhub', `panther ${t.test_name}`, JSON.stringify(t.log));

  // Not an AWS log format
  for (const g of ['/app/checkout-api', '/app/auth-service', '/app/legacy-batch']) add(undefined, `demo ${g}`, demoMessages(g).slice(0, 30).map((d) => d.message).join('\n'));
  add(undefined, 'S3 event notification', JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: '2024-01-01T00:00:00.000Z', eventName: 'ObjectCreated:Put', userIdentity: { principalId: 'AWS:1' }, requestParameters: { sourceIPAddress: '1.2.3.4' }, responseElements: {}, s3: {} }] }));
  add(undefined, 'empty', '');
  add(undefined, 'plain text', 'Nov 21 10:00:00 host sshd[123]: Accepted publickey for ec2-user from 203.0.113.5 port 22');
  add(undefined, 'a JSON app log', '{"level":"info","msg":"listening","port":8080}');
  for (const t of pantherEvents('AWS.WAFWebACL').slice(0, 5)) add(undefined, `panther WAF ${t.test_name}`, JSON.stringify(t.log));
  for (const t of pantherEvents('Amazon.EKS.Audit').slice(0, 5)) add(undefined, `panther EKS ${t.test_name}`, JSON.stringify(t.log));
  return out;
}

describe('registry: detection is precise across every format’s samples', () => {
  const all = samples();

  it('each sample is claimed by exactly its own format (first KiB only), or by none for non-AWS text', () => {
    assert.ok(all.length > 150);
    const wrong: string[] = [];
    for (const s of all) {
      const head = s.text.slice(0, DETECT_HEAD_BYTES);
      const claimed = detectAllFormats(head, s.fileName).map((f) => f.id);
      const expected = s.expect ? [s.expect] : [];
      if (JSON.stringify(claimed) !== JSON.stringify(expected)) wrong.push(`${s.name}: expected ${expected.join() || 'none'}, claimed by ${claimed.join() || 'none'}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('detectFormat returns that format, and its parser reads the whole sample without problems', () => {
    for (const s of all) {
      const f = detectFormat(s.text.slice(0, DETECT_HEAD_BYTES), s.fileName);
      assert.equal(f?.id, s.expect, s.name);
      if (!f || s.name.startsWith('doc log file example 5')) continue; // CreateRole: a wrapped string in the doc, read leniently
      const out = f.parse(s.text, s.fileName);
      assert.deepEqual(out.problems, [], s.name);
    }
  });
});

describe('registry: the formats', () => {
  it('nine formats, unique ids and tables, each with columns that are valid and do not clash', () => {
    const ids = SOURCE_FORMATS.map((f) => f.id);
    assert.deepEqual([...ids].sort(), ['alb', 'cloudtrail', 'cwl-subscription', 'guardduty', 'route53', 'route53-public', 's3access', 'securityhub', 'vpcflow']);
    assert.equal(new Set(SOURCE_FORMATS.map((f) => f.table)).size, 9);
    for (const f of SOURCE_FORMATS) {
      assert.equal(getFormat(f.id), f);
      assert.match(f.table, /^[a-z_][a-z0-9_]*$/);
      assert.ok(f.columns.length > 0, f.id);
      const names = f.columns.map((c) => c.name);
      assert.equal(new Set(names).size, names.length, f.id);
      for (const c of f.columns) {
        assert.match(c.name, /^[a-z_][a-z0-9_]*$/, `${f.id}.${c.name}`);
        assert.ok(!COMMON_COLUMNS.includes(c.name), `${f.id}.${c.name}`);
        assert.ok(c.field.length > 0 && c.type.length > 0, `${f.id}.${c.name}`);
      }
      assert.equal(typeof f.caption, 'string');
    }
    assert.equal(getFormat('nope'), undefined);
  });

  it('parse never throws, whatever it is given', () => {
    const junk = ['', '\u0000\u0001', '{', '[', '"', '{"Records":', '{"Records":[{', 'H4sI', '\ufeff', '{"messageType":"DATA_MESSAGE"}', 'x'.repeat(10000), '[1,2,3]', 'null', '{"findings":[null]}'];
    for (const f of SOURCE_FORMATS) {
      for (const j of junk) {
        const out = f.parse(j, 'x.json');
        assert.ok(Array.isArray(out.events) && Array.isArray(out.problems), `${f.id} ${JSON.stringify(j.slice(0, 20))}`);
      }
    }
  });

  it('parseAwsLogFileName: unknown names give undefined', () => {
    assert.equal(parseAwsLogFileName('notes.txt'), undefined);
    assert.equal(parseAwsLogFileName(undefined), undefined);
    assert.equal(parseAwsLogFileName('AWSLogs/o-abcdefghij/111122223333/CloudTrail/us-east-1/2024/01/01/111122223333_CloudTrail_us-east-1_20240101T0000Z_abcdefABCDEF0123.json.gz')?.organizationId, 'o-abcdefghij');
  });
});
