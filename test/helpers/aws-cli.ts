/** Runs an AWS CLI (Debian's 2.x or pip's 1.x) against a test server, and reads its answers and errors. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { awsEnv } from './server.js';

const exec = promisify(execFile);

/** Debian's `awscli` package: CLI 2.x (it sends awsQuery to CloudWatch). */
export const AWS_CLI2 = '/usr/bin/aws';

export interface CliRun { code: number; stdout: string; stderr: string }

/** `<bin> --endpoint-url <endpoint> --output json <args>`; async, so an in-process server keeps serving. */
export async function runAwsCli(bin: string, endpoint: string, args: string[]): Promise<CliRun> {
  try {
    const r = await exec(bin, ['--endpoint-url', endpoint, '--output', 'json', ...args], { env: awsEnv(), timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** A run that must succeed: its parsed JSON output ({} when the CLI prints nothing). */
export function cliJson<T = Record<string, unknown>>(r: CliRun, args: string[]): T {
  assert.equal(r.code, 0, `aws ${args.join(' ')} failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

/**
 * A run that must fail with a service error: the CLI prints `An error occurred (<Code>) when calling the <Op>
 * operation: <Message>` and exits 254 (CLI 2) or 255 (CLI 1).
 */
export function expectCliError(r: CliRun, code: string, op: string, message: RegExp): void {
  assert.ok(r.code === 254 || r.code === 255, `exit code ${r.code}: ${r.stderr}`);
  const m = /An error occurred \((\w+)\) when calling the (\w+) operation: (.*)/.exec(r.stderr);
  assert.ok(m, `unexpected stderr: ${r.stderr}`);
  assert.equal(m[1], code);
  assert.equal(m[2], op);
  assert.match(m[3].trim(), message);
}

/** CLI 1.x from pip (on PATH or pyenv's shim), if this machine has one (it sends AWS JSON 1.0 to CloudWatch). */
export async function findAwsCli1(): Promise<string | undefined> {
  const candidates = new Set<string>();
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'aws'))) candidates.add(join(dir, 'aws'));
  candidates.add('/root/.pyenv/shims/aws');
  for (const c of candidates) {
    if (c === AWS_CLI2 || !existsSync(c)) continue;
    try {
      const r = await exec(c, ['--version'], { env: awsEnv(), timeout: 60_000 });
      if (/^aws-cli\/1\./.test((r.stdout + r.stderr).trim())) return c;
    } catch { /* not runnable */ }
  }
  return undefined;
}
