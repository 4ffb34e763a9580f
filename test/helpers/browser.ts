/** Browser tests' shared parts: the built console (rebuilt when stale) and Debian's Chromium. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from './server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CONSOLE_SRC = join(REPO_ROOT, 'src/console');
export const CONSOLE_DIST = join(REPO_ROOT, 'dist/console');
export const SHOTS = join(REPO_ROOT, 'test-results');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the console when it is missing or older than its sources. */
export async function ensureConsoleBuilt(): Promise<void> {
  const index = join(CONSOLE_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(CONSOLE_SRC)) return;
  const out: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npx', ['vite', 'build', '--config', 'src/console/vite.config.ts'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  assert.equal(code, 0, `vite build failed:\n${Buffer.concat(out).toString()}`);
  assert.ok(existsSync(index), 'vite build wrote no dist/console/index.html');
}

/** Debian's Chromium, headless, with the flags this closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
