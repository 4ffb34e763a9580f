/** Runs an AWS CLI (Debian's 2.x or pip's 1.x) against a test server, without throwing on a non-zero exit. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { awsEnv } from './server.js';

const exec = promisify(execFile);

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
