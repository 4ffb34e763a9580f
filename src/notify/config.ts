/**
 * Notification settings: `<data>/notify.json`, overridden by environment variables.
 *
 * ```json
 * { "publicUrl": "https://trailwatch.example.com",
 *   "smtp": { "url": "smtp://user:pass@relay:587", "from": "Trailwatch <alerts@example.com>" },
 *   "deliveryPolicy": { "http": { "numRetries": 3, "minDelayTarget": 20, "maxDelayTarget": 20 } },
 *   "concurrency": 8, "keepFinished": 1000 }
 * ```
 * Env: TRAILWATCH_PUBLIC_URL, TRAILWATCH_SMTP_URL, TRAILWATCH_SMTP_FROM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HTTP_DEFAULT, mergePolicy, type RetryPolicy } from './delivery-policy.js';

export interface NotifyConfig {
  /** Base URL subscribers reach this server at (SubscribeURL, UnsubscribeURL, SigningCertURL). */
  publicUrl?: string;
  smtp?: { url: string; from?: string };
  /** Per-protocol default retry policies (seconds; fractions allowed here, unlike the API's DeliveryPolicy). */
  deliveryPolicy: Partial<Record<'http' | 'email' | 'slack', Partial<RetryPolicy>>>;
  /** Deliveries attempted at once. */
  concurrency: number;
  /** Finished deliveries kept for the read API (dead letters are kept regardless, up to 10x this). */
  keepFinished: number;
}

export class ConfigError extends Error {}

export function loadNotifyConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): NotifyConfig {
  const path = join(dataDir, 'notify.json');
  let file: Record<string, unknown> = {};
  if (existsSync(path)) {
    try { file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>; } catch (e) {
      throw new ConfigError(`${path}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new ConfigError(`${path}: expected a JSON object`);
  }
  if (file.smtp !== undefined && (typeof file.smtp !== 'object' || file.smtp === null || Array.isArray(file.smtp))) throw new ConfigError('smtp must be an object with url and from');
  const smtpFile = (file.smtp ?? {}) as { url?: unknown; from?: unknown };
  const smtpUrl = env.TRAILWATCH_SMTP_URL ?? (typeof smtpFile.url === 'string' ? smtpFile.url : undefined);
  const smtpFrom = env.TRAILWATCH_SMTP_FROM ?? (typeof smtpFile.from === 'string' ? smtpFile.from : undefined);
  const publicUrl = env.TRAILWATCH_PUBLIC_URL ?? (typeof file.publicUrl === 'string' ? file.publicUrl : undefined);
  if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) throw new ConfigError(`publicUrl must be an http(s) URL, got ${publicUrl}`);
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError('the SMTP URL must start with smtp:// or smtps://');
  const num = (v: unknown, dflt: number, name: string): number => {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer`);
    return v;
  };
  const policies = (file.deliveryPolicy ?? {}) as NotifyConfig['deliveryPolicy'];
  if (typeof policies !== 'object' || policies === null || Array.isArray(policies)) throw new ConfigError('deliveryPolicy must be an object');
  for (const [k, p] of Object.entries(policies)) {
    if (!['http', 'email', 'slack'].includes(k)) throw new ConfigError(`deliveryPolicy.${k}: only http, email and slack have policies`);
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new ConfigError(`deliveryPolicy.${k} must be an object`);
    try { mergePolicy(HTTP_DEFAULT, p); } catch (e) { throw new ConfigError(`deliveryPolicy.${k}: ${(e as Error).message}`); }
    if (p.backoffFunction !== undefined && !['linear', 'arithmetic', 'geometric', 'exponential'].includes(p.backoffFunction)) throw new ConfigError(`deliveryPolicy.${k}.backoffFunction must be linear, arithmetic, geometric or exponential`);
  }
  return {
    publicUrl: publicUrl?.replace(/\/+$/, ''),
    smtp: smtpUrl ? { url: smtpUrl, from: smtpFrom } : undefined,
    deliveryPolicy: policies,
    concurrency: num(file.concurrency, 8, 'concurrency'),
    keepFinished: num(file.keepFinished, 1000, 'keepFinished'),
  };
}
