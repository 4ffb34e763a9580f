/**
 * Alarm operations over Smithy RPC v2 CBOR (what the Go, Java and newer SDKs send) and awsQuery,
 * as raw SigV4-signed requests: shapes on the wire (tag-1 timestamps, doubles, lists), and the
 * ValidationError code in `x-amzn-query-error` / the awsQuery XML error. Oracle: fact sheet
 * /work/shared/reference/aws-facts.md §3.2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Decoder, Encoder } from 'cbor-x';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';
import { NodeSha256 } from '../../src/auth/node-sha256.js';

const SVC = 'GraniteServiceVersion20100801';
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
let srv: TestServer;

before(async () => {
  srv = await startTestServer();
  srv.alarms.stopLoop();
});
after(async () => { await srv?.cleanup(); });

interface Answer { status: number; headers: Headers; body: Buffer }

async function send(path: string, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  const url = new URL(path, srv.url);
  const signer = new SignatureV4({ credentials: TEST_KEY, region: 'us-east-1', service: 'monitoring', sha256: NodeSha256, applyChecksum: false });
  const signed = await signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host, ...headers }, body }));
  const h = { ...(signed.headers as Record<string, string>) };
  delete h.host;
  const r = await fetch(url, { method: 'POST', headers: h, body });
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

const cbor = (op: string, input: unknown) => send(`/service/${SVC}/operation/${op}`,
  { 'content-type': 'application/cbor', accept: 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', 'x-amzn-query-mode': 'true' }, Buffer.from(encoder.encode(input)));
const query = (params: Record<string, string>) => send('/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, Buffer.from(new URLSearchParams(params).toString()));

describe('alarms over RPC v2 CBOR and awsQuery (raw)', () => {
  it('PutMetricAlarm and DescribeAlarms in CBOR', async () => {
    const name = `cbor-${Date.now()}`;
    let r = await cbor('PutMetricAlarm', {
      AlarmName: name, Namespace: 'Cbor/Alarms', MetricName: 'Lat', Statistic: 'Average', Period: 60, EvaluationPeriods: 2,
      Threshold: 2.5, ComparisonOperator: 'LessThanThreshold', Dimensions: [{ Name: 'Host', Value: 'a' }], AlarmActions: [],
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('smithy-protocol'), 'rpc-v2-cbor');
    r = await cbor('DescribeAlarms', { AlarmNames: [name] });
    assert.equal(r.status, 200);
    const out = decoder.decode(r.body) as { MetricAlarms: Array<Record<string, unknown>> };
    const a = out.MetricAlarms[0];
    assert.equal(a.AlarmName, name);
    assert.equal(a.Threshold, 2.5);
    assert.equal(a.Period, 60);
    assert.equal(a.StateValue, 'INSUFFICIENT_DATA');
    assert.equal(a.StateReason, 'Unchecked: Initial alarm creation');
    assert.ok(a.StateUpdatedTimestamp instanceof Date, 'timestamps are CBOR tag 1');
    assert.deepEqual(a.Dimensions, [{ Name: 'Host', Value: 'a' }]);
  });

  it('ValidationError carries its awsQuery code in x-amzn-query-error (CBOR) and in the XML error (awsQuery)', async () => {
    const bad = { AlarmName: 'bad', Namespace: 'Cbor/Alarms', MetricName: 'Lat', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, DatapointsToAlarm: 2, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' };
    const r = await cbor('PutMetricAlarm', bad);
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('x-amzn-query-error'), 'ValidationError;Sender');
    const err = decoder.decode(r.body) as { __type: string; message?: string; Message?: string };
    assert.match(err.__type, /ValidationError$/);
    assert.equal(err.message ?? err.Message, 'DatapointsToAlarm must be less than or equal to EvaluationPeriods');
    const x = await query({ Action: 'PutMetricAlarm', Version: '2010-08-01', AlarmName: 'bad', Namespace: 'Cbor/Alarms', MetricName: 'Lat', Statistic: 'Average', Period: '60', EvaluationPeriods: '1', DatapointsToAlarm: '2', Threshold: '1', ComparisonOperator: 'GreaterThanThreshold' });
    assert.equal(x.status, 400);
    const xml = x.body.toString();
    assert.match(xml, /<Code>ValidationError<\/Code>/);
    assert.match(xml, /<Message>DatapointsToAlarm must be less than or equal to EvaluationPeriods<\/Message>/);
  });
});
