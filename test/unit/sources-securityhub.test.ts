// Security Hub (ASFF) findings parser (src/sources/securityhub). Oracles: the EventBridge event formats and
// required-attribute examples of the Security Hub user guide (../shared/corpora/aws-docs/securityhub-asff),
// Panther's ASFF test events (panther_tests.jsonl, AWS.SecurityFindingFormat), and the GetFindings fixture.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SECURITYHUB_COLUMNS, asffLabelFromNormalized, detectSecurityHub, parseSecurityHub, securityhub } from '../../src/sources/securityhub/format.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { codeBlocks, pantherEvents, readFixture } from '../fixtures/sources/corpus.js';

const RESPONSE = readFixture('securityhub/getfindings-response.json');
const FINDINGS = (JSON.parse(RESPONSE) as { Findings: Record<string, unknown>[] }).Findings;

/** The doc's "Security Hub Findings - Imported" event with findings in place of <finding content>. */
function imported(findings: Record<string, unknown>[]): string {
  const block = codeBlocks('aws-docs/securityhub-asff/securityhub-cwe-event-formats.md').find((b) => b.includes('Security Hub Findings - Imported'))!;
  return block.replace(/\[\{\s*<finding content>\s*\}\]/, JSON.stringify(findings));
}

describe('securityhub: GetFindings response (fixture) and EventBridge events (securityhub-cwe-event-formats.md)', () => {
  const out = parseSecurityHub(RESPONSE);

  it('one event per finding, the message is the finding, no problems', () => {
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 2);
    out.events.forEach((e, i) => assert.deepEqual(JSON.parse(e.message), FINDINGS[i]));
    assert.ok(detectSecurityHub(RESPONSE.slice(0, 1024)));
  });

  it('the minimal finding (fact sheet §9.1): every column', () => {
    const e = out.events[0];
    assert.equal(e.timestamp, Date.UTC(2024, 0, 1));
    assert.deepEqual(e.columns, {
      finding_id: 'us-east-1/123456789012/finding-1',
      product_arn: 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default',
      product_name: null,
      company_name: null,
      generator_id: 'cis-4.3-root-usage',
      aws_account_id: '123456789012',
      region: null,
      finding_type: 'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark',
      title: 'Root account used',
      severity_label: 'HIGH',
      severity_normalized: null,
      created_at: Date.UTC(2024, 0, 1),
      updated_at: Date.UTC(2024, 0, 1),
      first_observed_at: null,
      last_observed_at: null,
      processed_at: null,
      workflow_status: 'NEW',
      record_state: 'ACTIVE',
      compliance_status: null,
      security_control_id: null,
      verification_state: null,
      resource_type: 'AwsAccount',
      resource_id: 'AWS::::Account:123456789012',
      schema_version: '2018-10-08',
      confidence: null,
      criticality: null,
    });
  });

  it('the security-control finding (asff-required-attributes.md examples): compliance, severity, resource', () => {
    const c = out.events[1].columns;
    assert.equal(c.generator_id, 'security-control/Config.1');
    assert.equal(c.severity_label, 'CRITICAL');
    assert.equal(c.severity_normalized, 90);
    assert.equal(c.compliance_status, 'FAILED');
    assert.equal(c.security_control_id, 'Config.1');
    assert.equal(c.resource_type, 'AwsEc2Instance');
    assert.equal(c.workflow_status, 'NOTIFIED');
    assert.equal(c.first_observed_at, Date.parse('2017-03-22T13:22:13.933Z'));
    assert.equal(out.events[1].timestamp, Date.parse('2017-04-22T13:22:13.933Z'));
  });

  it('"Security Hub Findings - Imported" event: findings come from detail.findings', () => {
    const text = imported(FINDINGS);
    assert.ok(detectSecurityHub(text.slice(0, 1024)));
    const r = parseSecurityHub(text);
    assert.deepEqual(r.problems, []);
    assert.equal(r.events.length, 2);
    assert.equal(r.events[0].message, JSON.stringify(FINDINGS[0]));
  });

  it('BatchImportFindings body, a single finding, a bare array, one finding per line', () => {
    assert.equal(parseSecurityHub(JSON.stringify({ Findings: [FINDINGS[0]] })).events.length, 1);
    assert.equal(parseSecurityHub(JSON.stringify(FINDINGS[1])).events.length, 1);
    assert.equal(parseSecurityHub(JSON.stringify(FINDINGS)).events.length, 2);
    const nd = parseSecurityHub(FINDINGS.map((f) => JSON.stringify(f)).join('\n'));
    assert.equal(nd.events[1].message, JSON.stringify(FINDINGS[1]));
  });
});

describe('securityhub: Panther test events (panther_tests.jsonl, AWS.SecurityFindingFormat)', () => {
  it('all 10 parse without problems, are detected, and take the label from FindingProviderFields', () => {
    const tests = pantherEvents('AWS.SecurityFindingFormat');
    assert.equal(tests.length, 10);
    for (const t of tests) {
      const text = JSON.stringify(t.log);
      const out = parseSecurityHub(text);
      assert.deepEqual(out.problems, [], t.test_name);
      assert.deepEqual(out.warnings, [], t.test_name);
      assert.equal(out.events[0].columns.finding_id, t.log.Id);
      assert.equal(out.events[0].columns.severity_label, (t.log.FindingProviderFields as { Severity: { Label: string } }).Severity.Label);
      assert.ok(detectSecurityHub(text.slice(0, 1024)), t.test_name);
    }
  });
});

describe('securityhub: severity, damage, columns', () => {
  it('Normalized → label (0 / 1-39 / 40-69 / 70-89 / 90-100)', () => {
    assert.deepEqual([0, 1, 39, 40, 69, 70, 89, 90, 100].map(asffLabelFromNormalized), ['INFORMATIONAL', 'LOW', 'LOW', 'MEDIUM', 'MEDIUM', 'HIGH', 'HIGH', 'CRITICAL', 'CRITICAL']);
    const c = parseSecurityHub(JSON.stringify({ ...FINDINGS[0], Severity: { Normalized: 55 } })).events[0].columns;
    assert.equal(c.severity_label, 'MEDIUM');
  });

  it('not a finding, broken JSON: problems, never an exception', () => {
    const out = parseSecurityHub('{"Id":1}\n{broken');
    assert.equal(out.events.length, 0);
    assert.equal(out.problems.length, 2);
  });

  it('columns: unique, valid, no clash with the common columns', () => {
    const names = SECURITYHUB_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(/^[a-z_][a-z0-9_]*$/.test(n) && !COMMON_COLUMNS.includes(n), n);
    assert.equal(securityhub.table, 'events_securityhub');
  });
});
