/** `trailwatch query` against a real server: table and --json output, errors (MalformedQueryException). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startTestServer, awsEnv, REPO_ROOT, type TestServer } from '../helpers/server.js';
import { ingestLines } from '../../src/ingest/native-ingest.js';

let srv: TestServer;

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

before(async () => {
  srv = await startTestServer();
  const now = Date.now();
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ timestamp: now - 60_000 + i, level: i % 3 === 0 ? 'error' : 'info', latencyMs: i }));
  await ingestLines(srv.store, { group: '/cli/query', stream: 's', create: true, body: lines.join('\n') });
});
after(async () => { await srv.cleanup(); });

test('query prints a table of the results', async () => {
  const r = await cli('query', '-g', '/cli/query', '--since', '10m', 'stats count(*) as n by level | sort level asc');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)), [['level', 'n'], ['error', '10'], ['info', '20']]);
  assert.match(r.stderr, /2 rows; 30 records matched/);
});

test('query --json gives rows as objects and the statistics', async () => {
  const r = await cli('--json', 'query', '-g', '/cli/query', '--since', '10m', '--limit', '3', 'fields latencyMs | sort latencyMs desc');
  assert.equal(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout) as { status: string; results: Record<string, string>[]; statistics: { recordsMatched: number } };
  assert.equal(o.status, 'Complete');
  assert.deepEqual(o.results.map((x) => x.latencyMs), ['29', '28', '27']);
  assert.ok(o.results[0]['@ptr']);
});

test('a malformed query exits 1 with MalformedQueryException', async () => {
  const r = await cli('query', '-g', '/cli/query', 'fields a | sortt a');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /MalformedQueryException/);
});
