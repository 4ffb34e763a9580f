// Route 53 Resolver query log parser (src/sources/route53). Oracles: the AWS doc example and field list in
// ../shared/corpora/aws-docs/route53-resolver, Panther's VPC DNS test events (panther_tests.jsonl, AWS.VPCDns),
// and the demo generator's output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROUTE53_COLUMNS, detectRoute53, parseRoute53, route53 } from '../../src/sources/route53/format.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { demoMessages, jsonBlocks, pantherEvents, readCorpus } from '../fixtures/sources/corpus.js';

describe('route53: AWS doc example (resolver-query-logs-example-json.md)', () => {
  const [block] = jsonBlocks('aws-docs/route53-resolver/resolver-query-logs-example-json.md');

  it('the pretty-printed example parses to its documented values', () => {
    const out = parseRoute53(block);
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 1);
    const e = out.events[0];
    assert.equal(e.timestamp, Date.UTC(2021, 1, 4, 17, 51, 55));
    assert.deepEqual(e.columns, {
      version: '1.100000',
      account_id: '111122223333',
      region: 'us-east-1',
      vpc_id: 'vpc-7example',
      query_timestamp: Date.UTC(2021, 1, 4, 17, 51, 55),
      query_name: '15.3.4.32.in-addr.arpa.',
      query_type: 'PTR',
      query_class: 'IN',
      rcode: 'NOERROR',
      answer_rdata: '203.0.113.9',
      answer_type: 'PTR',
      answer_count: 1,
      srcaddr: '4.5.64.102',
      srcport: 56067,
      transport: 'UDP',
      srcids_instance: 'i-0d15cd0d3example',
      srcids_resolver_endpoint: null,
      srcids_resolver_network_interface: null,
      firewall_rule_action: 'BLOCK',
      firewall_rule_group_id: 'rslvr-frg-01234567890abcdef',
      firewall_domain_list_id: 'rslvr-fdl-01234567890abcdef',
    });
  });

  it('stored compact: the message is the record as one line of JSON', () => {
    const e = parseRoute53(block).events[0];
    assert.ok(!e.message.includes('\n'));
    assert.deepEqual(JSON.parse(e.message), JSON.parse(block));
  });

  it('every value the format page lists (resolver-query-logs-format.md) is a column or inside answers/srcids', () => {
    const page = readCorpus('aws-docs/route53-resolver/resolver-query-logs-format.md');
    const documented = [...page.matchAll(/^\*\*([a-z_\\]+)\*\*/gm)].map((m) => m[1].replace(/\\/g, ''));
    assert.ok(documented.length >= 15);
    const fields = new Set(ROUTE53_COLUMNS.map((c) => c.field.split('.')[0]));
    for (const f of documented) {
      const known = fields.has(f) || ['answer_type', 'rdata', 'answer_class', 'instance', 'resolver_endpoint'].includes(f);
      assert.ok(known, f);
    }
  });
});

describe('route53: Panther test events (panther_tests.jsonl, AWS.VPCDns)', () => {
  const all = pantherEvents('AWS.VPCDns');
  const native = all.filter((t) => t.log.p_log_type !== 'OCSF.DnsActivity');

  it('the 8 Resolver-shaped events parse without problems (2 more are already OCSF)', () => {
    assert.equal(all.length, 10);
    assert.equal(native.length, 8);
    for (const t of native) {
      const out = parseRoute53(JSON.stringify(t.log));
      assert.deepEqual(out.problems, [], t.test_name);
      assert.deepEqual(out.warnings, [], t.test_name);
      assert.equal(out.events[0].columns.query_name, t.log.query_name, t.test_name);
      // Panther writes "2022-06-25 00:27:53" (space, no zone): read as UTC
      assert.equal(out.events[0].timestamp, Date.UTC(2022, 5, 25, 0, 27, 53));
      assert.ok(detectRoute53(JSON.stringify(t.log)), t.test_name);
    }
  });
});

describe('route53: demo generator output (src/demo)', () => {
  const demo = demoMessages('/aws/route53/resolver');

  it('every record parses, lines kept byte for byte, timestamps from query_timestamp', () => {
    const out = parseRoute53(demo.map((d) => d.message).join('\n'));
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.warnings, []);
    assert.equal(out.events.length, demo.length);
    out.events.forEach((e, i) => {
      assert.equal(e.message, demo[i].message);
      assert.equal(e.timestamp, demo[i].timestamp);
    });
    assert.ok(out.events.some((e) => e.columns.rcode === 'NXDOMAIN'));
  });
});

describe('route53: edge cases', () => {
  const base = { version: '1.100000', account_id: '1', region: 'us-east-1', vpc_id: 'vpc-1', query_name: 'example.com.', query_type: 'A', query_class: 'IN', rcode: 'NOERROR', answers: [], srcaddr: '10.0.0.5', srcport: '53427', transport: 'UDP', srcids: { instance: 'i-1' } };

  it('millisecond query_timestamp (as the format page shows) and DoH transport', () => {
    const e = parseRoute53(JSON.stringify({ ...base, query_timestamp: '2017-03-16T19:20:25.177Z', transport: 'DoH' })).events[0];
    assert.equal(e.timestamp, Date.UTC(2017, 2, 16, 19, 20, 25, 177));
    assert.equal(e.columns.transport, 'DoH');
    assert.equal(e.columns.answer_count, 0);
  });

  it('resolver endpoint source ids, anonymised source address, a port that is not a number', () => {
    const e = parseRoute53(JSON.stringify({ ...base, query_timestamp: '2021-02-04T17:51:55Z', srcaddr: '010.000.000.005', srcport: 'x', srcids: { resolver_endpoint: 'rslvr-in-1', resolver_network_interface: 'rni-1' } })).events[0];
    assert.equal(e.columns.srcaddr, '010.000.000.005');
    assert.equal(e.columns.srcport, null);
    assert.equal(e.columns.srcids_resolver_endpoint, 'rslvr-in-1');
    assert.equal(e.columns.srcids_instance, null);
  });

  it('no query_timestamp: kept with a warning and the fallback time', () => {
    const out = parseRoute53(JSON.stringify(base), undefined, { fallbackTimestamp: 7 });
    assert.equal(out.events[0].timestamp, 7);
    assert.equal(out.warnings!.length, 1);
  });

  it('a bad line: its number and text; the others parsed', () => {
    const good = JSON.stringify({ ...base, query_timestamp: '2021-02-04T17:51:55Z' });
    const out = parseRoute53(`${good}\nnot json\n${good}`);
    assert.equal(out.events.length, 2);
    assert.deepEqual(out.problems.map((p) => [p.line, p.text]), [[2, 'not json']]);
  });

  it('columns: unique, valid, no clash; the format object', () => {
    const names = ROUTE53_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(/^[a-z_][a-z0-9_]*$/.test(n) && !COMMON_COLUMNS.includes(n), n);
    assert.equal(route53.table, 'events_route53');
    assert.equal(route53.defaultLogGroup!('1'), '/aws/route53/resolver');
  });
});
