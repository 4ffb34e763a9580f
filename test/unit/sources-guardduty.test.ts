// GuardDuty findings parser (src/sources/guardduty). Oracles: the EventBridge envelope and severity table of
// the GuardDuty user guide (../shared/corpora/aws-docs/guardduty), Panther's GuardDuty test events
// (panther_tests.jsonl, AWS.GuardDuty), and the GetFindings fixture (test/fixtures/sources/guardduty, see README).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GUARDDUTY_COLUMNS, detectGuardDuty, guardDutySeverityLabel, guardduty, parseGuardDuty } from '../../src/sources/guardduty/format.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { codeBlocks, pantherEvents, readCorpus, readFixture } from '../fixtures/sources/corpus.js';

const RESPONSE = readFixture('guardduty/getfindings-response.json');
const FINDINGS = (JSON.parse(RESPONSE) as { findings: Record<string, unknown>[] }).findings;

/** The doc's EventBridge event with a finding in place of {GUARDDUTY_FINDING_JSON_OBJECT}. */
function envelope(finding: Record<string, unknown>): string {
  const block = codeBlocks('aws-docs/guardduty/guardduty_findings_cloudwatch.md').find((b) => b.includes('GUARDDUTY_FINDING_JSON_OBJECT'))!;
  return block.replace('{GUARDDUTY_FINDING_JSON_OBJECT}', JSON.stringify(finding));
}

describe('guardduty: GetFindings response (fixture) and EventBridge events (guardduty_findings_cloudwatch.md)', () => {
  const out = parseGuardDuty(RESPONSE);

  it('one event per finding, the message is the finding, no problems', () => {
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 4);
    out.events.forEach((e, i) => assert.deepEqual(JSON.parse(e.message), FINDINGS[i]));
    assert.ok(detectGuardDuty(RESPONSE.slice(0, 1024)));
  });

  it('API-call finding (fact sheet §8.3): identity, API, remote IP, times', () => {
    const e = out.events[0];
    assert.equal(e.timestamp, Date.UTC(2024, 0, 1, 0, 6));
    assert.deepEqual(
      {
        finding_type: e.columns.finding_type,
        severity: e.columns.severity,
        severity_label: e.columns.severity_label,
        account_id: e.columns.account_id,
        region: e.columns.region,
        resource_type: e.columns.resource_type,
        access_key_id: e.columns.access_key_id,
        user_name: e.columns.user_name,
        action_type: e.columns.action_type,
        api: e.columns.api,
        api_service_name: e.columns.api_service_name,
        remote_ip: e.columns.remote_ip,
        remote_country: e.columns.remote_country,
        count: e.columns.count,
        archived: e.columns.archived,
        event_first_seen: e.columns.event_first_seen,
        feature_name: e.columns.feature_name,
      },
      {
        finding_type: 'Recon:IAMUser/MaliciousIPCaller',
        severity: 5,
        severity_label: 'Medium',
        account_id: '123456789012',
        region: 'us-east-1',
        resource_type: 'AccessKey',
        access_key_id: 'ASIAIOSFODNN7EXAMPLE',
        user_name: 'alice',
        action_type: 'AWS_API_CALL',
        api: 'ListBuckets',
        api_service_name: 's3.amazonaws.com',
        remote_ip: '198.51.100.1',
        remote_country: 'Exampleland',
        count: 1,
        archived: false,
        event_first_seen: Date.UTC(2024, 0, 1),
        feature_name: 'CloudTrail',
      },
    );
  });

  it('network connection, DNS request and port probe findings: instance, remote IP from whichever action', () => {
    const [, ssh, dns, probe] = out.events.map((e) => e.columns);
    assert.equal(ssh.instance_id, 'i-99999999');
    assert.equal(ssh.action_type, 'NETWORK_CONNECTION');
    assert.equal(ssh.remote_ip, '192.0.2.200');
    assert.equal(ssh.count, 14);
    assert.equal(dns.action_type, 'DNS_REQUEST');
    assert.equal(dns.remote_ip, null);
    assert.equal(dns.archived, true);
    assert.equal(dns.severity_label, 'High');
    assert.equal(probe.remote_ip, '192.0.2.200');
    assert.equal(probe.severity_label, 'Low');
  });

  it('the same finding in the doc’s EventBridge event: detected and read from detail', () => {
    const text = envelope(FINDINGS[0]);
    assert.ok(detectGuardDuty(text.slice(0, 1024)));
    const e = parseGuardDuty(text).events;
    assert.equal(e.length, 1);
    assert.equal(e[0].message, JSON.stringify(FINDINGS[0]));
    // several envelopes, one per line (an EventBridge → CloudWatch Logs export)
    const lines = FINDINGS.map((f) => JSON.stringify(JSON.parse(envelope(f)))).join('\n');
    assert.equal(parseGuardDuty(lines).events.length, 4);
  });

  it('a single finding, a bare array, and one finding per line', () => {
    assert.equal(parseGuardDuty(JSON.stringify(FINDINGS[1])).events.length, 1);
    assert.equal(parseGuardDuty(JSON.stringify(FINDINGS)).events.length, 4);
    const ndjson = FINDINGS.map((f) => JSON.stringify(f)).join('\n');
    const out2 = parseGuardDuty(ndjson);
    assert.equal(out2.events.length, 4);
    assert.equal(out2.events[2].message, JSON.stringify(FINDINGS[2]));
  });
});

describe('guardduty: severity levels (guardduty_findings.md)', () => {
  it('the documented bands: High 7.0-8.9, Medium 4.0-6.9, Low 1.0-3.9 (and Critical 9-10 for attack sequences)', () => {
    const page = readCorpus('aws-docs/guardduty/guardduty_findings.md');
    assert.match(page, /\*\*High\*\*\s+\|\s+8\\\.9 \\- 7\\\.0/);
    assert.deepEqual([8.9, 7.0, 6.9, 4.0, 3.9, 1.0, 9.0].map(guardDutySeverityLabel), ['High', 'High', 'Medium', 'Medium', 'Low', 'Low', 'Critical']);
  });
});

describe('guardduty: Panther test events (panther_tests.jsonl, AWS.GuardDuty)', () => {
  it('all 8 parse without problems or warnings and are detected', () => {
    const tests = pantherEvents('AWS.GuardDuty');
    assert.equal(tests.length, 8);
    for (const t of tests) {
      const text = JSON.stringify(t.log);
      const out = parseGuardDuty(text);
      assert.deepEqual(out.problems, [], t.test_name);
      assert.deepEqual(out.warnings, [], t.test_name);
      assert.equal(out.events.length, 1);
      assert.equal(out.events[0].columns.finding_type, t.log.type);
      assert.ok(detectGuardDuty(text.slice(0, 1024)), t.test_name);
    }
  });
});

describe('guardduty: edge cases and columns', () => {
  it('not a finding, or broken JSON: problems, never an exception', () => {
    const out = parseGuardDuty('{"hello":1}\n[1,2]\n{broken');
    assert.equal(out.events.length, 0);
    assert.equal(out.problems.length, 4);
  });

  it('no usable time: kept with a warning', () => {
    const f = { ...FINDINGS[0], createdAt: 'x', updatedAt: undefined, service: { eventLastSeen: null } };
    const out = parseGuardDuty(JSON.stringify(f), undefined, { fallbackTimestamp: 11 });
    assert.equal(out.events[0].timestamp, 11);
    assert.equal(out.warnings!.length, 1);
  });

  it('columns: unique, valid, no clash with the common columns', () => {
    const names = GUARDDUTY_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(/^[a-z_][a-z0-9_]*$/.test(n) && !COMMON_COLUMNS.includes(n), n);
    assert.equal(guardduty.table, 'events_guardduty');
  });
});
