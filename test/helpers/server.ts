/**
 * Starts real Trailwatch servers for tests: in this process (fast) or as a separate process
 * (for kill -9 and CLI tests). Both use the real embedded engine on a fresh data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type ServeOptions } from '../../src/app/start.js';

export const TEST_KEY = { accessKeyId: 'AKIATESTTRAILWATCH01', secretAccessKey: 'test/secret/key/for/trailwatch/tests/0001' };
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function tempDir(prefix = 'tw-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Environment for real AWS clients (CLI, SDK) pointed at a test server. */
export function awsEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: TEST_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_KEY.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...extra };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  return env;
}

export interface TestServer extends RunningServer { dataDir: string; cleanup(): Promise<void> }

/** A server in this process, with the test access key. */
export async function startTestServer(o: Partial<ServeOptions> = {}): Promise<TestServer> {
  const dataDir = o.dataDir ?? tempDir();
  process.env.TRAILWATCH_ACCESS_KEY_ID = TEST_KEY.accessKeyId;
  process.env.TRAILWATCH_SECRET_ACCESS_KEY = TEST_KEY.secretAccessKey;
  const srv = await startServer({ port: 0, quiet: true, logLevel: 'warn', ...o, dataDir });
  return Object.assign(srv, {
    dataDir,
    async cleanup() { await srv.close(); rmSync(dataDir, { recursive: true, force: true }); },
  });
}

export interface ServerProcess { child: ChildProcess; url: string; dataDir: string; enginePid?: number; stop(): Promise<void> }

/** A server as its own process (`trailwatch serve --json`), from the TypeScript sources. */
export async function spawnServer(dataDir: string, args: string[] = [], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), '--json', 'serve', '--data', dataDir, '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TRAILWATCH_ACCESS_KEY_ID: TEST_KEY.accessKeyId, TRAILWATCH_SECRET_ACCESS_KEY: TEST_KEY.secretAccessKey, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => resolve(l));
    child.once('exit', (code) => reject(new Error(`server exited early with code ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; enginePid?: number };
  return {
    child, url: info.url, dataDir, enginePid: info.enginePid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
