/**
 * Everything the bench creates (temp dirs, child processes) is registered here and removed on
 * normal exit, on an exception and on SIGINT/SIGTERM, so a failed run leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';

type Task = () => Promise<void> | void;
const tasks = new Map<number, Task>();
let nextId = 1;
let running: Promise<void> | null = null;

/** Registers a cleanup task; returns a function that runs it now and unregisters it. */
export function onCleanup(task: Task): () => Promise<void> {
  const id = nextId++;
  tasks.set(id, task);
  return async () => {
    if (!tasks.delete(id)) return;
    await task();
  };
}

export function benchTempDir(prefix = 'tw-bench-'): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}

/** Kills a child we started (by its pid only), escalating to SIGKILL after `graceMs`. */
export async function killChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills a process by pid (one we know we started, e.g. the engine child of our server). */
export function killPid(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try { process.kill(pid, signal); } catch { /* already gone */ }
}

/** Runs all registered tasks, newest first. */
export function cleanupAll(): Promise<void> {
  if (!running) {
    running = (async () => {
      const list = [...tasks.entries()].reverse();
      tasks.clear();
      for (const [, t] of list) {
        try { await t(); } catch (e) { process.stderr.write(`bench cleanup: ${String(e)}\n`); }
      }
    })();
  }
  return running;
}

let installed = false;
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nbench: ${sig}, cleaning up...\n`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  process.on('uncaughtException', (e) => {
    process.stderr.write(`bench: uncaught ${e.stack ?? String(e)}\n`);
    void cleanupAll().finally(() => process.exit(1));
  });
}
