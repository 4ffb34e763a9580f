/**
 * The CloudWatch wire protocols at the byte level: raw SigV4-signed Smithy RPC v2 CBOR requests
 * built with cbor-x (every operation, gzip, errors with `x-amzn-query-error`), raw awsQuery
 * requests (XML answers and error bodies), a raw JSON 1.0 error, authentication on every
 * protocol, and botocore's own CBOR client (the pip CLI with its CloudWatch model restricted to
 * rpcv2Cbor) when that CLI is installed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Decoder, Encoder } from 'cbor-x';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { awsEnv, startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { NodeSha256 } from '../../src/auth/node-sha256.js';

const exec = promisify(execFile);
const MIN = 60_000;
const SVC = 'GraniteServiceVersion20100801';
const XMLNS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const CLI1 = '/root/.pyenv/shims/aws';
const BOTOCORE_MODEL = '/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data/cloudwatch/2010-08-01/service-2.json.gz';

const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });

let srv: TestServer;
before(async () => { srv = await startTestServer(); });
after(async () => { await srv?.cleanup(); });


interface Answer { status: number; headers: Headers; body: Buffer }

/** Sends a request signed with SigV4 (service `monitoring` unless told otherwise). */
async function send(path: string, headers: Record<string, string>, body: Buffer, o: { service?: string; sign?: boolean; secret?: string } = {}): Promise<Answer> {
  const url = new URL(path, srv.url);
  let h: Record<string, string> = { host: url.host, ...headers };
  if (o.sign !== false) {
    const signer = new SignatureV4({ credentials: { accessKeyId: TEST_KEY.accessKeyId, secretAccessKey: o.secret ?? TEST_KEY.secretAccessKey }, region: 'us-east-1', service: o.service ?? 'monitoring', sha256: NodeSha256, applyChecksum: false });
    const signed = await signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: h, body }));
    h = signed.headers as Record<string, string>;
  }
  delete h.host;
  const r = await fetch(url, { method: 'POST', headers: h, body });
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

function cbor(op: string, input: unknown, o: { gzip?: boolean; raw?: Buffer; service?: string; sign?: boolean } = {}): Promise<Answer> {
  let body = o.raw ?? Buffer.from(encoder.encode(input));
  const headers: Record<string, string> = { 'content-type': 'application/cbor', accept: 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', 'x-amzn-query-mode': 'true' };
  if (o.gzip) { body = gzipSync(body); headers['content-encoding'] = 'gzip'; }
  return send(`/service/${SVC}/operation/${op}`, headers, body, { service: o.service, sign: o.sign });
}

function query(params: Record<string, string>, o: { gzip?: boolean; sign?: boolean; secret?: string } = {}): Promise<Answer> {
  let body = Buffer.from(new URLSearchParams(params).toString());
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  if (o.gzip) { body = gzipSync(body); headers['content-encoding'] = 'gzip'; }
  return send('/', headers, body, o);
}

const decode = (a: Answer) => decoder.decode(a.body) as Record<string, unknown>;
const ago = (m: number) => new Date(Math.floor(Date.now() / MIN) * MIN - m * MIN);

describe('Smithy RPC v2 CBOR (raw requests)', () => {
  const ns = `Cbor/${Date.now()}`;
  const t = ago(5);

  it('PutMetricData: empty answer with the smithy-protocol header, tag-1 timestamps accepted', async () => {
    const r = await cbor('PutMetricData', { Namespace: ns, MetricData: [
      { MetricName: 'Lat', Dimensions: [{ Name: 'Host', Value: 'a' }], Timestamp: t, Values: [1, 2, 3, 4], Counts: [1, 1, 1, 1], Unit: 'Seconds' },
      { MetricName: 'Lat', Dimensions: [{ Name: 'Host', Value: 'a' }], Timestamp: new Date(t.getTime() + 1500), StatisticValues: { SampleCount: 2, Sum: 10, Minimum: 5, Maximum: 5 }, Unit: 'Seconds' },
    ] });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('smithy-protocol'), 'rpc-v2-cbor');
    assert.equal(r.body.length, 0);
    assert.ok(r.headers.get('x-amzn-requestid'));
  });

  it('PutMetricData with a gzip-compressed body and epoch-second numbers as timestamps', async () => {
    const r = await cbor('PutMetricData', { Namespace: ns, MetricData: [{ MetricName: 'Lat', Dimensions: [{ Name: 'Host', Value: 'a' }], Timestamp: t.getTime() / 1000 + 30, Value: 100, Unit: 'Seconds' }] }, { gzip: true });
    assert.equal(r.status, 200, r.body.toString());
  });

  it('GetMetricStatistics answers CBOR with tag-1 timestamps', async () => {
    const r = await cbor('GetMetricStatistics', { Namespace: ns, MetricName: 'Lat', Dimensions: [{ Name: 'Host', Value: 'a' }], StartTime: ago(10), EndTime: ago(-1), Period: 60, Statistics: ['Sum', 'SampleCount', 'Maximum'], ExtendedStatistics: ['p50'] });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/cbor');
    assert.equal(r.headers.get('smithy-protocol'), 'rpc-v2-cbor');
    assert.ok(r.body.includes(Buffer.from([0xc1])), 'a CBOR tag 1 is present');
    // p50 over 1, 2, 3, 4, 5×2 (a statistic set of one repeated value) and 100: nearest rank 4.
    const out = decode(r) as { Label: string; Datapoints: Array<Record<string, unknown>> };
    assert.equal(out.Label, 'Lat');
    assert.deepEqual(out.Datapoints, [{ Timestamp: t, Sum: 120, SampleCount: 7, Maximum: 100, Unit: 'Seconds', ExtendedStatistics: { p50: 4 } }]);
  });

  it('ListMetrics and GetMetricData', async () => {
    const l = decode(await cbor('ListMetrics', { Namespace: ns }));
    assert.deepEqual(l, { Metrics: [{ Namespace: ns, MetricName: 'Lat', Dimensions: [{ Name: 'Host', Value: 'a' }] }] });
    const empty = await cbor('ListMetrics', undefined, { raw: Buffer.alloc(0) });
    assert.equal(empty.status, 200, 'an empty body is an empty input');
    const d = decode(await cbor('GetMetricData', {
      StartTime: ago(10), EndTime: ago(-1),
      MetricDataQueries: [
        { Id: 'm1', MetricStat: { Metric: { Namespace: ns, MetricName: 'Lat', Dimensions: [{ Name: 'Host', Value: 'a' }] }, Period: 60, Stat: 'Average' }, ReturnData: false },
        { Id: 'e1', Expression: 'm1 * 2', Label: 'Doubled' },
      ],
    })) as { MetricDataResults: Array<Record<string, unknown>>; Messages: unknown[] };
    assert.deepEqual(d.MetricDataResults, [{ Id: 'e1', Label: 'Doubled', Timestamps: [t], Values: [120 / 7 * 2], StatusCode: 'Complete' }]);
  });

  it('errors: __type is the Smithy shape, x-amzn-query-error the awsQuery code', async () => {
    const r = await cbor('PutMetricData', { Namespace: 'AWS/EC2', MetricData: [{ MetricName: 'x', Value: 1 }] });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('x-amzn-query-error'), 'InvalidParameterValue;Sender');
    assert.equal(r.headers.get('smithy-protocol'), 'rpc-v2-cbor');
    const e = decode(r);
    assert.equal(e.__type, 'InvalidParameterValueException');
    assert.match(String(e.message), /AWS\/EC2 for parameter Namespace is invalid/);

    const missing = await cbor('PutMetricData', { Namespace: ns });
    assert.equal(missing.headers.get('x-amzn-query-error'), 'MissingParameter;Sender');
    assert.equal(decode(missing).__type, 'MissingRequiredParameterException');

    const token = await cbor('GetMetricData', { StartTime: ago(5), EndTime: ago(0), NextToken: 'x', MetricDataQueries: [{ Id: 'e', Expression: 'TIME_SERIES(1)' }] });
    assert.equal(token.headers.get('x-amzn-query-error'), 'InvalidNextToken;Sender');

    const bad = await cbor('PutMetricData', undefined, { raw: Buffer.from([0xbf, 0x61]) });
    assert.equal(bad.status, 400);
    assert.equal(decode(bad).__type, 'SerializationException');

    const typed = await cbor('GetMetricStatistics', { Namespace: ns, MetricName: 'Lat', StartTime: 'yesterday', EndTime: ago(0), Period: 60, Statistics: ['Sum'] });
    assert.equal(decode(typed).__type, 'SerializationException');

    const unknown = await cbor('DeleteEverything', {});
    assert.equal(unknown.status, 404);
    assert.equal(decode(unknown).__type, 'UnknownOperationException');
  });

  it('keeps authentication on', async () => {
    const unsigned = await cbor('ListMetrics', {}, { sign: false });
    assert.equal(unsigned.status, 403);
    assert.equal(decode(unsigned).__type, 'MissingAuthenticationTokenException');
    const wrongService = await cbor('ListMetrics', {}, { service: 'logs' });
    assert.equal(decode(wrongService).__type, 'InvalidSignatureException');
    assert.match(String(decode(wrongService).message), /Credential should be scoped to correct service: 'monitoring'/);
  });
});

describe('awsQuery (raw requests)', () => {
  const ns = `Query/${Date.now()}`;
  const t = ago(3);

  it('answers PutMetricData and GetMetricStatistics in XML (gzip accepted)', async () => {
    const put = await query({
      Action: 'PutMetricData', Version: '2010-08-01', Namespace: ns,
      'MetricData.member.1.MetricName': 'Q', 'MetricData.member.1.Timestamp': t.toISOString(), 'MetricData.member.1.Unit': 'Count',
      'MetricData.member.1.Values.member.1': '1', 'MetricData.member.1.Values.member.2': '9', 'MetricData.member.1.Counts.member.1': '3', 'MetricData.member.1.Counts.member.2': '1',
      'MetricData.member.1.Dimensions.member.1.Name': 'Env', 'MetricData.member.1.Dimensions.member.1.Value': 'a&b <c>',
    }, { gzip: true });
    assert.equal(put.status, 200, put.body.toString());
    assert.match(put.headers.get('content-type')!, /^text\/xml/);
    assert.match(put.body.toString(), new RegExp(`<PutMetricDataResponse xmlns="${XMLNS}"><ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></PutMetricDataResponse>$`));
    const get = await query({
      Action: 'GetMetricStatistics', Version: '2010-08-01', Namespace: ns, MetricName: 'Q', StartTime: ago(5).toISOString(), EndTime: ago(-1).toISOString(), Period: '300',
      'Dimensions.member.1.Name': 'Env', 'Dimensions.member.1.Value': 'a&b <c>', 'Statistics.member.1': 'Sum', 'ExtendedStatistics.member.1': 'p75',
    });
    assert.equal(get.status, 200, get.body.toString());
    const xml = get.body.toString();
    assert.match(xml, /<GetMetricStatisticsResponse xmlns="http:\/\/monitoring\.amazonaws\.com\/doc\/2010-08-01\/"><GetMetricStatisticsResult><Label>Q<\/Label><Datapoints><member>/);
    assert.match(xml, new RegExp(`<member><Timestamp>${ago(5).toISOString().replace('.000Z', 'Z')}</Timestamp><Sum>12</Sum><Unit>Count</Unit><ExtendedStatistics><entry><key>p75</key><value>1</value></entry></ExtendedStatistics></member>`));
    const list = (await query({ Action: 'ListMetrics', Version: '2010-08-01', Namespace: ns })).body.toString();
    assert.match(list, /<Dimensions><member><Name>Env<\/Name><Value>a&amp;b &lt;c&gt;<\/Value><\/member><\/Dimensions>/);
  });

  it('answers errors with an ErrorResponse body', async () => {
    const r = await query({ Action: 'PutMetricData', Version: '2010-08-01', Namespace: 'AWS/Lambda', 'MetricData.member.1.MetricName': 'x', 'MetricData.member.1.Value': '1' });
    assert.equal(r.status, 400);
    assert.match(r.headers.get('content-type')!, /^text\/xml/);
    assert.match(r.body.toString(), new RegExp(`<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>InvalidParameterValue</Code><Message>The value AWS/Lambda for parameter Namespace is invalid[^<]*</Message></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`));
    const missing = await query({ Action: 'PutMetricData', Version: '2010-08-01', Namespace: ns });
    assert.match(missing.body.toString(), /<Code>MissingParameter<\/Code><Message>The parameter MetricData is required\.<\/Message>/);
    const badNumber = await query({ Action: 'PutMetricData', Version: '2010-08-01', Namespace: ns, 'MetricData.member.1.MetricName': 'x', 'MetricData.member.1.Value': 'lots' });
    assert.match(badNumber.body.toString(), /<Code>InvalidParameterValue<\/Code><Message>Value lots for parameter MetricData.member.1.Value is invalid\.<\/Message>/);
    const action = await query({ Action: 'LaunchRockets', Version: '2010-08-01' });
    assert.equal(action.status, 400);
    assert.match(action.body.toString(), /<Code>InvalidAction<\/Code><Message>Could not find operation LaunchRockets for version 2010-08-01<\/Message>/);
  });

  it('answers authentication failures with the awsQuery codes', async () => {
    const unsigned = await query({ Action: 'ListMetrics', Version: '2010-08-01' }, { sign: false });
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.body.toString(), /<Code>MissingAuthenticationToken<\/Code>/);
    const wrong = await query({ Action: 'ListMetrics', Version: '2010-08-01' }, { secret: 'not-the-secret' });
    assert.equal(wrong.status, 403);
    assert.match(wrong.body.toString(), /<Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code>/);
  });
});

describe('AWS JSON 1.0 (raw request)', () => {
  it('answers errors with __type and x-amzn-query-error', async () => {
    const r = await send('/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${SVC}.GetMetricStatistics` },
      Buffer.from(JSON.stringify({ Namespace: 'N', MetricName: 'x', StartTime: Date.now() / 1000 - 60, EndTime: Date.now() / 1000, Period: 60 })));
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('content-type'), 'application/x-amz-json-1.0');
    assert.equal(r.headers.get('x-amzn-query-error'), 'InvalidParameterCombination;Sender');
    assert.deepEqual(JSON.parse(r.body.toString()), { __type: 'InvalidParameterCombinationException', message: 'Must specify either Statistics or ExtendedStatistics.' });
    const gz = await send('/', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${SVC}.ListMetrics`, 'content-encoding': 'gzip' }, gzipSync(Buffer.from('{"Namespace":"Nope"}')));
    assert.equal(gz.status, 200);
    assert.deepEqual(JSON.parse(gz.body.toString()), { Metrics: [] });
    // The logs service (JSON 1.1) is untouched by the CloudWatch routes.
    const logs = await send('/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.DescribeLogGroups' }, Buffer.from('{}'), { service: 'logs' });
    assert.equal(logs.status, 200);
    assert.ok('logGroups' in JSON.parse(logs.body.toString()));
  });
});

describe('botocore CBOR client (pip CLI 1.x with a CBOR-only CloudWatch model)', () => {
  it('puts, reads and fails like AWS', async (t) => {
    if (!existsSync(CLI1) || !existsSync(BOTOCORE_MODEL)) { t.skip('pip CLI 1.x / botocore model not installed'); return; }
    // botocore picks JSON 1.0 when the model offers it; a model listing only rpcv2Cbor makes it speak CBOR.
    const dataPath = tempDir('tw-cbor-model-');
    const model = JSON.parse(gunzipSync(readFileSync(BOTOCORE_MODEL)).toString()) as { metadata: Record<string, unknown> };
    model.metadata.protocols = ['smithy-rpc-v2-cbor'];
    model.metadata.protocol = 'smithy-rpc-v2-cbor';
    mkdirSync(join(dataPath, 'cloudwatch', '2010-08-01'), { recursive: true });
    writeFileSync(join(dataPath, 'cloudwatch', '2010-08-01', 'service-2.json'), JSON.stringify(model));
    const run = async (args: string[]) => {
      try {
        const r = await exec(CLI1, ['--endpoint-url', srv.url, '--output', 'json', ...args], { env: awsEnv({ AWS_DATA_PATH: dataPath }), timeout: 120_000, maxBuffer: 1 << 26 });
        return { code: 0, stdout: r.stdout, stderr: r.stderr };
      } catch (e) {
        const x = e as { code: number; stdout: string; stderr: string };
        return { code: x.code, stdout: x.stdout, stderr: x.stderr };
      }
    };
    const ns = `BotoCbor/${Date.now()}`;
    const t0 = ago(4);
    const debug = await run(['--debug', 'cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-name', 'x', '--value', '7', '--timestamp', t0.toISOString()]);
    assert.equal(debug.code, 0, debug.stderr.slice(-1500));
    assert.ok(debug.stderr.includes(`/service/${SVC}/operation/PutMetricData`), 'the CBOR route was used');
    assert.ok(/'Content-Type': b?'application\/cbor'/.test(debug.stderr), 'CBOR content type');
    const stats = await run(['cloudwatch', 'get-metric-statistics', '--namespace', ns, '--metric-name', 'x', '--start-time', ago(6).toISOString(), '--end-time', ago(-1).toISOString(), '--period', '60', '--statistics', 'Sum']);
    assert.equal(stats.code, 0, stats.stderr.slice(-1500));
    const dps = (JSON.parse(stats.stdout) as { Datapoints: Array<{ Timestamp: number | string; Sum: number }> }).Datapoints;
    assert.equal(dps.length, 1);
    assert.equal(dps[0].Sum, 7);
    assert.equal(typeof dps[0].Timestamp === 'number' ? dps[0].Timestamp * 1000 : Date.parse(dps[0].Timestamp), t0.getTime());
    const list = await run(['cloudwatch', 'list-metrics', '--namespace', ns]);
    assert.deepEqual(JSON.parse(list.stdout), { Metrics: [{ Namespace: ns, MetricName: 'x', Dimensions: [] }] });
    const err = await run(['cloudwatch', 'put-metric-data', '--namespace', ns, '--metric-name', 'x', '--value', '1', '--storage-resolution', '7']);
    assert.equal(err.code, 255);
    assert.match(err.stderr, /An error occurred \(InvalidParameterValue\) when calling the PutMetricData operation: The value 7 for parameter MetricData.member.1.StorageResolution is invalid\./);
  });
});
