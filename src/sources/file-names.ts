/**
 * What AWS's log file names (S3 keys) say: account, region, service, delivery time and per-service
 * details. The conventions (AWS docs):
 * - CloudTrail: `AWSLogs/[o-id/]<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<random>.json.gz`
 *   (`CloudTrail-Insight` likewise; digests `<acct>_CloudTrail-Digest_<region>_<trail>_<home-region>_<YYYYMMDDTHHmmssZ>.json.gz`)
 * - VPC Flow Logs: `<acct>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`
 * - ALB: `<acct>_elasticloadbalancing_<region>_app.<name>.<id>_<YYYYMMDDTHHmmZ>_<node-ip>_<random>.log.gz`
 * - S3 server access logs: `<prefix>YYYY-mm-DD-HH-MM-SS-<16 hex>`, or with date-based partitioning
 *   `<prefix><acct>/<region>/<bucket>/YYYY/MM/DD/YYYY-MM-DD-HH-MM-SS-<16 hex>`.
 */
import type { SourceFileInfo } from './contract.js';

const CLOUDTRAIL = /(?:^|\/)(\d{12})_(CloudTrail(?:-Insight)?)_([a-z0-9-]+)_(\d{8}T\d{4,6}Z)(?:_([A-Za-z0-9]+))?\.json(?:\.gz)?$/;
const DIGEST = /(?:^|\/)(\d{12})_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8}T\d{6}Z)\.json(?:\.gz)?$/;
const VPCFLOW = /(?:^|\/)(\d{12})_vpcflowlogs_([a-z0-9-]+)_(fl-[0-9a-zA-Z]+)_(\d{8}T\d{4}Z)_([0-9a-zA-Z]+)\.log(?:\.gz)?$/;
const ALB = /(?:^|\/)(\d{12})_elasticloadbalancing_([a-z0-9-]+)_((?:app|net)\.[^_/]+)_(\d{8}T\d{4}Z)_([0-9a-fA-F.:]+)_([A-Za-z0-9]+)\.log(?:\.gz)?$/;
const S3ACCESS = /(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-([0-9A-F]{16})$/;
const S3ACCESS_PARTITIONED = /(?:^|\/)(\d{12})\/([a-z0-9-]+)\/([a-z0-9][a-z0-9.-]{1,62})\/\d{4}\/\d{2}\/\d{2}\/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$/;
const ORG = /AWSLogs\/(o-[a-z0-9]{10,32})\//;

/** `20150801T0210Z` or `20150817T150131Z` → epoch ms. */
export function compactUtcMillis(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  return Number.isFinite(t) ? t : undefined;
}

function baseName(name: string): string {
  // Tolerate local copies that were already gunzipped (`….json`, `….log`) and Windows paths.
  return name.replace(/\\/g, '/');
}

/** Everything the name tells, or undefined when it follows none of the conventions above. */
export function parseAwsLogFileName(fileName: string | undefined): SourceFileInfo | undefined {
  if (!fileName) return undefined;
  const name = baseName(fileName);
  const org = ORG.exec(name)?.[1];
  let m = DIGEST.exec(name);
  if (m) {
    return strip({ service: 'CloudTrail-Digest', accountId: m[1], region: m[2], trailName: m[3], homeRegion: m[4], time: compactUtcMillis(m[5]), organizationId: org });
  }
  m = CLOUDTRAIL.exec(name);
  if (m) return strip({ service: m[2], accountId: m[1], region: m[3], time: compactUtcMillis(m[4]), organizationId: org });
  m = VPCFLOW.exec(name);
  if (m) return strip({ service: 'vpcflowlogs', accountId: m[1], region: m[2], flowLogId: m[3], time: compactUtcMillis(m[4]) });
  m = ALB.exec(name);
  if (m) {
    // The load balancer id has its slashes replaced by dots in the name: app.my-lb.50dc6c495c0c9188 → app/my-lb/50dc6c495c0c9188.
    return strip({ service: 'elasticloadbalancing', accountId: m[1], region: m[2], loadBalancer: m[3].replace(/\./g, '/'), time: compactUtcMillis(m[4]), nodeIp: m[5] });
  }
  m = S3ACCESS.exec(name);
  if (m) {
    const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
    const p = S3ACCESS_PARTITIONED.exec(name);
    return strip({ service: 's3-access', time, accountId: p?.[1], region: p?.[2], bucket: p?.[3] });
  }
  return undefined;
}

function strip(info: SourceFileInfo): SourceFileInfo {
  const out: SourceFileInfo = {};
  for (const [k, v] of Object.entries(info) as [keyof SourceFileInfo, string | number | undefined][]) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** The fallback time for events without one: the option, the file name's time, else now. */
export function fallbackTime(option: number | undefined, info: SourceFileInfo | undefined): number {
  if (option !== undefined && Number.isFinite(option)) return option;
  if (info?.time !== undefined) return info.time;
  return Date.now();
}
