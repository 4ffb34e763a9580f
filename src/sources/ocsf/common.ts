/**
 * Pieces every OCSF 1.1.0 mapping uses: the classification block, metadata, cloud, endpoints, time, and the
 * clean-up that drops empty members (OCSF wants absent attributes omitted, not null).
 */
import type { ParsedEvent } from '../contract.js';
import { parseJsonLenient } from '../json-reader.js';
import { isoFromMillis, parseIsoMillis } from '../time.js';
import { canonicalIp, isIp, isObject } from '../values.js';

export const OCSF_VERSION = '1.1.0';

export type OcsfEvent = Record<string, unknown>;

/** Options every toOcsf() accepts. */
export interface OcsfMapOptions {
  /** Put the event's message in `raw_data`. */
  includeRaw?: boolean;
  /** Account and region to use when the record itself does not say (e.g. from the file name). */
  accountId?: string;
  region?: string;
}

export interface ClassInfo {
  classUid: number;
  className: string;
  categoryUid: number;
  categoryName: string;
}

export const API_ACTIVITY: ClassInfo = { classUid: 6003, className: 'API Activity', categoryUid: 6, categoryName: 'Application Activity' };
export const AUTHENTICATION: ClassInfo = { classUid: 3002, className: 'Authentication', categoryUid: 3, categoryName: 'Identity & Access Management' };
export const NETWORK_ACTIVITY: ClassInfo = { classUid: 4001, className: 'Network Activity', categoryUid: 4, categoryName: 'Network Activity' };
export const HTTP_ACTIVITY: ClassInfo = { classUid: 4002, className: 'HTTP Activity', categoryUid: 4, categoryName: 'Network Activity' };
export const DNS_ACTIVITY: ClassInfo = { classUid: 4003, className: 'DNS Activity', categoryUid: 4, categoryName: 'Network Activity' };
export const DETECTION_FINDING: ClassInfo = { classUid: 2004, className: 'Detection Finding', categoryUid: 2, categoryName: 'Findings' };

export const SEVERITY_NAMES: Record<number, string> = { 0: 'Unknown', 1: 'Informational', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical', 6: 'Fatal', 99: 'Other' };

/** activity, category, class, type and severity members. */
export function classification(c: ClassInfo, activityId: number, activityName: string, severityId = 1): OcsfEvent {
  return {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: c.categoryUid,
    category_name: c.categoryName,
    class_uid: c.classUid,
    class_name: c.className,
    type_uid: c.classUid * 100 + activityId,
    type_name: `${c.className}: ${activityName}`,
    severity_id: severityId,
    severity: SEVERITY_NAMES[severityId] ?? 'Other',
  };
}

/**
 * Several time members at once: `times({time: t, start_time: s})` → `{time, time_dt, start_time, start_time_dt}`,
 * skipping undefined ones. Built by assignment and merged with Object.assign: object spread of such objects into a
 * large literal is several times slower in V8.
 */
export function times(spec: Record<string, number | undefined>): OcsfEvent {
  const o: OcsfEvent = {};
  for (const name in spec) {
    const ms = spec[name];
    if (ms === undefined || !Number.isFinite(ms)) continue;
    o[name] = ms;
    o[`${name}_dt`] = isoFromMillis(ms);
  }
  return o;
}

/** epoch ms from an AWS time string, or undefined. */
export function msFrom(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = parseIsoMillis(v);
  return Number.isFinite(t) ? t : undefined;
}

export interface ProductInfo {
  name: string;
  vendor?: string;
  version?: unknown;
  feature?: unknown;
  uid?: unknown;
}

export function metadata(product: ProductInfo, profiles: string[], extra: OcsfEvent = {}): OcsfEvent {
  return {
    version: OCSF_VERSION,
    product: {
      name: product.name,
      vendor_name: product.vendor ?? 'AWS',
      version: typeof product.version === 'string' ? product.version : undefined,
      uid: typeof product.uid === 'string' ? product.uid : undefined,
      feature: typeof product.feature === 'string' && product.feature ? { name: product.feature } : undefined,
    },
    profiles,
    ...extra,
  };
}

export function cloud(region: unknown, accountId: unknown, zone?: unknown): OcsfEvent {
  return {
    provider: 'AWS',
    region: typeof region === 'string' && region ? region : undefined,
    zone: typeof zone === 'string' && zone ? zone : undefined,
    account: typeof accountId === 'string' && accountId ? { uid: accountId, type_id: 10, type: 'AWS Account' } : undefined,
  };
}

/** An address as OCSF wants it (`ip_t` has no leading zeros: anonymised `010.001.002.003` → `10.1.2.3`). */
export function ipOf(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return isIp(v) ? canonicalIp(v) : undefined;
}

/** A hostname that satisfies OCSF's hostname_t (the trailing root dot removed), or undefined. */
export function hostnameOf(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0) return undefined;
  const h = v.endsWith('.') ? v.slice(0, -1) : v;
  return /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/.test(h) ? h : undefined;
}

/** Drops undefined, null, empty objects and empty arrays, recursively (keeps false, 0 and ''). */
export function prune<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      if (x === undefined || x === null) continue;
      if (typeof x === 'object') {
        const p = prune(x) as object;
        if (Array.isArray(p) ? p.length > 0 : !isEmpty(p)) out.push(p);
      } else out.push(x);
    }
    return out as T;
  }
  const out: Record<string, unknown> = {};
  const src = v as Record<string, unknown>;
  for (const k in src) {
    const x = src[k];
    if (x === undefined || x === null) continue;
    if (typeof x === 'object') {
      const p = prune(x) as object;
      if (Array.isArray(p) ? p.length > 0 : !isEmpty(p)) out[k] = p;
    } else out[k] = x;
  }
  return out as T;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** The event's record: `record` when the parser kept it, else the message parsed; {} when neither works. */
export function recordOf(event: ParsedEvent): Record<string, unknown> {
  if (event.record) return event.record;
  try {
    const v = parseJsonLenient(event.message);
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

/** Members of `r` not in `mapped`, for `unmapped`. */
export function unmappedOf(r: Record<string, unknown>, mapped: ReadonlySet<string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(r)) {
    if (mapped.has(k) || v === undefined || v === null) continue;
    out[k] = v;
    any = true;
  }
  return any ? out : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
