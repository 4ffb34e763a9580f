/**
 * Noise control at the door: per-source suppression rules applied to parsed events before they are stored.
 * A rule names a source format (or `*`), field conditions that must all hold, a reason and an action:
 * `divert` (default) stores the event in the destination group's `…/suppressed` sibling instead, `count`
 * only counts it. Either way every match is counted per rule (durably, through the import ledger) and shown
 * in import answers and `GET /api/v1/import/stats`: nothing is dropped silently.
 *
 * A condition's field is an Insights field name of the format (`userIdentity.type`, `eventSource`, `readOnly`),
 * a column name (`user_type`), or any JSON path of the record for JSON formats. Values: a string (exact, or a
 * glob with `*` and `?`), a number, a boolean, `null` (field absent), or a list of any of these (one must match).
 */
import type { ParsedEvent, SourceFormat } from '../contract.js';

export type MatchValue = string | number | boolean | null;

export interface SuppressionRule {
  id: string;
  /** Format id (`cloudtrail`, `vpcflow`, …) or `*`. */
  source: string;
  match: Record<string, MatchValue | MatchValue[]>;
  reason: string;
  action?: 'divert' | 'count';
  /** Set on the built-in rules. */
  builtin?: boolean;
}

/**
 * Built-in rules: AWS service principals' own read-only KMS and STS calls (services decrypting with their
 * keys and assuming their roles), the bulk of CloudTrail volume in most accounts and the usual source of alert
 * floods. Disable them with `"suppression": {"defaults": false}` or list ids in `"disable"`.
 */
export const DEFAULT_RULES: SuppressionRule[] = [
  {
    id: 'aws-service-kms-reads',
    source: 'cloudtrail',
    match: { 'userIdentity.type': 'AWSService', eventSource: 'kms.amazonaws.com', readOnly: true },
    reason: 'AWS service principals using KMS keys on their own behalf (Decrypt, GenerateDataKey, …): read-only service chatter',
    action: 'divert',
    builtin: true,
  },
  {
    id: 'aws-service-sts-reads',
    source: 'cloudtrail',
    match: { 'userIdentity.type': 'AWSService', eventSource: 'sts.amazonaws.com', readOnly: true },
    reason: 'AWS service principals assuming roles and fetching credentials (AssumeRole, …): read-only service chatter',
    action: 'divert',
    builtin: true,
  },
];

export interface SuppressionConfig {
  /** Use the built-in rules (default true). */
  defaults?: boolean;
  /** Built-in rule ids to leave out. */
  disable?: string[];
  rules?: SuppressionRule[];
}

/** Validates rules from a config file; throws with a clear message on a bad one. */
export function resolveRules(cfg: SuppressionConfig | undefined): SuppressionRule[] {
  const disabled = new Set(cfg?.disable ?? []);
  const out = cfg?.defaults === false ? [] : DEFAULT_RULES.filter((r) => !disabled.has(r.id));
  const ids = new Set(out.map((r) => r.id));
  for (const r of cfg?.rules ?? []) {
    if (!r || typeof r.id !== 'string' || !r.id) throw new Error('suppression rule without an id');
    if (ids.has(r.id)) throw new Error(`duplicate suppression rule id ${r.id}`);
    if (typeof r.source !== 'string' || !r.source) throw new Error(`suppression rule ${r.id}: source must be a format id or "*"`);
    if (!r.match || typeof r.match !== 'object' || Object.keys(r.match).length === 0) throw new Error(`suppression rule ${r.id}: match must name at least one field`);
    if (r.action !== undefined && r.action !== 'divert' && r.action !== 'count') throw new Error(`suppression rule ${r.id}: action must be "divert" or "count"`);
    ids.add(r.id);
    out.push({ ...r, reason: typeof r.reason === 'string' ? r.reason : '', action: r.action ?? 'divert' });
  }
  return out;
}

type Getter = (e: ParsedEvent) => unknown;
type Test = (v: unknown) => boolean;

function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
}

function valueTest(expected: MatchValue | MatchValue[]): Test {
  if (Array.isArray(expected)) {
    const tests = expected.map(valueTest);
    return (v) => tests.some((t) => t(v));
  }
  if (expected === null) return (v) => v === null || v === undefined;
  if (typeof expected === 'string' && /[*?]/.test(expected)) {
    const re = globRegex(expected);
    return (v) => v !== null && v !== undefined && re.test(String(v));
  }
  const want = String(expected);
  return (v) => v !== null && v !== undefined && String(v) === want;
}

function pathGetter(path: string): Getter {
  const parts = path.split('.');
  return (e) => {
    let v: unknown = e.record;
    for (const p of parts) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
}

export interface CompiledRule { rule: SuppressionRule; test(e: ParsedEvent): boolean }

export interface FormatRules {
  rules: CompiledRule[];
  /** Some condition needs the parsed record (a field that is no column): parse with `keepRecord`. */
  needsRecord: boolean;
}

/** The rules that apply to one format, with their fields resolved to columns where possible. */
export function compileFor(format: SourceFormat, rules: SuppressionRule[]): FormatRules {
  const byField = new Map<string, string>();
  for (const c of format.columns) { byField.set(c.field, c.name); byField.set(c.name, c.name); }
  let needsRecord = false;
  const compiled: CompiledRule[] = [];
  for (const rule of rules) {
    if (rule.source !== '*' && rule.source !== format.id) continue;
    const conds: { get: Getter; test: Test }[] = [];
    for (const [field, expected] of Object.entries(rule.match)) {
      const col = byField.get(field);
      let get: Getter;
      if (col) get = (e) => e.columns[col];
      else if (field === 'message') get = (e) => e.message;
      else { needsRecord = true; get = pathGetter(field); }
      conds.push({ get, test: valueTest(expected) });
    }
    compiled.push({ rule, test: (e) => conds.every((c) => c.test(c.get(e))) });
  }
  return { rules: compiled, needsRecord };
}

/** The first rule an event matches, if any. */
export function firstMatch(rules: CompiledRule[], e: ParsedEvent): SuppressionRule | undefined {
  for (const r of rules) if (r.test(e)) return r.rule;
  return undefined;
}
