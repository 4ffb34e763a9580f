/** Errors the CLI reports as `trailwatch: <Code>: <message>` (or `{"error":Code,"message":...}` with --json). */
export class CliError extends Error {
  constructor(readonly code: string, message: string, readonly status?: number, readonly requestId?: string) {
    super(message);
    this.name = code;
  }
}

/** A bad command-line value (time, number, path). */
export const usageError = (message: string): CliError => new CliError('InvalidArgument', message);

/** The code and message to report for any failure. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof CliError) return { code: err.code, message: err.message };
  const e = err as { code?: unknown; name?: string; message?: string } | undefined;
  // System errors (ENOENT, EACCES, ...): the code once, not repeated at the start of the message.
  if (e && typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return { code: e.code, message: (e.message ?? String(err)).replace(`${e.code}: `, '') };
  return { code: e?.name && e.name !== 'Error' ? e.name : 'Error', message: e?.message ?? String(err) };
}
