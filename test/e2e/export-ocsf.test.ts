/**
 * `trailwatch export ocsf` on the demo dataset: Parquet files in the Security Lake layout
 * (ext/<source>/region=/accountId=/eventDay=), read back by the engine, and every exported event valid
 * against the OCSF 1.1.0 schema (../shared/corpora/ocsf-schema/v1.1.0).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, relative } from 'node:path';
import { rmSync } from 'node:fs';
import { startTestServer, awsEnv, REPO_ROOT, tempDir, type TestServer } from '../helpers/server.js';
import { rows } from '../../src/store/engine.js';
import { createOcsfValidator } from '../../src/sources/ocsf/schema.js';

let srv: TestServer;
let out: string;

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), '--endpoint', srv.url, ...args], { env: awsEnv(), cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * A Parquet file's schema is the union of its rows' attributes (CloudTrail files hold API Activity and
 * Authentication events), so rows come back with absent attributes as nulls or all-null structs: drop them.
 */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = dropNulls(x);
      if (y === null || (Array.isArray(y) && y.length === 0) || (y && typeof y === 'object' && !Array.isArray(y) && Object.keys(y).length === 0)) continue;
      o[k] = y;
    }
    return o;
  }
  return v;
}

before(async () => {
  srv = await startTestServer({ demo: true });
  out = tempDir('tw-ocsf-');
});
after(async () => { await srv.cleanup(); rmSync(out, { recursive: true, force: true }); });

test('CloudTrail, VPC Flow and Route 53 demo groups export to Security Lake layout Parquet that validates as OCSF 1.1.0', { timeout: 300_000 }, async () => {
  const r = await cli('--json', 'export', 'ocsf', '--out', out, '--since', '8d', '-g', '/aws/cloudtrail/111122223333', '-g', '/aws/vpc/flowlogs', '-g', '/aws/route53/resolver', '-g', '/app/legacy-batch');
  assert.equal(r.code, 0, r.stderr);
  const res = JSON.parse(r.stdout) as { events: number; files: { path: string; events: number }[]; skipped: { logGroupName: string; reason: string }[] };
  assert.ok(res.events > 50_000, `events ${res.events}`);
  assert.deepEqual(res.skipped.map((s) => s.logGroupName), ['/app/legacy-batch']);
  const layout = /^ext\/(cloudtrail|vpcflow|route53)\/region=[a-z0-9-]+\/accountId=\d{12}\/eventDay=\d{8}\/part-\d{5}-\d+\.parquet$/;
  for (const f of res.files) assert.match(relative(out, f.path), layout);
  assert.deepEqual([...new Set(res.files.map((f) => relative(out, f.path).split('/')[1]))].sort(), ['cloudtrail', 'route53', 'vpcflow']);

  const total = await rows<{ n: string }>(srv.store.engine, `SELECT count() AS n FROM file({p:String}, 'Parquet')`, { p: join(out, 'ext/*/*/*/*/*.parquet') });
  assert.equal(Number(total[0].n), res.events);
  const byClass = await rows<{ c: number; n: string }>(srv.store.engine, `SELECT class_uid AS c, count() AS n FROM file({p:String}, 'Parquet') GROUP BY c ORDER BY c`, { p: join(out, 'ext/*/*/*/*/*.parquet') });
  const classes = byClass.map((x) => Number(x.c));
  for (const c of [3002, 4001, 4003, 6003]) assert.ok(classes.includes(c), `class ${c} exported (got ${classes})`);

  const validate = createOcsfValidator(new URL('../../../shared/corpora/ocsf-schema/v1.1.0/', import.meta.url));
  for (const f of [res.files[0], res.files[res.files.length - 1], ...res.files.filter((x) => x.path.includes('/route53/')).slice(0, 1)]) {
    const sample = await rows<Record<string, unknown>>(srv.store.engine, `SELECT * FROM file({p:String}, 'Parquet') LIMIT 50 SETTINGS use_hive_partitioning = 0`, { p: f.path });
    for (const e of sample) assert.deepEqual(validateSample(validate, dropNulls(e)), [], f.path);
  }
});

function validateSample(validate: (e: unknown) => string[], e: unknown): string[] {
  return validate(e);
}

test('export refuses a relative output path and a missing group', async () => {
  const bad = await fetch(`${srv.url}/api/v1/export/ocsf`, { method: 'POST', body: JSON.stringify({ outDir: 'rel', startTime: 0, endTime: 1 }) });
  assert.equal(bad.status, 400);
  const r = await cli('export', 'ocsf', '--out', out, '-g', '/nope');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /ResourceNotFoundException/);
});
