/**
 * AWS credentials for the CLI, resolved the way the AWS CLI does it (a small subset):
 * an explicit `--profile` wins, then AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN),
 * then the profile named by AWS_PROFILE (or `default`) in the shared credentials file
 * (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials) or the config file
 * (AWS_CONFIG_FILE, default ~/.aws/config, sections `[profile NAME]` / `[default]`).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';

export interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/** Parses an ini file into sections of lower-cased keys. Comments start with `#` or `;`. */
export function parseIni(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let cur: Record<string, string> | undefined;
  let nested = false; // inside an indented sub-section such as `s3 =` in the config file
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (sec) {
      nested = false;
      cur = sections.get(sec[1]) ?? {};
      sections.set(sec[1], cur);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !cur) continue;
    if (nested && /^\s/.test(raw)) continue;
    const value = line.slice(eq + 1).trim();
    nested = value === '';
    cur[line.slice(0, eq).trim().toLowerCase()] = value;
  }
  return sections;
}

function readIni(file: string): Map<string, Record<string, string>> | undefined {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch { return undefined; }
  return parseIni(text);
}

function fromSection(s: Record<string, string> | undefined): Credentials | undefined {
  if (!s?.aws_access_key_id || !s.aws_secret_access_key) return undefined;
  return { accessKeyId: s.aws_access_key_id, secretAccessKey: s.aws_secret_access_key, ...(s.aws_session_token ? { sessionToken: s.aws_session_token } : {}) };
}

export interface ProfileFiles { credentialsFile: string; configFile: string }

export function profileFiles(env: NodeJS.ProcessEnv = process.env): ProfileFiles {
  const home = env.HOME || homedir();
  return {
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
    configFile: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
  };
}

/** Credentials of a named profile, from the credentials file first, then the config file. */
export function profileCredentials(profile: string, files: ProfileFiles): Credentials | undefined {
  const fromCreds = fromSection(readIni(files.credentialsFile)?.get(profile));
  if (fromCreds) return fromCreds;
  const config = readIni(files.configFile);
  return fromSection(config?.get(profile === 'default' ? 'default' : `profile ${profile}`) ?? config?.get(profile));
}

/** The region set in a profile of the config file, if any. */
export function profileRegion(profile: string, files: ProfileFiles): string | undefined {
  const config = readIni(files.configFile);
  return (config?.get(profile === 'default' ? 'default' : `profile ${profile}`) ?? config?.get(profile))?.region;
}

/**
 * `explicitProfile` is a profile given on the command line; it takes precedence over the
 * environment's keys. Otherwise environment keys win over AWS_PROFILE / the default profile.
 */
export function resolveCredentials(o: { explicitProfile?: string; env?: NodeJS.ProcessEnv } = {}): Credentials {
  const env = o.env ?? process.env;
  const files = profileFiles(env);
  if (o.explicitProfile) {
    const c = profileCredentials(o.explicitProfile, files);
    if (!c) throw new CliError('CredentialsError', `The profile '${o.explicitProfile}' has no aws_access_key_id / aws_secret_access_key in ${files.credentialsFile} or ${files.configFile}`);
    return c;
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
  }
  const profile = env.AWS_PROFILE || 'default';
  const c = profileCredentials(profile, files);
  if (c) return c;
  if (env.AWS_PROFILE) throw new CliError('CredentialsError', `The profile '${profile}' has no aws_access_key_id / aws_secret_access_key in ${files.credentialsFile} or ${files.configFile}`);
  throw new CliError('CredentialsError', 'Unable to locate credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile in ~/.aws/credentials (--profile / AWS_PROFILE)');
}
