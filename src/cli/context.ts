/** What every client command needs: the global options and a signed client for the endpoint. */
import type { Command } from 'commander';
import { LogsClient } from './client.js';
import { profileFiles, profileRegion, resolveCredentials } from './credentials.js';

export interface GlobalOptions { json?: boolean; endpoint: string; region: string; profile?: string }

function root(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** A client for `--endpoint`, with credentials from `--profile`, the environment or the shared files. */
export function makeClient(cmd: Command, o: { maxSockets?: number; env?: NodeJS.ProcessEnv } = {}): LogsClient {
  const env = o.env ?? process.env;
  const g = globalOptions(cmd);
  const program = root(cmd);
  const explicitProfile = program.getOptionValueSource('profile') === 'cli' ? g.profile : undefined;
  const credentials = resolveCredentials({ explicitProfile, env });
  let region = g.region;
  // No --region and no AWS_REGION / AWS_DEFAULT_REGION: the profile's region, if it has one.
  if (program.getOptionValueSource('region') !== 'cli' && !env.AWS_REGION && !env.AWS_DEFAULT_REGION) {
    region = profileRegion(g.profile || env.AWS_PROFILE || 'default', profileFiles(env)) ?? region;
  }
  return new LogsClient({ endpoint: g.endpoint, region, credentials, maxSockets: o.maxSockets });
}

/** Runs a command body with a client, closing its sockets afterwards so the process can exit. */
export async function withClient<T>(cmd: Command, fn: (client: LogsClient, g: GlobalOptions) => Promise<T>, o: { maxSockets?: number } = {}): Promise<T> {
  const client = makeClient(cmd, o);
  try {
    return await fn(client, globalOptions(cmd));
  } finally {
    client.close();
  }
}
