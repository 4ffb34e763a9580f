// S3 server access log parser (src/sources/s3access). Oracles: the example records of the Amazon S3 user
// guide ("Amazon S3 server access log format", transcribed into test/fixtures/sources/s3access/ because the
// corpus does not carry that page), and Panther's S3 access test events (panther_tests.jsonl,
// AWS.S3ServerAccess) rendered back into the log format.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { S3ACCESS_COLUMNS, detectS3Access, parseS3Access, s3access } from '../../src/sources/s3access/format.js';
import { COMMON_COLUMNS } from '../../src/store/schema.js';
import { pantherEvents, readFixture } from '../fixtures/sources/corpus.js';

const DOC = readFixture('s3access/aws-doc-examples.txt');

describe('s3access: AWS doc example records (fixture s3access/aws-doc-examples.txt)', () => {
  const out = parseS3Access(DOC, 'logs/2019-02-06-00-05-12-1A2B3C4D5E6F7A8B');

  it('five records, no problems, lines kept as messages', () => {
    assert.deepEqual(out.problems, []);
    assert.equal(out.events.length, 5);
    assert.deepEqual(
      out.events.map((e) => e.message),
      DOC.trim().split('\n'),
    );
  });

  it('first record: every field in order', () => {
    const e = out.events[0];
    assert.equal(e.timestamp, Date.UTC(2019, 1, 6, 0, 0, 38));
    assert.deepEqual(e.columns, {
      bucketowner: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      bucket_name: 'DOC-EXAMPLE-BUCKET1',
      requestdatetime: Date.UTC(2019, 1, 6, 0, 0, 38),
      remoteip: '192.0.2.3',
      requester: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
      requestid: '3E57427F3EXAMPLE',
      operation: 'REST.GET.VERSIONING',
      key: null,
      request_uri: 'GET /DOC-EXAMPLE-BUCKET1?versioning HTTP/1.1',
      httpstatus: 200,
      errorcode: null,
      bytessent: 113,
      objectsize: null,
      totaltime: 7,
      turnaroundtime: null,
      referrer: null,
      useragent: 'S3Console/0.4',
      versionid: null,
      hostid: 's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=',
      sigv: 'SigV4',
      ciphersuite: 'ECDHE-RSA-AES128-GCM-SHA256',
      authtype: 'AuthHeader',
      endpoint: 'DOC-EXAMPLE-BUCKET1.s3.us-west-1.amazonaws.com',
      tlsversion: 'TLSV1.2',
      accesspointarn: 'arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP',
      aclrequired: 'Yes',
    });
  });

  it('error record (404 NoSuchBucketPolicy) and an upload (key, object size, turn-around time)', () => {
    const err = out.events[2].columns;
    assert.equal(err.httpstatus, 404);
    assert.equal(err.errorcode, 'NoSuchBucketPolicy');
    const put = out.events[4].columns;
    assert.equal(put.operation, 'REST.PUT.OBJECT');
    assert.equal(put.key, 's3-dg.pdf');
    assert.equal(put.bytessent, null);
    assert.equal(put.objectsize, 4406583);
    assert.equal(put.totaltime, 41754);
    assert.equal(put.turnaroundtime, 28);
    assert.equal(put.ciphersuite, 'ECDHE-RSA-AES128-SHA');
    assert.equal(out.events[4].timestamp, Date.UTC(2019, 1, 6, 0, 1, 57));
  });

  it('the file name (YYYY-mm-DD-HH-MM-SS-UniqueString) gives the delivery time; partitioned keys the account, region and bucket', () => {
    assert.deepEqual(out.fileInfo, { service: 's3-access', time: Date.UTC(2019, 1, 6, 0, 5, 12) });
    const p = parseS3Access(DOC, 'logs/123456789012/us-west-1/doc-example-bucket1/2019/02/06/2019-02-06-00-05-12-1A2B3C4D5E6F7A8B');
    assert.deepEqual(p.fileInfo, { service: 's3-access', time: Date.UTC(2019, 1, 6, 0, 5, 12), accountId: '123456789012', region: 'us-west-1', bucket: 'doc-example-bucket1' });
  });

  it('detect: the doc records', () => {
    assert.ok(detectS3Access(DOC.slice(0, 1024)));
  });
});

describe('s3access: Panther test events (panther_tests.jsonl, AWS.S3ServerAccess), rendered to the log format', () => {
  // Panther stores the records parsed, under its own lowercase names.
  const ORDER = ['bucketowner', 'bucket', 'time', 'remoteip', 'requester', 'requestid', 'operation', 'key', 'requesturi', 'httpstatus', 'errorcode', 'bytessent', 'objectsize', 'totaltime', 'turnaroundtime', 'referrer', 'useragent', 'versionid', 'hostid', 'signatureversion', 'ciphersuite', 'authenticationtype', 'hostheader', 'tlsVersion', 'accesspointarn', 'aclrequired'];
  const QUOTED = new Set(['requesturi', 'referrer', 'useragent']);
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function render(log: Record<string, unknown>): string {
    return ORDER.map((k) => {
      const v = log[k] ?? (k === 'tlsVersion' ? log.tlsversion : undefined);
      if (k === 'time') {
        const m = typeof v === 'string' ? /^(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}:\d{2})/.exec(v) : null;
        return m ? `[${m[3]}/${MONTHS[Number(m[2]) - 1]}/${m[1]}:${m[4]} +0000]` : '[01/Jan/2020:00:00:00 +0000]';
      }
      const text = v === undefined || v === null ? '-' : String(v);
      return QUOTED.has(k) ? `"${text}"` : text;
    }).join(' ');
  }

  const tests = pantherEvents('AWS.S3ServerAccess');

  it('all 16 parse without problems, to the values Panther holds', () => {
    assert.equal(tests.length, 16);
    for (const t of tests) {
      const out = parseS3Access(render(t.log));
      assert.deepEqual(out.problems, [], t.test_name);
      assert.equal(out.events.length, 1);
      const c = out.events[0].columns;
      assert.equal(c.bucket_name, t.log.bucket ?? null, t.test_name);
      assert.equal(c.remoteip, t.log.remoteip ?? null, t.test_name);
      assert.equal(c.httpstatus, t.log.httpstatus ?? null, t.test_name);
      assert.equal(c.errorcode, t.log.errorcode ?? null, t.test_name);
      assert.equal(c.operation, t.log.operation ?? null, t.test_name);
      assert.equal(c.request_uri, t.log.requesturi ?? null, t.test_name);
      if (typeof t.log.time === 'string') assert.equal(c.requestdatetime, Date.parse(`${t.log.time.slice(0, 19).replace(' ', 'T')}Z`), t.test_name);
    }
  });

  it('an IPv6 remote address', () => {
    const t = tests.find((x) => x.test_name === 'Access From IPv6')!;
    assert.equal(parseS3Access(render(t.log)).events[0].columns.remoteip, '2600:1ffe:8140::a47:a85a');
  });
});

describe('s3access: edge cases', () => {
  const line = DOC.split('\n')[0];

  it('a Request-URI and a User-Agent with spaces and escaped quotes stay whole', () => {
    const l = line.replace('"S3Console/0.4"', '"aws-cli/2.15.0 Python/3.11 \\"x\\" exec-env/CloudShell"').replace('"GET /DOC-EXAMPLE-BUCKET1?versioning HTTP/1.1"', '"GET /DOC-EXAMPLE-BUCKET1/a%20b c.txt HTTP/1.1"');
    const c = parseS3Access(l).events[0].columns;
    assert.equal(c.useragent, 'aws-cli/2.15.0 Python/3.11 "x" exec-env/CloudShell');
    assert.equal(c.request_uri, 'GET /DOC-EXAMPLE-BUCKET1/a%20b c.txt HTTP/1.1');
    assert.equal(c.sigv, 'SigV4');
  });

  it('older records with fewer trailing fields, newer ones with more', () => {
    const short = line.split(' ').slice(0, 19).join(' ');
    const s = parseS3Access(short);
    assert.deepEqual(s.problems, []);
    assert.equal(s.events[0].columns.accesspointarn, undefined);
    const long = parseS3Access(`${line} us-west-1 extra-field`);
    assert.deepEqual(long.problems, []);
    assert.equal(long.events[0].columns.source_region, 'us-west-1');
  });

  it('an unreadable time: kept with a warning; a line that is not S3: a problem', () => {
    const out = parseS3Access(`${line.replace('06/Feb/2019:00:00:38 +0000', 'yesterday')}\nhello world\n`, undefined, { fallbackTimestamp: 3 });
    assert.equal(out.events.length, 1);
    assert.equal(out.events[0].timestamp, 3);
    assert.equal(out.warnings!.length, 1);
    assert.deepEqual(out.problems.map((p) => p.line), [2]);
  });

  it('columns: unique, valid, no clash with the common columns', () => {
    const names = S3ACCESS_COLUMNS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(/^[a-z_][a-z0-9_]*$/.test(n) && !COMMON_COLUMNS.includes(n), n);
    assert.equal(s3access.table, 'events_s3access');
  });
});
