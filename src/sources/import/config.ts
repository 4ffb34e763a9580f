/**
 * Import configuration (`<data>/import.json`, or the file named by `--import-config` /
 * TRAILWATCH_IMPORT_CONFIG): destination group and stream naming, suppression rules, chunking and Firehose
 * limits, and the S3 client the server uses for notifications delivered over HTTPS. Every member is optional;
 * docs/import.md documents them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFileInfo, SourceFormat } from '../contract.js';
import type { SuppressionConfig } from './suppression.js';

export interface ImportConfig {
  /** Destination log group templates by format id (or `default`), e.g. `{"cloudtrail": "aws/cloudtrail/{account}"}`. */
  groups?: Record<string, string>;
  /** Destination log stream templates by format id (or `default`). */
  streams?: Record<string, string>;
  suppression?: SuppressionConfig;
  /** Line formats are parsed and stored in chunks of about this many (uncompressed) bytes. Default 2 MiB. */
  chunkBytes?: number;
  /** Largest uncompressed object of a whole-document format (CloudTrail, GuardDuty…). Default 256 MiB. */
  maxDocumentBytes?: number;
  /** Group for lines and records that could not be parsed. Default `/trailwatch/import/problems`. */
  problemsGroup?: string;
  firehose?: {
    /** Largest request body (after gzip decoding). Default 64 MiB, the Firehose maximum. */
    maxBodyBytes?: number;
    /** Destination group of subscription events; `{logGroup}` is the origin log group. Default `{logGroup}`. */
    groupTemplate?: string;
    /** Destination group of records that are not CloudWatch Logs payloads. Default `/aws/firehose/{deliveryStream}`. */
    rawGroupTemplate?: string;
  };
  /** For S3 notifications delivered over HTTPS (SNS, EventBridge): how the server reads the objects. */
  s3?: { endpoint?: string; region?: string; forcePathStyle?: boolean };
  notifications?: {
    /** Confirm SNS subscriptions by fetching their SubscribeURL. Default true. */
    confirmSubscriptions?: boolean;
    /** Hosts a SubscribeURL may point at (besides `sns.<region>.amazonaws.com`). */
    subscribeHosts?: string[];
    /** Verify the signature of SNS messages delivered over HTTP/S. Default true. */
    verifySignatures?: boolean;
    /** Hosts a SigningCertURL may point at (besides `sns.<region>.amazonaws.com` over HTTPS). */
    certHosts?: string[];
  };
}

export const DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
export const DEFAULT_FIREHOSE_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_PROBLEMS_GROUP = '/trailwatch/import/problems';

export function loadImportConfig(dataDir: string, path?: string): ImportConfig {
  const p = path ?? process.env.TRAILWATCH_IMPORT_CONFIG ?? join(dataDir, 'import.json');
  if (!existsSync(p)) {
    if (path) throw new Error(`import config ${path} does not exist`);
    return {};
  }
  let cfg: unknown;
  try { cfg = JSON.parse(readFileSync(p, 'utf8')); } catch (e) { throw new Error(`import config ${p}: ${(e as Error).message}`); }
  if (typeof cfg !== 'object' || cfg === null || Array.isArray(cfg)) throw new Error(`import config ${p}: expected a JSON object`);
  return cfg as ImportConfig;
}

/** Values a group or stream template can use. */
export interface NameVars {
  account: string;
  region: string;
  format: string;
  service?: string;
  bucket?: string;
  key?: string;
  flowLogId?: string;
  trail?: string;
  loadBalancer?: string;
  logGroup?: string;
  logStream?: string;
  deliveryStream?: string;
}

export function varsFor(format: SourceFormat, info: SourceFileInfo | undefined, o: { account: string; region: string; bucket?: string; key?: string }): NameVars {
  return {
    account: info?.accountId ?? o.account,
    region: info?.region ?? o.region,
    format: format.id,
    service: info?.service,
    bucket: o.bucket,
    key: o.key,
    flowLogId: info?.flowLogId,
    trail: info?.trailName,
    loadBalancer: info?.loadBalancer,
  };
}

/** `{name}` placeholders replaced; unknown or missing values become `unknown`. */
export function render(template: string, vars: NameVars): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, k: string) => {
    const v = (vars as unknown as Record<string, string | undefined>)[k];
    return v === undefined || v === '' ? 'unknown' : v;
  });
}

/** A valid log group name: characters CloudWatch Logs does not allow become `_`. */
export function safeGroupName(name: string): string {
  const s = name.replace(/[^.\-_/#A-Za-z0-9]/g, '_').slice(0, 512);
  return s || 'unknown';
}

export function safeStreamName(name: string): string {
  const s = name.replace(/[:*]/g, '_').slice(0, 512);
  return s || 'default';
}

export function destinationGroup(cfg: ImportConfig, format: SourceFormat, vars: NameVars): string {
  const t = cfg.groups?.[format.id] ?? cfg.groups?.default;
  if (t) return safeGroupName(render(t, vars));
  return safeGroupName(format.defaultLogGroup?.(vars.account) ?? `/aws/import/${format.id}/${vars.account}`);
}

export function destinationStream(cfg: ImportConfig, format: SourceFormat, vars: NameVars): string {
  const t = cfg.streams?.[format.id] ?? cfg.streams?.default;
  if (t) return safeStreamName(render(t, vars));
  // AWS's own naming for CloudTrail delivered to CloudWatch Logs: <account>_CloudTrail_<region>.
  if (vars.service) return safeStreamName(`${vars.account}_${vars.service}_${vars.region}`);
  const base = vars.key ? vars.key.slice(vars.key.lastIndexOf('/') + 1).replace(/\.gz$/i, '') : '';
  return safeStreamName(base || 'import');
}
