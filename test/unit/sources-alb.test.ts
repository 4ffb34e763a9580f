// ALB access log parser (src/sources/alb). Oracles: the entry examples, field table and file-name example of
// the ELB user guide page in ../shared/corpora/aws-docs/alb-access-logs, and the fact sheet's example (§7.3).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALB_COLUMNS, alb, detectAlb, parseAlb } from '../../src/sources/alb/format.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { codeBlocks } from '../fixtures/sources/corpus.js';

const PAGE = 'aws-docs/alb-access-logs/load-balancer-access-logs.md';
const TG = 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067';

/** The doc shows each entry wrapped over several lines "to make them easier to read": one line each here. */
function docEntries(): string[] {
  return codeBlocks(PAGE)
    .filter((b) => /^(https?|h2|wss?) \d{4}-/.test(b.trim()))
    .map((b) =>
      b
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(' '),
    );
}

const us = (iso: string) => Date.parse(iso) * 1000 + Number((/\.\d{3}(\d{3})Z$/.exec(iso) ?? ['', '0'])[1]);

describe('alb: AWS doc example entries (load-balancer-access-logs.md)', () => {
  const entries = docEntries();
  const parsed = entries.map((e) => parseAlb(e));

  it('seven documented entries (HTTP, HTTPS, HTTP/2, WebSockets, secured WebSockets, Lambda ok, Lambda failed), no problems', () => {
    assert.equal(entries.length, 7);
    for (const p of parsed) {
      assert.deepEqual(p.problems, []);
      assert.equal(p.events.length, 1);
    }
    assert.deepEqual(parsed.map((p) => p.events[0].columns.type), ['http', 'https', 'h2', 'ws', 'wss', 'http', 'http']);
  });

  it('HTTP entry: every field', () => {
    const e = parsed[0].events[0];
    assert.equal(e.message, entries[0]);
    assert.equal(e.timestamp, Date.UTC(2018, 6, 2, 22, 23, 0, 186));
    assert.deepEqual(e.columns, {
      type: 'http',
      time: us('2018-07-02T22:23:00.186641Z'),
      elb: 'app/my-loadbalancer/50dc6c495c0c9188',
      client_ip: '192.168.131.39',
      client_port: 2817,
      target_ip: '10.0.0.1',
      target_port: 80,
      request_processing_time: 0,
      target_processing_time: 0.001,
      response_processing_time: 0,
      elb_status_code: 200,
      target_status_code: 200,
      received_bytes: 34,
      sent_bytes: 366,
      request_verb: 'GET',
      request_url: 'http://www.example.com:80/',
      request_proto: 'HTTP/1.1',
      user_agent: 'curl/7.46.0',
      ssl_cipher: null,
      ssl_protocol: null,
      target_group_arn: TG,
      trace_id: 'Root=1-58337262-36d228ad5d99923122bbe354',
      domain_name: null,
      chosen_cert_arn: null,
      matched_rule_priority: 0,
      request_creation_time: us('2018-07-02T22:22:48.364000Z'),
      actions_executed: 'forward',
      redirect_url: null,
      lb_error_reason: null,
      target_port_list: '10.0.0.1:80',
      target_status_code_list: '200',
      classification: null,
      classification_reason: null,
    });
  });

  it('HTTPS entry: TLS cipher and protocol, SNI domain, certificate, rule priority, two actions', () => {
    const c = parsed[1].events[0].columns;
    assert.equal(c.request_processing_time, 0.086);
    assert.equal(c.target_processing_time, 0.048);
    assert.equal(c.response_processing_time, 0.037);
    assert.equal(c.ssl_cipher, 'ECDHE-RSA-AES128-GCM-SHA256');
    assert.equal(c.ssl_protocol, 'TLSv1.2');
    assert.equal(c.domain_name, 'www.example.com');
    assert.equal(c.chosen_cert_arn, 'arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012');
    assert.equal(c.matched_rule_priority, 1);
    assert.equal(c.actions_executed, 'authenticate,forward');
    assert.equal(c.request_url, 'https://www.example.com:443/');
  });

  it('HTTP/2 entry with a redirect', () => {
    const c = parsed[2].events[0].columns;
    assert.equal(c.request_proto, 'HTTP/2.0');
    assert.equal(c.actions_executed, 'redirect');
    assert.equal(c.redirect_url, 'https://example.com:80/');
    assert.equal(c.client_port, 48160);
  });

  it('WebSockets entries: 101 status codes, user agent "-" is NULL', () => {
    for (const i of [3, 4]) {
      const c = parsed[i].events[0].columns;
      assert.equal(c.elb_status_code, 101);
      assert.equal(c.target_status_code, 101);
      assert.equal(c.user_agent, null);
    }
    assert.match(String(parsed[4].events[0].columns.target_group_arn), /us-west-2/);
  });

  it('Lambda targets: target "-" is NULL; the failed one has 502, target status "-" and an error reason', () => {
    const ok = parsed[5].events[0].columns;
    assert.equal(ok.target_ip, null);
    assert.equal(ok.target_port, null);
    assert.equal(ok.target_port_list, null);
    const failed = parsed[6].events[0].columns;
    assert.equal(failed.elb_status_code, 502);
    assert.equal(failed.target_status_code, null);
    assert.equal(failed.lb_error_reason, 'LambdaInvalidResponse');
  });

  it('the documented file name gives account, region, load balancer, interval end and node address', () => {
    const name = codeBlocks(PAGE).find((b) => b.startsWith('s3://'))!.trim();
    const out = parseAlb(entries[0], name);
    assert.deepEqual(out.fileInfo, {
      service: 'elasticloadbalancing',
      accountId: '123456789012',
      region: 'us-east-2',
      loadBalancer: 'app/my-loadbalancer/1234567890abcdef',
      time: Date.UTC(2014, 1, 15, 23, 40),
      nodeIp: '172.160.001.192',
    });
  });

  it('every field of the doc’s syntax table has a column', () => {
    const table = codeBlocks(PAGE).join('\n');
    assert.ok(table.length > 0);
    for (const f of ['type', 'time', 'elb', 'request_processing_time', 'target_processing_time', 'response_processing_time', 'elb_status_code', 'target_status_code', 'received_bytes', 'sent_bytes', 'user_agent', 'ssl_cipher', 'ssl_protocol', 'target_group_arn', 'trace_id', 'domain_name', 'chosen_cert_arn', 'matched_rule_priority', 'request_creation_time', 'actions_executed', 'redirect_url', 'target_status_code_list', 'classification', 'classification_reason']) {
      assert.ok(ALB_COLUMNS.some((c) => c.name === f), f);
    }
    for (const f of ['client_ip', 'client_port', 'target_ip', 'target_port', 'request_verb', 'request_url', 'request_proto', 'lb_error_reason', 'target_port_list']) {
      assert.ok(ALB_COLUMNS.some((c) => c.name === f), f);
    }
  });
});

describe('alb: newer and unusual entries', () => {
  const base =
    'https 2024-03-01T10:00:00.123456Z app/web/0123456789abcdef 203.0.113.7:51000 10.0.1.20:8443 0.001 0.020 0.000 200 200 512 2048 "POST https://shop.example.com:443/cart?id=1 HTTP/1.1" "Mozilla/5.0 (X11; Linux x86_64) \\"quoted\\" agent" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ' +
    TG +
    ' "Root=1-65e1a5a0-0123456789abcdef01234567" "shop.example.com" "session-reused" 5 2024-03-01T10:00:00.100000Z "waf,forward" "-" "-" "10.0.1.20:8443" "200" "Acceptable" "SpaceInUri" TID_0123456789abcdef';

  it('conn_trace_id (newer field), classification, quoted user agent with spaces and escaped quotes', () => {
    const out = parseAlb(base);
    assert.deepEqual(out.problems, []);
    const c = out.events[0].columns;
    assert.equal(c.user_agent, 'Mozilla/5.0 (X11; Linux x86_64) "quoted" agent');
    assert.equal(c.request_verb, 'POST');
    assert.equal(c.request_url, 'https://shop.example.com:443/cart?id=1');
    assert.equal(c.chosen_cert_arn, 'session-reused');
    assert.equal(c.classification, 'Acceptable');
    assert.equal(c.classification_reason, 'SpaceInUri');
    assert.equal(c.conn_trace_id, 'TID_0123456789abcdef');
  });

  it('fields AWS adds later are read when known and ignored beyond the known list', () => {
    const out = parseAlb(`${base} "rewritten.example.com" "/new" "TransformSuccess" "future-field" 42`);
    assert.deepEqual(out.problems, []);
    assert.equal(out.events[0].columns.transformed_host, 'rewritten.example.com');
    assert.equal(out.events[0].columns.request_transform_status, 'TransformSuccess');
  });

  it('a malformed request ("- - - "), -1 processing times, status 460 with no target', () => {
    const line =
      'http 2024-03-01T10:00:00.000000Z app/web/0123456789abcdef 198.51.100.9:40000 - -1 -1 -1 460 - 0 0 "- - - " "-" - - - "-" "-" "-" - 2024-03-01T09:59:59.000000Z "-" "-" "-" "-" "-" "-" "-"';
    const out = parseAlb(line);
    assert.deepEqual(out.problems, []);
    const c = out.events[0].columns;
    assert.equal(c.request_processing_time, -1);
    assert.equal(c.elb_status_code, 460);
    assert.equal(c.request_verb, null);
    assert.equal(c.request_url, null);
    assert.equal(c.target_group_arn, null);
    assert.equal(c.matched_rule_priority, null);
  });

  it('IPv6 client address and an anonymised IPv4 target', () => {
    const line = base.replace('203.0.113.7:51000', '2001:db8::7:51000').replace('10.0.1.20:8443 0.001', '010.000.001.020:8443 0.001');
    const c = parseAlb(line).events[0].columns;
    assert.equal(c.client_ip, '2001:db8::7');
    assert.equal(c.client_port, 51000);
    assert.equal(c.target_ip, '010.000.001.020');
  });

  it('broken lines: unclosed quote, too few fields, not ALB — each a problem with its line; the rest parsed', () => {
    const good = docEntries()[0];
    const out = parseAlb([good, 'http 2018-07-02T22:23:00.186641Z app/x "unclosed', 'http 2018', 'GET / HTTP/1.1 200 - - - - - - - - - - - -', good].join('\n'));
    assert.equal(out.events.length, 2);
    assert.deepEqual(
      out.problems.map((p) => p.line),
      [2, 3, 4],
    );
  });
});

describe('alb: columns and detection', () => {
  it('columns: unique, valid, no clash with the common columns', () => {
    const names = ALB_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(/^[a-z_][a-z0-9_]*$/.test(n) && !COMMON_COLUMNS.includes(n), n);
    assert.equal(alb.table, 'events_alb');
  });

  it('detect: every doc entry; not other text', () => {
    for (const e of docEntries()) assert.ok(detectAlb(e));
    assert.ok(!detectAlb('http://example.com is a URL'));
    assert.ok(!detectAlb('2 123456789010 eni-1 - - - - - - - 1 2 - NODATA'));
  });
});
