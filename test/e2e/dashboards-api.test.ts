/**
 * CloudWatch dashboards end to end with real clients: Debian's AWS CLI 2.x and the AWS SDK for
 * JavaScript v3. Oracles: CloudWatch API Reference (PutDashboard, GetDashboard, ListDashboards,
 * DeleteDashboards; "Dashboard Body Structure and Syntax"), fact sheet §3.2 (error codes: a
 * missing dashboard is `ResourceNotFound` 404, an invalid body `InvalidParameterInput` 400).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchClient,
  DeleteDashboardsCommand,
  GetDashboardCommand,
  ListDashboardsCommand,
  PutDashboardCommand,
  paginateListDashboards,
} from '@aws-sdk/client-cloudwatch';
import { spawnServer, startTestServer, tempDir, TEST_KEY, type TestServer } from '../helpers/server.js';
import { runAwsCli, type CliRun } from '../helpers/aws-cli.js';
import { AWS_DOC_EXAMPLE } from '../helpers/dashboard-examples.js';

const CLI = '/usr/bin/aws';
let srv: TestServer;
let cw: CloudWatchClient;

before(async () => {
  srv = await startTestServer({ demo: false });
  cw = new CloudWatchClient({ endpoint: srv.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
});
after(async () => { cw?.destroy(); await srv?.cleanup(); });

const aws = (args: string[]): Promise<CliRun> => runAwsCli(CLI, srv.url, args);

async function ok<T = Record<string, unknown>>(args: string[]): Promise<T> {
  const r = await aws(args);
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

async function fails(args: string[], code: string, op: string): Promise<string> {
  const r = await aws(args);
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}: ${r.stderr}`);
  const m = /An error occurred \((\w+)\) when calling the (\w+) operation: ([\s\S]*)/.exec(r.stderr);
  assert.ok(m, `unexpected stderr: ${r.stderr}`);
  assert.equal(m[1], code);
  assert.equal(m[2], op);
  return m[3].trim();
}

describe('dashboards with the AWS CLI 2.x', () => {
  it('put-dashboard stores the AWS documentation example; get-dashboard returns it byte for byte', async () => {
    const body = JSON.stringify(AWS_DOC_EXAMPLE, null, 2);
    const put = await ok<{ DashboardValidationMessages: unknown[] }>(['cloudwatch', 'put-dashboard', '--dashboard-name', 'doc-example', '--dashboard-body', body]);
    assert.deepEqual(put.DashboardValidationMessages, []);
    const got = await ok<{ DashboardArn: string; DashboardBody: string; DashboardName: string }>(['cloudwatch', 'get-dashboard', '--dashboard-name', 'doc-example']);
    assert.equal(got.DashboardName, 'doc-example');
    assert.equal(got.DashboardBody, body);
    // Dashboards are global: no region in the ARN.
    assert.equal(got.DashboardArn, `arn:aws:cloudwatch::000000000000:dashboard/doc-example`);
  });

  it('an invalid body is InvalidParameterInput with the validation errors in the message', async () => {
    const body = JSON.stringify({ widgets: [{ type: 'metric', x: 0, y: 0, width: 6, height: 6, properties: { title: 'no metrics' } }] });
    const msg = await fails(['cloudwatch', 'put-dashboard', '--dashboard-name', 'bad', '--dashboard-body', body], 'InvalidParameterInput', 'PutDashboard');
    assert.ok(msg.startsWith('The dashboard body is invalid, there are 3 validation errors:'), msg);
    const list = JSON.parse(msg.slice(msg.indexOf('['))) as Array<{ dataPath: string; message: string }>;
    assert.deepEqual(list.map((e) => e.message), [
      "Should have required property 'metrics'",
      'The metric widget should have specified a region and a data source or an alarm annotation',
      "Should have required property 'annotations'",
    ]);
    assert.ok(list.every((e) => e.dataPath === '/widgets/0/properties'));
    assert.equal(await fails(['cloudwatch', 'put-dashboard', '--dashboard-name', 'bad', '--dashboard-body', 'not json'], 'InvalidParameterInput', 'PutDashboard'),
      'The field DashboardBody must be a valid JSON object');
    assert.match(await fails(['cloudwatch', 'put-dashboard', '--dashboard-name', 'bad name', '--dashboard-body', '{"widgets":[]}'], 'InvalidParameterInput', 'PutDashboard'),
      /DashboardName contains invalid characters\. It can only contain alphanumerics, dash \(-\) and underscore \(_\)\./);
    // Nothing was stored by the refused calls.
    assert.equal(await fails(['cloudwatch', 'get-dashboard', '--dashboard-name', 'bad'], 'ResourceNotFound', 'GetDashboard'), 'Dashboard bad does not exist');
  });

  it('warnings are answered and the dashboard is stored anyway', async () => {
    const body = JSON.stringify({ widgets: [{ type: 'text', properties: { markdown: '# hi' }, colour: 'blue' }] });
    const put = await ok<{ DashboardValidationMessages: Array<{ DataPath: string; Message: string }> }>(['cloudwatch', 'put-dashboard', '--dashboard-name', 'warned', '--dashboard-body', body]);
    assert.deepEqual(put.DashboardValidationMessages, [{ DataPath: '/widgets/0', Message: 'The "colour" property is not expected to be part of a widget definition, will be ignored' }]);
    assert.equal((await ok<{ DashboardBody: string }>(['cloudwatch', 'get-dashboard', '--dashboard-name', 'warned'])).DashboardBody, body);
  });

  it('list-dashboards with a prefix; delete-dashboards is all or nothing', async () => {
    for (const n of ['ops-a', 'ops-b', 'team-x']) await ok(['cloudwatch', 'put-dashboard', '--dashboard-name', n, '--dashboard-body', '{"widgets":[]}']);
    const listed = await ok<{ DashboardEntries: Array<{ DashboardName: string; DashboardArn: string; LastModified: string; Size: number }> }>(['cloudwatch', 'list-dashboards', '--dashboard-name-prefix', 'ops-']);
    assert.deepEqual(listed.DashboardEntries.map((e) => e.DashboardName), ['ops-a', 'ops-b']);
    assert.equal(listed.DashboardEntries[0].Size, '{"widgets":[]}'.length);
    assert.ok(Math.abs(Date.parse(listed.DashboardEntries[0].LastModified) - Date.now()) < 10 * 60_000);

    const msg = await fails(['cloudwatch', 'delete-dashboards', '--dashboard-names', 'ops-a', 'nope'], 'ResourceNotFound', 'DeleteDashboards');
    assert.match(msg, /nope/);
    await ok(['cloudwatch', 'get-dashboard', '--dashboard-name', 'ops-a']);
    await ok(['cloudwatch', 'delete-dashboards', '--dashboard-names', 'ops-a', 'ops-b']);
    const after = await ok<{ DashboardEntries: Array<{ DashboardName: string }> }>(['cloudwatch', 'list-dashboards', '--dashboard-name-prefix', 'ops-']);
    assert.deepEqual(after.DashboardEntries, []);
  });
});

describe('dashboards with the AWS SDK for JavaScript v3', () => {
  it('errors surface as AWS codes with the validation messages', async () => {
    await assert.rejects(cw.send(new GetDashboardCommand({ DashboardName: 'missing-one' })), (e: Error & { name: string; Code?: string; $metadata: { httpStatusCode?: number } }) => {
      // DashboardNotFoundError is modelled with the awsQuery code ResourceNotFound; the SDK names its class so (fact sheet §3.2).
      assert.equal(e.name, 'ResourceNotFound');
      assert.equal(e.Code, 'ResourceNotFound');
      assert.equal(e.message, 'Dashboard missing-one does not exist');
      assert.equal(e.$metadata.httpStatusCode, 404);
      return true;
    });
    await assert.rejects(cw.send(new PutDashboardCommand({ DashboardName: 'sdk-bad', DashboardBody: JSON.stringify({ widgets: [{ type: 'log', properties: { query: 'fields @message' } }] }) })),
      (e: Error & { name: string; Code?: string; dashboardValidationMessages?: Array<{ DataPath: string; Message: string }> }) => {
        assert.equal(e.name, 'DashboardInvalidInputError');
        assert.equal(e.Code, 'InvalidParameterInput');
        assert.match(e.message, /there are 1 validation errors/);
        assert.deepEqual(e.dashboardValidationMessages, [{ DataPath: '/widgets/0/properties', Message: "Should have required property 'region'" }]);
        return true;
      });
  });

  it('a 255-character name and names differing only in case are distinct dashboards', async () => {
    // PutDashboard: "The maximum length is 255, and valid characters are A-Z, a-z, 0-9, "-", and "_"."
    const long = `L${'x'.repeat(254)}`;
    await cw.send(new PutDashboardCommand({ DashboardName: long, DashboardBody: '{"widgets":[],"start":"-PT1H"}' }));
    await cw.send(new PutDashboardCommand({ DashboardName: 'Case', DashboardBody: '{"widgets":[]}' }));
    await cw.send(new PutDashboardCommand({ DashboardName: 'case', DashboardBody: '{"widgets": []}' }));
    assert.equal((await cw.send(new GetDashboardCommand({ DashboardName: long }))).DashboardBody, '{"widgets":[],"start":"-PT1H"}');
    assert.equal((await cw.send(new GetDashboardCommand({ DashboardName: 'Case' }))).DashboardBody, '{"widgets":[]}');
    assert.equal((await cw.send(new GetDashboardCommand({ DashboardName: 'case' }))).DashboardBody, '{"widgets": []}');
    await assert.rejects(cw.send(new PutDashboardCommand({ DashboardName: `${long}y`, DashboardBody: '{"widgets":[]}' })), { name: 'DashboardInvalidInputError' });
    await cw.send(new DeleteDashboardsCommand({ DashboardNames: [long, 'Case', 'case'] }));
    await assert.rejects(cw.send(new GetDashboardCommand({ DashboardName: long })), { name: 'ResourceNotFound' });
  });

  it('pages ListDashboards with NextToken (1000 per page)', async () => {
    const all = Array.from({ length: 1003 }, (_, i) => `page-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < all.length; i += 50) {
      await Promise.all(all.slice(i, i + 50).map((n) => cw.send(new PutDashboardCommand({ DashboardName: n, DashboardBody: '{"widgets":[]}' }))));
    }
    const first = await cw.send(new ListDashboardsCommand({ DashboardNamePrefix: 'page-' }));
    assert.equal(first.DashboardEntries!.length, 1000);
    assert.ok(first.NextToken);
    const names: string[] = [];
    for await (const p of paginateListDashboards({ client: cw }, { DashboardNamePrefix: 'page-' })) names.push(...p.DashboardEntries!.map((e) => e.DashboardName!));
    assert.equal(names.length, 1003);
    assert.deepEqual(names, [...names].sort());
    await assert.rejects(cw.send(new ListDashboardsCommand({ NextToken: 'garbage' })), { name: 'InvalidParameterValueException' });
    await cw.send(new DeleteDashboardsCommand({ DashboardNames: names.slice(0, 100) }));
    await assert.rejects(cw.send(new DeleteDashboardsCommand({ DashboardNames: names.slice(100, 201) })), { name: 'InvalidParameterValueException' });
  });
});

describe('durability', () => {
  it('an acknowledged PutDashboard survives kill -9; a delete does too', async () => {
    const dataDir = tempDir('tw-dash-');
    let proc = await spawnServer(dataDir);
    try {
      let client = new CloudWatchClient({ endpoint: proc.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
      const body = JSON.stringify(AWS_DOC_EXAMPLE);
      await client.send(new PutDashboardCommand({ DashboardName: 'durable', DashboardBody: body }));
      await client.send(new PutDashboardCommand({ DashboardName: 'doomed', DashboardBody: '{"widgets":[]}' }));
      await client.send(new DeleteDashboardsCommand({ DashboardNames: ['doomed'] }));
      proc.child.kill('SIGKILL');
      await new Promise((r) => proc.child.once('exit', r));
      client.destroy();

      proc = await spawnServer(dataDir);
      client = new CloudWatchClient({ endpoint: proc.url, region: 'us-east-1', credentials: TEST_KEY, maxAttempts: 1 });
      const got = await client.send(new GetDashboardCommand({ DashboardName: 'durable' }));
      assert.equal(got.DashboardBody, body);
      // (The server may add its own built-in dashboards; ours are what this test checks.)
      const names = (await client.send(new ListDashboardsCommand({}))).DashboardEntries!.map((e) => e.DashboardName);
      assert.ok(names.includes('durable'));
      assert.ok(!names.includes('doomed'));
      client.destroy();
    } finally {
      await proc.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
