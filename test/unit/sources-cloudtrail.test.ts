// CloudTrail parser (src/sources/cloudtrail). Oracles: the AWS CloudTrail doc pages in
// ../shared/corpora/aws-docs/cloudtrail (log file, sign-in and digest examples), Panther's CloudTrail test
// events (../shared/corpora/panther-analysis/panther_tests.jsonl), and the demo generator's output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOUDTRAIL_COLUMNS } from '../../src/sources/cloudtrail/columns.js';
import { cloudtrail, detectCloudTrail, parseCloudTrail } from '../../src/sources/cloudtrail/format.js';
import type { ParseOutput } from '../../src/sources/contract.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { codeBlocks, demoMessages, jsonBlocks, pantherEvents, withoutPantherFields } from '../fixtures/sources/corpus.js';

const EXAMPLES = 'aws-docs/cloudtrail/cloudtrail-log-file-examples.md';
const SIGNIN = 'aws-docs/cloudtrail/cloudtrail-event-reference-aws-console-sign-in-events.md';
const DIGEST = 'aws-docs/cloudtrail/cloudtrail-log-file-validation-digest-file-structure.md';

function one(out: ParseOutput) {
  assert.deepEqual(out.problems, []);
  assert.equal(out.events.length, 1);
  return out.events[0];
}

describe('cloudtrail: AWS doc log file examples (cloudtrail-log-file-examples.md)', () => {
  const blocks = jsonBlocks(EXAMPLES);

  it('has the eight documented examples, all of which parse without problems', () => {
    assert.equal(blocks.length, 8);
    for (const b of blocks) assert.deepEqual(parseCloudTrail(b).problems, []);
  });

  it('StartInstances by IAM user Alice: documented values', () => {
    const e = one(parseCloudTrail(blocks[0]));
    assert.equal(e.timestamp, Date.UTC(2014, 2, 6, 21, 22, 54));
    assert.equal(e.columns.event_time, Date.UTC(2014, 2, 6, 21, 22, 54));
    assert.equal(e.columns.event_version, '1.0');
    assert.equal(e.columns.event_source, 'ec2.amazonaws.com');
    assert.equal(e.columns.event_name, 'StartInstances');
    assert.equal(e.columns.aws_region, 'us-east-2');
    assert.equal(e.columns.source_ip, '205.251.233.176');
    assert.equal(e.columns.user_agent, 'ec2-api-tools 1.6.12.2');
    assert.equal(e.columns.user_type, 'IAMUser');
    assert.equal(e.columns.user_arn, 'arn:aws:iam::123456789012:user/Alice');
    assert.equal(e.columns.user_account_id, '123456789012');
    assert.equal(e.columns.user_principal_id, 'EX_PRINCIPAL_ID');
    assert.equal(e.columns.user_access_key_id, 'EXAMPLE_KEY_ID');
    assert.equal(e.columns.user_name, 'Alice');
    assert.equal(e.columns.error_code, null);
    // eventVersion 1.0 records have none of the later fields
    assert.equal(e.columns.event_id, null);
    assert.equal(e.columns.event_type, null);
  });

  it('a record from a pretty-printed Records array is stored as compact JSON of that record', () => {
    const e = one(parseCloudTrail(blocks[1]));
    assert.ok(!/\n/.test(e.message));
    assert.deepEqual(JSON.parse(e.message), (JSON.parse(blocks[1]) as { Records: unknown[] }).Records[0]);
    assert.deepEqual(e.record, JSON.parse(e.message));
  });

  it('CreateKeyPair from the console backend: session context MFA flag', () => {
    const e = one(parseCloudTrail(blocks[2]));
    assert.equal(e.columns.event_name, 'CreateKeyPair');
    assert.equal(e.columns.session_mfa, 'false');
    assert.equal(e.columns.source_ip, '72.21.198.64');
  });

  it('CreateUser and AddUserToGroup (responseElements null) from IAM', () => {
    const a = one(parseCloudTrail(blocks[3]));
    assert.equal(a.columns.event_name, 'CreateUser');
    assert.equal(a.columns.event_source, 'iam.amazonaws.com');
    assert.equal(a.columns.user_agent, 'aws-cli/1.3.2 Python/2.7.5 Windows/7');
    const b = one(parseCloudTrail(blocks[4]));
    assert.equal(b.columns.event_name, 'AddUserToGroup');
    assert.equal(b.columns.user_agent, 'AWSConsole');
    assert.equal(b.timestamp, Date.UTC(2014, 2, 25, 21, 8, 14));
  });

  it('CreateRole: the doc wraps a string value across lines (not valid JSON); the record is still read', () => {
    const e = one(parseCloudTrail(blocks[5]));
    assert.equal(e.columns.event_name, 'CreateRole');
    assert.equal((e.record!.requestParameters as Record<string, unknown>).roleName, 'TestRole');
  });

  it('UpdateTrail error example: errorCode, errorMessage, requestID, eventID, eventType, recipientAccountId', () => {
    const e = one(parseCloudTrail(blocks[6]));
    assert.equal(e.columns.event_version, '1.04');
    assert.equal(e.columns.error_code, 'TrailNotFoundException');
    assert.equal(e.columns.error_message, 'Unknown trail: myTrail2 for the user: 123456789012');
    assert.equal(e.columns.request_id, '5d40662a-49f7-11e6-97e4-d9cb6ff7d6a3');
    assert.equal(e.columns.event_id, 'b7d4398e-b2f0-4faa-9c76-e2d316a8d67f');
    assert.equal(e.columns.event_type, 'AwsApiCall');
    assert.equal(e.columns.recipient_account_id, '123456789012');
    assert.equal(e.columns.user_agent, 'aws-cli/1.10.32 Python/2.7.9 Windows/7 botocore/1.4.22');
  });

  it('Insights example: a Start/End pair sharing sharedEventID, no userIdentity', () => {
    const out = parseCloudTrail(blocks[7]);
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 2);
    const [start, end] = out.events;
    for (const e of out.events) {
      assert.equal(e.columns.event_type, 'AwsCloudTrailInsight');
      assert.equal(e.columns.event_category, 'Insight');
      assert.equal(e.columns.insight_type, 'ApiCallRateInsight');
      assert.equal(e.columns.insight_event_source, 'ssm.amazonaws.com');
      assert.equal(e.columns.insight_event_name, 'UpdateInstanceInformation');
      assert.equal(e.columns.shared_event_id, 'EXAMPLE2-1729-42f1-b735-5d8c0EXAMPLE');
      assert.equal(e.columns.user_type, null);
      assert.equal(e.columns.event_name, null);
    }
    assert.equal(start.columns.insight_state, 'Start');
    assert.equal(end.columns.insight_state, 'End');
    assert.equal(end.timestamp - start.timestamp, 60_000);
  });

  it('the documented file name gives account, region and delivery time', () => {
    const out = parseCloudTrail(blocks[0], 'AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/01/111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz');
    assert.deepEqual(out.fileInfo, { service: 'CloudTrail', accountId: '111122223333', region: 'us-east-2', time: Date.UTC(2015, 7, 1, 2, 10) });
  });
});

describe('cloudtrail: AWS doc console sign-in examples (cloudtrail-event-reference-aws-console-sign-in-events.md)', () => {
  const blocks = jsonBlocks(SIGNIN);
  const events = blocks.map((b) => one(parseCloudTrail(b)));

  it('has the ten documented examples', () => {
    assert.equal(blocks.length, 10);
  });

  it('IAM user successful sign-in without MFA (Records file)', () => {
    const c = events[0].columns;
    assert.equal(c.event_name, 'ConsoleLogin');
    assert.equal(c.event_source, 'signin.amazonaws.com');
    assert.equal(c.event_type, 'AwsConsoleSignIn');
    assert.equal(c.console_login_result, 'Success');
    assert.equal(c.mfa_used, 'No');
    assert.equal(c.user_name, 'anaya');
    assert.equal(c.source_ip, '192.0.2.0');
    assert.equal(events[0].timestamp, Date.UTC(2022, 10, 10, 16, 24, 34));
  });

  it('IAM user successful sign-in with MFA', () => {
    assert.equal(events[1].columns.mfa_used, 'Yes');
    assert.equal(events[1].columns.recipient_account_id, '111122223333');
  });

  it('IAM user failed sign-in: Failure, Failed authentication, empty accessKeyId kept as given', () => {
    const c = events[2].columns;
    assert.equal(c.console_login_result, 'Failure');
    assert.equal(c.error_message, 'Failed authentication');
    assert.equal(c.user_access_key_id, '');
    assert.equal(c.user_arn, null);
  });

  it('CheckMfa events, root sign-ins (MFAUsed "YES" kept as written), EnableMFADevice, PasswordUpdated', () => {
    assert.equal(events[3].columns.event_name, 'CheckMfa');
    assert.equal(events[4].columns.event_name, 'CheckMfa');
    assert.equal(events[5].columns.user_type, 'Root');
    assert.equal(events[5].columns.user_arn, 'arn:aws:iam::111122223333:root');
    assert.equal(events[6].columns.mfa_used, 'YES');
    assert.equal(events[7].columns.console_login_result, 'Failure');
    assert.equal(events[8].columns.event_name, 'EnableMFADevice');
    assert.equal(events[8].columns.read_only, false);
    assert.equal(events[8].columns.request_id, 'EXAMPLE4-2cf7-4a44-af00-f61f0EXAMPLE');
    assert.equal(events[9].columns.event_name, 'PasswordUpdated');
  });
});

describe('cloudtrail: userIdentity types (cloudtrail-event-reference-user-identity.md, fact sheet §6.2)', () => {
  // The page shows `"userIdentity": {…}` fragments; the first three are complete once wrapped in a record.
  const fragments = codeBlocks('aws-docs/cloudtrail/cloudtrail-event-reference-user-identity.md')
    .filter((b) => b.trim().startsWith('"userIdentity"'))
    .slice(0, 3);
  const record = (fragment: string) => `{"eventVersion":"1.08","eventTime":"2021-02-21T23:46:28Z","eventSource":"sts.amazonaws.com","eventName":"GetCallerIdentity",${fragment}}`;

  it('IAMUser, AssumedRole (user_name = the role, from the session issuer) and WebIdentityUser fragments', () => {
    const [iam, role, web] = fragments.map((f) => one(parseCloudTrail(record(f))).columns);
    assert.equal(iam.user_type, 'IAMUser');
    assert.equal(iam.user_name, 'Alice');
    assert.equal(role.user_type, 'AssumedRole');
    assert.equal(role.user_arn, 'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySessionName');
    assert.equal(role.user_name, 'RoleToBeAssumed');
    assert.equal(role.session_issuer_arn, 'arn:aws:iam::123456789012:role/RoleToBeAssumed');
    assert.equal(role.session_mfa, 'false');
    assert.equal(web.user_type, 'WebIdentityUser');
    assert.equal(web.user_name, 'user-id');
    assert.equal(web.user_principal_id, 'accounts.google.com:application-id.apps.googleusercontent.com:user-id');
  });

  it('every other type reads the same way: Root, Role, FederatedUser, SAMLUser, Directory, AWSAccount, AWSService, Unknown, IdentityCenterUser', () => {
    for (const type of ['Root', 'Role', 'FederatedUser', 'SAMLUser', 'Directory', 'AWSAccount', 'AWSService', 'Unknown', 'IdentityCenterUser']) {
      const ui = { type, principalId: 'P', accountId: '123456789012', invokedBy: type === 'AWSService' ? 'ec2.amazonaws.com' : undefined, userName: type === 'SAMLUser' ? 'saml-user' : undefined };
      const c = one(parseCloudTrail(record(`"userIdentity":${JSON.stringify(ui)}`))).columns;
      assert.equal(c.user_type, type);
      assert.equal(c.user_account_id, '123456789012');
      if (type === 'AWSService') assert.equal(c.user_invoked_by, 'ec2.amazonaws.com');
      if (type === 'SAMLUser') assert.equal(c.user_name, 'saml-user');
    }
  });
});

describe('cloudtrail: digest files (cloudtrail-log-file-validation-digest-file-structure.md)', () => {
  const digests = jsonBlocks(DIGEST);

  it('both documented digests are recognised as digests: no events, the document returned', () => {
    assert.equal(digests.length, 2);
    for (const d of digests) {
      const out = parseCloudTrail(d);
      assert.equal(out.kind, 'cloudtrail-digest');
      assert.equal(out.events.length, 0);
      assert.deepEqual(out.problems, []);
      assert.equal(typeof out.digest?.digestEndTime, 'string');
    }
    assert.deepEqual(parseCloudTrail(digests[1]).digest?.logFiles, []);
  });

  it('a digest file name gives trail, home region and digest end time', () => {
    const name = 'AWSLogs/111122223333/CloudTrail-Digest/us-east-2/2015/08/17/111122223333_CloudTrail-Digest_us-east-2_your-trail-name_us-east-2_20150817T150131Z.json.gz';
    const out = parseCloudTrail(digests[0], name);
    assert.equal(out.kind, 'cloudtrail-digest');
    assert.deepEqual(out.fileInfo, {
      service: 'CloudTrail-Digest',
      accountId: '111122223333',
      region: 'us-east-2',
      trailName: 'your-trail-name',
      homeRegion: 'us-east-2',
      time: Date.UTC(2015, 7, 17, 15, 1, 31),
    });
    assert.ok(detectCloudTrail(digests[0].slice(0, 1024), name));
  });

  it('digest blocks in the page that are not JSON (signatures) are not claimed', () => {
    for (const b of codeBlocks(DIGEST).filter((x) => !/^\s*\{/.test(x))) assert.equal(detectCloudTrail(b.slice(0, 1024)), false);
  });
});

describe('cloudtrail: Panther test events (panther_tests.jsonl, AWS.CloudTrail)', () => {
  const tests = pantherEvents('AWS.CloudTrail');

  it('all 461 events parse to one event each, without problems', () => {
    assert.equal(tests.length, 461);
    for (const t of tests) {
      const out = parseCloudTrail(JSON.stringify(t.log));
      assert.deepEqual(out.problems, [], t.test_name);
      assert.equal(out.events.length, 1, t.test_name);
    }
  });

  it('every userIdentity type in the corpus lands in user_type; user_name falls back to the session issuer', () => {
    const types = new Set<string>();
    for (const t of tests) {
      const e = parseCloudTrail(JSON.stringify(t.log)).events[0];
      if (typeof e.columns.user_type === 'string') types.add(e.columns.user_type);
      const ui = t.log.userIdentity as Record<string, unknown> | undefined;
      const issuer = (ui?.sessionContext as Record<string, Record<string, unknown>> | undefined)?.sessionIssuer;
      if (ui && typeof ui.userName !== 'string' && typeof issuer?.userName === 'string') assert.equal(e.columns.user_name, issuer.userName, t.test_name);
    }
    for (const ty of ['AssumedRole', 'IAMUser', 'Root', 'AWSAccount', 'FederatedUser', 'Unknown', 'AWSService']) assert.ok(types.has(ty), ty);
  });

  it('exactText columns hold the value at their field path exactly when it is a JSON string (Insights reads them instead of the message)', () => {
    const exact = CLOUDTRAIL_COLUMNS.filter((c) => c.exactText);
    assert.ok(exact.length >= 30);
    const at = (o: unknown, path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), o);
    // Odd values too: numbers, booleans, objects, nulls where strings usually are.
    const odd = { eventVersion: 1.08, eventName: 42, awsRegion: null, sourceIPAddress: { ip: '1.2.3.4' }, errorCode: true, userIdentity: { type: 'IAMUser', arn: ['x'], accountId: 123456789012 }, eventTime: '2024-01-01T00:00:00Z' };
    let checked = 0;
    for (const log of [...tests.map((t) => t.log), odd]) {
      const e = parseCloudTrail(JSON.stringify(log)).events[0];
      for (const c of exact) {
        assert.ok(!c.derived, c.name);
        const v = at(log, c.field.split('.'));
        assert.equal(e.columns[c.name] ?? null, typeof v === 'string' ? v : null, `${c.name} (${c.field})`);
        checked++;
      }
    }
    assert.ok(checked > 10_000);
  });

  it('eventVersion 1.03 to 1.11 all present and read', () => {
    const versions = new Set(tests.map((t) => parseCloudTrail(JSON.stringify(t.log)).events[0].columns.event_version).filter(Boolean));
    for (const v of ['1.03', '1.04', '1.05', '1.06', '1.08', '1.09', '1.10', '1.11']) assert.ok(versions.has(v), v);
  });

  it('records with AWS key casing (Panther p_* fields removed) are detected as CloudTrail', () => {
    let checked = 0;
    for (const t of tests) {
      if (Object.keys(t.log).some((k) => /^event[a-z]/.test(k))) continue; // Panther-lowercased keys, not AWS's
      assert.ok(detectCloudTrail(JSON.stringify(withoutPantherFields(t.log)).slice(0, 1024)), t.test_name);
      checked++;
    }
    assert.ok(checked > 440);
  });

  it('redacted/absent eventTime: kept with a warning, timestamp from the fallback, event_time NULL', () => {
    const t = tests.find((x) => x.log.eventTime === 'redacted')!;
    const out = parseCloudTrail(JSON.stringify(t.log), undefined, { fallbackTimestamp: 42_000 });
    assert.equal(out.events[0].timestamp, 42_000);
    assert.equal(out.events[0].columns.event_time, null);
    assert.equal(out.events[0].columns.aws_region, 'redacted');
    assert.equal(out.warnings!.length, 1);
  });
});

describe('cloudtrail: demo generator output (src/demo)', () => {
  const demo = demoMessages('/aws/cloudtrail/111122223333');

  it('one record per line, as the CloudWatch Logs integration delivers: all parse, lines kept byte for byte', () => {
    const out = parseCloudTrail(demo.map((d) => d.message).join('\n'));
    assert.deepEqual(out.problems, []);
    assert.deepEqual(out.warnings, []);
    assert.equal(out.events.length, demo.length);
    out.events.forEach((e, i) => {
      assert.equal(e.message, demo[i].message);
      assert.ok(Math.abs(e.timestamp - demo[i].timestamp) < 1000);
    });
  });

  it('the same records in a {"Records":[…]} file: each message is the record’s own text', () => {
    const sample = demo.slice(0, 500);
    const out = parseCloudTrail(`{"Records":[${sample.map((d) => d.message).join(',')}]}`);
    assert.deepEqual(out.problems, []);
    assert.deepEqual(
      out.events.map((e) => e.message),
      sample.map((d) => d.message),
    );
  });

  it('the demo covers console logins, MFA flags, TLS details and several user types', () => {
    const out = parseCloudTrail(demo.map((d) => d.message).join('\n'));
    const cols = out.events.map((e) => e.columns);
    assert.ok(cols.some((c) => c.console_login_result === 'Failure'));
    assert.ok(cols.some((c) => c.mfa_used === 'Yes'));
    assert.ok(cols.some((c) => c.tls_version === 'TLSv1.3'));
    assert.ok(new Set(cols.map((c) => c.user_type)).size >= 4);
    assert.ok(cols.some((c) => c.user_type === 'AssumedRole' && typeof c.user_name === 'string' && typeof c.session_issuer_arn === 'string'));
  });
});

describe('cloudtrail: envelopes and shapes', () => {
  const record = (JSON.parse(jsonBlocks(EXAMPLES)[6]) as { Records: Record<string, unknown>[] }).Records[0];

  it('EventBridge event ("AWS API Call via CloudTrail"): the record is detail', () => {
    const env = { version: '0', id: 'x', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.cloudtrail', account: '123456789012', time: '2016-07-14T19:15:45Z', region: 'us-east-2', resources: [], detail: record };
    const text = JSON.stringify(env);
    assert.ok(detectCloudTrail(text));
    const e = one(parseCloudTrail(text));
    assert.equal(e.message, JSON.stringify(record));
    assert.equal(e.columns.event_name, 'UpdateTrail');
  });

  it('LookupEvents output: the record is the CloudTrailEvent string, kept as the message', () => {
    const inner = JSON.stringify(record);
    const text = JSON.stringify({ Events: [{ EventId: 'b7d4398e', EventName: 'UpdateTrail', CloudTrailEvent: inner }] });
    assert.ok(detectCloudTrail(text));
    const e = one(parseCloudTrail(text));
    assert.equal(e.message, inner);
  });

  it('a one-line Records file with spaces after colons: messages are still compact', () => {
    const out = parseCloudTrail('{"Records":[{"eventVersion": "1.08", "eventID": "a"},{"eventVersion": "1.08", "eventID": "b"}]}');
    assert.deepEqual(
      out.events.map((e) => e.message),
      ['{"eventVersion":"1.08","eventID":"a"}', '{"eventVersion":"1.08","eventID":"b"}'],
    );
  });

  it('a JSON array of records, and an empty Records array', () => {
    const out = parseCloudTrail(JSON.stringify([record, record]));
    assert.equal(out.events.length, 2);
    const empty = parseCloudTrail('{"Records":[]}');
    assert.deepEqual(empty, { events: [], problems: [], warnings: [], kind: 'events' });
    assert.ok(detectCloudTrail('{"Records":[]}'));
  });

  it('CRLF line endings and blank lines between records', () => {
    const line = JSON.stringify(record);
    const out = parseCloudTrail(`${line}\r\n\r\n${line}\r\n`);
    assert.equal(out.events.length, 2);
    assert.equal(out.events[0].message, line);
  });
});

describe('cloudtrail: anonymised and damaged input never throws', () => {
  const base = { eventVersion: '1.08', eventTime: '2024-01-02T03:04:05Z', eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', eventID: 'e1' };

  it('IP with leading zeros and a fake region: kept as given', () => {
    const line = JSON.stringify({ ...base, sourceIPAddress: '010.001.002.003', awsRegion: 'us-north-2r' });
    const e = one(parseCloudTrail(line));
    assert.equal(e.columns.source_ip, '010.001.002.003');
    assert.equal(e.columns.aws_region, 'us-north-2r');
    assert.equal(e.message, line);
  });

  it('values of the wrong type go to NULL, not to an exception', () => {
    const e = one(parseCloudTrail(JSON.stringify({ ...base, userIdentity: 'nobody', readOnly: 'yes', managementEvent: 'true', tlsDetails: [1], eventTime: 12 })));
    assert.equal(e.columns.user_type, null);
    assert.equal(e.columns.read_only, null);
    assert.equal(e.columns.management_event, true);
    assert.equal(e.columns.tls_version, null);
    assert.equal(e.columns.event_time, null);
  });

  it('a bad line becomes a problem with its line number and text; the others are read', () => {
    const good = JSON.stringify(base);
    const out = parseCloudTrail(`${good}\n{"eventVersion":"1.08",broken\n${good}\n`);
    assert.equal(out.events.length, 2);
    assert.equal(out.problems.length, 1);
    assert.equal(out.problems[0].line, 2);
    assert.match(out.problems[0].text, /broken/);
  });

  it('a truncated Records file: the complete records before the cut are read, the rest is one problem', () => {
    const file = `{"Records":[${JSON.stringify(base)},${JSON.stringify({ ...base, eventID: 'e2' })},${JSON.stringify(base).slice(0, 40)}`;
    const out = parseCloudTrail(file);
    assert.equal(out.events.length, 2);
    assert.equal(out.problems.length, 1);
    assert.equal(out.problems[0].line, 3);
  });

  it('random cuts and byte flips of a real file never throw', () => {
    const file = `{"Records":[${demoMessages('/aws/cloudtrail/111122223333')
      .slice(0, 40)
      .map((d) => d.message)
      .join(',')}]}`;
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const cut = file.slice(0, rnd(file.length));
      const pos = rnd(cut.length || 1);
      const mangled = cut.slice(0, pos) + String.fromCharCode(rnd(128)) + cut.slice(pos + 1);
      const out = parseCloudTrail(mangled);
      assert.ok(Array.isArray(out.events) && Array.isArray(out.problems));
    }
  });

  it('non-JSON text is a problem per line, not an exception', () => {
    const out = parseCloudTrail('hello\nworld');
    assert.equal(out.events.length, 0);
    assert.equal(out.problems.length, 2);
  });
});

describe('cloudtrail: columns', () => {
  it('names are unique ClickHouse identifiers that do not clash with the common columns', () => {
    const names = CLOUDTRAIL_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) {
      assert.match(n, /^[a-z_][a-z0-9_]*$/);
      assert.ok(!COMMON_COLUMNS.includes(n), n);
    }
  });

  it('has the hot columns the brief names, with Insights dotted field names', () => {
    const byName = new Map(CLOUDTRAIL_COLUMNS.map((c) => [c.name, c]));
    for (const n of [
      'event_time', 'event_version', 'event_source', 'event_name', 'aws_region', 'source_ip', 'user_agent', 'error_code', 'error_message',
      'read_only', 'event_type', 'event_category', 'management_event', 'recipient_account_id', 'user_type', 'user_arn', 'user_account_id',
      'user_principal_id', 'user_access_key_id', 'user_name', 'session_mfa', 'request_id', 'event_id', 'shared_event_id', 'vpc_endpoint_id',
      'tls_version', 'console_login_result', 'mfa_used',
    ]) {
      assert.ok(byName.has(n), n);
    }
    assert.equal(byName.get('user_arn')!.field, 'userIdentity.arn');
    assert.equal(byName.get('mfa_used')!.field, 'additionalEventData.MFAUsed');
    assert.equal(byName.get('user_name')!.derived, true);
  });

  it('every event carries exactly the declared columns', () => {
    const e = parseCloudTrail(jsonBlocks(EXAMPLES)[0]).events[0];
    assert.deepEqual(Object.keys(e.columns).sort(), CLOUDTRAIL_COLUMNS.map((c) => c.name).sort());
  });

  it('the format object wires table, columns, detect, parse and a default log group', () => {
    assert.equal(cloudtrail.id, 'cloudtrail');
    assert.equal(cloudtrail.table, 'events_cloudtrail');
    assert.equal(cloudtrail.defaultLogGroup!('111122223333'), '/aws/cloudtrail/111122223333');
  });
});
