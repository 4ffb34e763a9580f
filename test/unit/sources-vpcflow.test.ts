// VPC Flow Logs parser (src/sources/vpcflow). Oracles: the record examples and field table of the VPC user
// guide in ../shared/corpora/aws-docs/vpc-flow-logs, the fact sheet's field list (§7.1), Panther's VPC flow test
// events (panther_tests.jsonl, AWS.VPCFlow, rendered back to the wire format), and the demo generator's output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_VPC_FORMAT, VPC_FIELDS, VPCFLOW_COLUMNS, parseVpcFormat } from '../../src/sources/vpcflow/fields.js';
import { detectVpcFlow, parseVpcFlow, vpcflow } from '../../src/sources/vpcflow/format.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { codeBlocks, demoMessages, pantherEvents, readCorpus } from '../fixtures/sources/corpus.js';

const EXAMPLES = 'aws-docs/vpc-flow-logs/flow-logs-records-examples.md';

/** The doc's examples grouped by the format they are written in (a block of field names starts a group). */
function docGroups(): { format: string | undefined; lines: string[] }[] {
  const groups: { format: string | undefined; lines: string[] }[] = [{ format: undefined, lines: [] }];
  for (const block of codeBlocks(EXAMPLES)) {
    const first = block.trim().split(/\s+/)[0];
    if (VPC_FIELDS.some((f) => f.name === first)) {
      groups.push({ format: block.trim(), lines: [] });
      continue;
    }
    for (const raw of block.split('\n')) {
      // The doc annotates two lines with "#…" comments and elides with "...": not part of the records.
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (line && line !== '...') groups[groups.length - 1].lines.push(line);
    }
  }
  return groups;
}

describe('vpcflow: AWS doc record examples (flow-logs-records-examples.md)', () => {
  const groups = docGroups();
  const defaults = groups[0].lines;
  const parsedDefault = parseVpcFlow(defaults.join('\n'));

  it('default-format examples: 7 records, no problems', () => {
    assert.equal(defaults.length, 7);
    assert.deepEqual(parsedDefault.problems, []);
    assert.equal(parsedDefault.events.length, 7);
    assert.deepEqual(parsedDefault.fields, [...DEFAULT_VPC_FORMAT]);
  });

  it('accepted SSH to eni-1235b8ca123456789 in account 123456789010 (documented values)', () => {
    const e = parsedDefault.events[0];
    assert.deepEqual(e.columns, {
      version: 2,
      account_id: '123456789010',
      interface_id: 'eni-1235b8ca123456789',
      src_addr: '172.31.16.139',
      dst_addr: '172.31.16.21',
      src_port: 20641,
      dst_port: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      flow_start: 1418530010,
      flow_end: 1418530070,
      action: 'ACCEPT',
      log_status: 'OK',
    });
    assert.equal(e.timestamp, 1418530010_000);
    assert.equal(e.message, defaults[0]);
  });

  it('rejected RDP (port 3389)', () => {
    const c = parsedDefault.events[1].columns;
    assert.equal(c.dst_port, 3389);
    assert.equal(c.action, 'REJECT');
  });

  it('NODATA and SKIPDATA: "-" fields are NULL, times and status kept', () => {
    for (const [i, status] of [
      [2, 'NODATA'],
      [3, 'SKIPDATA'],
    ] as const) {
      const c = parsedDefault.events[i].columns;
      assert.equal(c.log_status, status);
      for (const k of ['src_addr', 'dst_addr', 'src_port', 'dst_port', 'protocol', 'packets', 'bytes', 'action']) assert.equal(c[k], null, k);
      assert.equal(c.flow_start, 1431280876);
      assert.equal(c.flow_end, 1431280934);
    }
  });

  it('ICMP ping accepted in and rejected out (ports 0, protocol 1)', () => {
    const [a, b] = [parsedDefault.events[4].columns, parsedDefault.events[5].columns];
    assert.equal(a.protocol, 1);
    assert.equal(a.src_port, 0);
    assert.equal(a.action, 'ACCEPT');
    assert.equal(b.action, 'REJECT');
    assert.equal(b.src_addr, '172.31.16.139');
  });

  it('IPv6 SSH traffic', () => {
    const c = parsedDefault.events[6].columns;
    assert.equal(c.src_addr, '2001:db8:1234:a100:8d6e:3477:df66:f105');
    assert.equal(c.dst_addr, '2001:db8:1234:a102:3304:8879:34cf:4071');
    assert.equal(c.dst_port, 22);
    assert.equal(c.bytes, 8855);
  });

  it('TCP flag sequence (custom v3 format): SYN 2, SYN-ACK 18, FIN 1, SYN+FIN 3, SYN-ACK+FIN 19', () => {
    const g = groups[1];
    assert.match(g.format!, /^version vpc-id subnet-id/);
    const out = parseVpcFlow(g.lines.join('\n'), undefined, { format: g.format });
    assert.deepEqual(out.problems, []);
    assert.deepEqual(
      out.events.map((e) => e.columns.tcp_flags),
      [2, 18, 2, 18, 1, 1, 3, 19],
    );
    const c = out.events[0].columns;
    assert.equal(c.vpc_id, 'vpc-abcdefab012345678');
    assert.equal(c.subnet_id, 'subnet-aaaaaaaa012345678');
    assert.equal(c.instance_id, 'i-01234567890123456');
    assert.equal(c.traffic_type, 'IPv4');
    assert.equal(c.pkt_src_addr, '52.213.180.42');
    // custom order: bytes before packets
    assert.equal(c.bytes, 568);
    assert.equal(c.packets, 8);
  });

  it('the same examples in an S3 file: the header line names the fields, no option needed', () => {
    const g = groups[1];
    const out = parseVpcFlow([g.format, ...g.lines].join('\n'), '123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz');
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 8);
    assert.equal(out.events[7].columns.tcp_flags, 19);
    assert.deepEqual(out.fileInfo, { service: 'vpcflowlogs', accountId: '123456789012', region: 'us-east-1', flowLogId: 'fl-1234abcd', time: Date.UTC(2018, 5, 20, 16, 20) });
  });

  it('NAT gateway (fields without version or times): instance-id "-" is NULL, packet addresses differ', () => {
    const g = groups[2];
    assert.equal(g.format, 'instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr');
    const out = parseVpcFlow(g.lines.join('\n'), undefined, { format: g.format, fallbackTimestamp: 1 });
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 6);
    const c = out.events[0].columns;
    assert.equal(c.instance_id, null);
    assert.equal(c.dst_addr, '10.0.0.220');
    assert.equal(c.pkt_dst_addr, '203.0.113.5');
    assert.equal(out.events[0].timestamp, 1);
    assert.equal(out.events[4].columns.instance_id, 'i-01234567890123456');
  });

  it('transit gateway (custom order with tcp-flags and type)', () => {
    const g = groups[3];
    const out = parseVpcFlow(g.lines.join('\n'), undefined, { format: g.format, fallbackTimestamp: 1 });
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 4);
    assert.equal(out.events[2].columns.instance_id, null);
    assert.equal(out.events[2].columns.src_addr, '10.40.1.175');
    assert.equal(out.events[2].columns.pkt_src_addr, '10.20.33.164');
    assert.equal(out.events[1].columns.tcp_flags, 19);
  });

  it('v5 fields: region, az-id, sublocation "-", AWS service names, traffic-path 8, flow-direction', () => {
    const g = groups[4];
    const out = parseVpcFlow(g.lines.join('\n'), undefined, { format: g.format });
    assert.deepEqual(out.problems, []);
    const [ingress, egress] = out.events.map((e) => e.columns);
    assert.equal(ingress.version, 5);
    assert.equal(ingress.region, 'ap-southeast-2');
    assert.equal(ingress.az_id, 'apse2-az3');
    assert.equal(ingress.sublocation_type, null);
    assert.equal(ingress.pkt_src_aws_service, 'S3');
    assert.equal(ingress.traffic_path, null);
    assert.equal(ingress.flow_direction, 'ingress');
    assert.equal(egress.pkt_dst_aws_service, 'S3');
    assert.equal(egress.traffic_path, 8);
    assert.equal(egress.flow_direction, 'egress');
    assert.equal(egress.tcp_flags, 3);
  });

  it('the CLI example format (${…} placeholders, flow-logs-s3.md) is accepted as options.format', () => {
    const cli = codeBlocks('aws-docs/vpc-flow-logs/flow-logs-s3.md').find((b) => b.includes('--log-format'))!;
    const format = /--log-format '([^']+)'/.exec(cli)![1];
    assert.deepEqual(parseVpcFormat(format), ['version', 'vpc-id', 'subnet-id', 'instance-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr']);
    const out = parseVpcFlow('3 vpc-1 subnet-1 i-1 10.0.0.1 10.0.0.2 443 50000 6 18 IPv4 10.0.0.1 10.0.0.2', undefined, { format, fallbackTimestamp: 5 });
    assert.deepEqual(out.problems, []);
    assert.equal(out.events[0].columns.tcp_flags, 18);
  });
});

describe('vpcflow: every field of versions 2-10 (fact sheet §7.1, flow-logs.md field table)', () => {
  it('each doc field-table name has a column; each column has a camelCase Insights name', () => {
    const md = readCorpus('aws-docs/vpc-flow-logs/flow-logs.md');
    for (const name of ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status', 'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr', 'region', 'az-id', 'sublocation-type', 'sublocation-id', 'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path']) {
      assert.ok(VPC_FIELDS.some((f) => f.name === name), name);
      assert.ok(md.includes(name.replace(/-/g, '\\-')) || md.includes(name), name);
    }
    for (const name of ['ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn', 'ecs-container-instance-id', 'ecs-container-id', 'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id', 'reject-reason']) {
      assert.ok(VPC_FIELDS.some((f) => f.name === name), name);
    }
  });

  it('Insights names: exactly the fields AWS lists as discovered for VPC flow logs (CWL_AnalyzeLogData-discoverable-fields.md)', () => {
    // The page says startTime/endTime where the fact sheet (§1.6) says start/end: the AWS page is the oracle.
    const row = readCorpus('aws-docs/cloudwatch-logs/CWL_AnalyzeLogData-discoverable-fields.md')
      .split('\n')
      .find((l) => l.includes('Amazon VPC flow logs'))!;
    const discovered = [...row.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]).sort();
    const byField = new Map(VPC_FIELDS.map((f) => [f.name, f.insights]));
    assert.deepEqual(DEFAULT_VPC_FORMAT.map((n) => byField.get(n)!).sort(), discovered);
  });

  it('a line with every field, in an S3 file with its header, fills every column', () => {
    const names = VPC_FIELDS.map((f) => f.name);
    const values: Record<string, string> = {
      version: '10', 'account-id': '123456789012', 'interface-id': 'eni-0123456789abcdef0', srcaddr: '10.0.0.1', dstaddr: '10.0.0.2', srcport: '443', dstport: '55000',
      protocol: '6', packets: '10', bytes: '9000', start: '1700000000', end: '1700000060', action: 'ACCEPT', 'log-status': 'OK', 'vpc-id': 'vpc-1',
      'subnet-id': 'subnet-1', 'instance-id': 'i-1', 'tcp-flags': '19', type: 'IPv4', 'pkt-srcaddr': '10.0.0.1', 'pkt-dstaddr': '10.0.0.2', region: 'us-east-1',
      'az-id': 'use1-az1', 'sublocation-type': 'outpost', 'sublocation-id': 'op-1', 'pkt-src-aws-service': 'AMAZON', 'pkt-dst-aws-service': 'S3',
      'flow-direction': 'egress', 'traffic-path': '2', 'ecs-cluster-arn': 'arn:aws:ecs:us-east-1:123456789012:cluster/c', 'ecs-cluster-name': 'c',
      'ecs-container-instance-arn': 'arn:ci', 'ecs-container-instance-id': 'ci', 'ecs-container-id': 'cid', 'ecs-second-container-id': 'cid2',
      'ecs-service-name': 'svc', 'ecs-task-definition-arn': 'arn:td', 'ecs-task-arn': 'arn:task', 'ecs-task-id': 'task', 'reject-reason': 'BPA',
      'resource-id': 'res-1', 'encryption-status': '1',
    };
    const out = parseVpcFlow(`${names.join(' ')}\n${names.map((n) => values[n]).join(' ')}\n`);
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.warnings, []);
    const c = out.events[0].columns;
    assert.equal(Object.keys(c).length, VPCFLOW_COLUMNS.length);
    for (const col of VPCFLOW_COLUMNS) assert.notEqual(c[col.name], null, col.name);
    assert.equal(c.ecs_task_id, 'task');
    assert.equal(c.reject_reason, 'BPA');
  });
});

describe('vpcflow: Panther test events (panther_tests.jsonl, AWS.VPCFlow)', () => {
  // Panther stores flows already parsed, under its own camelCase names; rendered back into AWS's text
  // format (header line + values) they must parse to the same values.
  const PANTHER_TO_AWS: Record<string, string> = {
    srcAddr: 'srcaddr', dstAddr: 'dstaddr', srcPort: 'srcport', dstPort: 'dstport', flowDirection: 'flow-direction', vpcId: 'vpc-id',
    region: 'region', subNetId: 'subnet-id', instanceId: 'instance-id', action: 'action', status: 'log-status',
  };
  const all = pantherEvents('AWS.VPCFlow');
  const wire = all.filter((t) => t.log.p_log_type !== 'OCSF.NetworkActivity');

  it('the 29 events: 21 in Panther’s VPC flow form, 8 already OCSF (not a VPC Flow Logs format)', () => {
    assert.equal(all.length, 29);
    assert.equal(wire.length, 21);
  });

  it('each renders to a header + line that parses without problems to the same values', () => {
    for (const t of wire) {
      const keys = Object.keys(t.log).filter((k) => k in PANTHER_TO_AWS);
      assert.ok(keys.length > 0, t.test_name);
      const header = keys.map((k) => PANTHER_TO_AWS[k]).join(' ');
      const line = keys.map((k) => String(t.log[k])).join(' ');
      const out = parseVpcFlow(`${header}\n${line}`, undefined, { fallbackTimestamp: 0 });
      assert.deepEqual(out.problems, [], t.test_name);
      assert.equal(out.events.length, 1, t.test_name);
      const c = out.events[0].columns;
      if ('dstPort' in t.log) assert.equal(c.dst_port, t.log.dstPort, t.test_name);
      if ('srcAddr' in t.log) assert.equal(c.src_addr, t.log.srcAddr, t.test_name);
      if ('status' in t.log) assert.equal(c.log_status, t.log.status, t.test_name);
      if ('subNetId' in t.log) assert.equal(c.subnet_id, t.log.subNetId, t.test_name);
    }
  });
});

describe('vpcflow: demo generator output (src/demo)', () => {
  const demo = demoMessages('/aws/vpc/flowlogs');

  it('all lines parse (default v2 format), messages kept, timestamps = start', () => {
    const out = parseVpcFlow(demo.map((d) => d.message).join('\n'));
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.warnings, []);
    assert.equal(out.events.length, demo.length);
    out.events.forEach((e, i) => {
      assert.equal(e.message, demo[i].message);
      assert.equal(e.timestamp, demo[i].timestamp);
    });
    assert.ok(out.events.some((e) => e.columns.log_status === 'NODATA'));
    assert.ok(out.events.some((e) => e.columns.action === 'REJECT'));
  });
});

describe('vpcflow: edge cases', () => {
  it('anonymised addresses with leading zeros and an unknown account are kept as text', () => {
    const out = parseVpcFlow('2 unknown eni-1 010.001.002.003 10.0.0.2 443 80 6 1 40 1 2 ACCEPT OK');
    assert.equal(out.events[0].columns.src_addr, '010.001.002.003');
    assert.equal(out.events[0].columns.account_id, 'unknown');
  });

  it('a number that does not fit its column is NULL, the line still kept', () => {
    const line = '2 1 eni-1 10.0.0.1 10.0.0.2 99999 x 6 1 40 1 2 ACCEPT OK';
    const out = parseVpcFlow(line);
    assert.deepEqual(out.problems, []);
    assert.equal(out.events[0].columns.src_port, null);
    assert.equal(out.events[0].columns.dst_port, null);
    assert.equal(out.events[0].message, line);
  });

  it('a custom-format line without header or option: a problem that says what is needed', () => {
    const out = parseVpcFlow('vpc-1 10.0.0.1 10.0.0.2');
    assert.equal(out.events.length, 0);
    assert.equal(out.problems.length, 1);
    assert.match(out.problems[0].reason, /header line or options\.format/);
  });

  it('a short line among good ones: its line number and text, the rest parsed', () => {
    const good = '2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK';
    const out = parseVpcFlow(`${good}\n2 1 eni-1\n${good}\r\n`);
    assert.equal(out.events.length, 2);
    assert.deepEqual(out.problems.map((p) => [p.line, p.text]), [[2, '2 1 eni-1']]);
  });

  it('a header with a field AWS added later: values read, that field ignored with a warning', () => {
    const out = parseVpcFlow('version srcaddr some-new-field dstaddr\n8 10.0.0.1 abc 10.0.0.2', undefined, { fallbackTimestamp: 0 });
    assert.deepEqual(out.problems, []);
    assert.equal(out.events[0].columns.dst_addr, '10.0.0.2');
    assert.ok(out.warnings!.some((w) => /some-new-field/.test(w.reason)));
  });

  it('columns: unique identifiers, no clash with the common columns; no regex per field needed', () => {
    const names = VPCFLOW_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(/^[a-z_][a-z0-9_]*$/.test(n) && !COMMON_COLUMNS.includes(n), n);
    assert.equal(vpcflow.table, 'events_vpcflow');
  });

  it('detect: default lines, header lines, custom lines with an ENI and an action', () => {
    assert.ok(detectVpcFlow('2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA'));
    assert.ok(detectVpcFlow('version account-id interface-id srcaddr dstaddr\n2 1 eni-1 1.1.1.1 2.2.2.2'));
    assert.ok(detectVpcFlow('eni-1235b8ca123456789 10.0.0.1 ACCEPT'));
    assert.ok(!detectVpcFlow('hello world'));
    assert.ok(!detectVpcFlow('{"srcaddr":"10.0.0.1"}'));
  });
});
