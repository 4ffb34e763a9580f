/**
 * Brings a pack's resources into being through the AWS APIs: reads what exists
 * (DescribeMetricFilters, DescribeAlarms, GetDashboard), then puts only what is missing or differs,
 * so a second run changes nothing. `createOnly` never touches an existing resource (the server's
 * built-in defaults must not overwrite a user's edits).
 */
import type { DashboardBody, MetricAlarmInput, MetricFilterInput, PackResources } from './types.js';

/** The two AWS APIs a pack needs; errors thrown carry AWS's error code in `code`. */
export interface PackApi {
  logs?(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
  cloudwatch(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export type ResourceKind = 'metric-filter' | 'alarm' | 'dashboard';
export type ChangeAction = 'created' | 'updated' | 'unchanged' | 'skipped';
export interface Change { kind: ResourceKind; name: string; action: ChangeAction; reason?: string }

/** A refusal before anything is changed, with an AWS-style code. */
export class PackError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

/** Metric filters a log group can have (PutMetricFilter answers LimitExceededException beyond). */
export const MAX_FILTERS_PER_GROUP = 100;

/** Thrown by an API adapter when the server does not offer an operation at all. */
export class OperationUnavailable extends Error {
  constructor(readonly operation: string) { super(`${operation} is not available on this server`); }
}

const codeOf = (e: unknown): string => String((e as { code?: unknown })?.code ?? '');
/** GetDashboard on a missing dashboard: `ResourceNotFound` (awsQuery code) or its Smithy shape name. */
const isNotFound = (e: unknown): boolean => ['ResourceNotFound', 'DashboardNotFoundError', 'ResourceNotFoundException'].includes(codeOf(e));
const isUnavailable = (e: unknown): boolean => e instanceof OperationUnavailable || ['UnknownOperationException', 'InvalidAction'].includes(codeOf(e));

/** A value with object keys sorted, so two JSON documents compare by content. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if ((v as Record<string, unknown>)[k] !== undefined) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

interface ExistingFilter { filterName?: string; filterPattern?: string; metricTransformations?: Array<Record<string, unknown>> }

/** True when an existing metric filter is exactly the wanted one (pattern and transformation). */
export function sameMetricFilter(want: MetricFilterInput, have: ExistingFilter): boolean {
  const t = have.metricTransformations?.[0];
  if (!t || have.filterPattern !== want.filterPattern || (have.metricTransformations?.length ?? 0) !== 1) return false;
  const w = want.metricTransformations[0];
  const dims = t.dimensions && typeof t.dimensions === 'object' ? Object.keys(t.dimensions) : [];
  return t.metricName === w.metricName && t.metricNamespace === w.metricNamespace && String(t.metricValue) === w.metricValue
    && (t.defaultValue === undefined || t.defaultValue === null) && dims.length === 0
    && (t.unit ?? w.unit ?? 'None') === (w.unit ?? t.unit ?? 'None');
}

/** The alarm settings a pack controls, with AWS's defaults filled in, for comparison. */
function alarmSettings(a: Record<string, unknown>): Record<string, unknown> {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).sort() : []);
  const dims = (Array.isArray(a.Dimensions) ? a.Dimensions as Array<{ Name: string; Value: string }> : []).map((d) => ({ Name: d.Name, Value: d.Value })).sort((x, y) => (x.Name < y.Name ? -1 : x.Name > y.Name ? 1 : 0));
  const evaluationPeriods = Number(a.EvaluationPeriods);
  return {
    AlarmDescription: a.AlarmDescription ?? '',
    ActionsEnabled: a.ActionsEnabled ?? true,
    AlarmActions: list(a.AlarmActions),
    OKActions: list(a.OKActions),
    InsufficientDataActions: list(a.InsufficientDataActions),
    Namespace: a.Namespace,
    MetricName: a.MetricName,
    Dimensions: dims,
    Statistic: a.Statistic,
    Period: Number(a.Period),
    EvaluationPeriods: evaluationPeriods,
    DatapointsToAlarm: a.DatapointsToAlarm === undefined || a.DatapointsToAlarm === null ? evaluationPeriods : Number(a.DatapointsToAlarm),
    Threshold: Number(a.Threshold),
    ComparisonOperator: a.ComparisonOperator,
    TreatMissingData: a.TreatMissingData ?? 'missing',
    Unit: a.Unit ?? null,
  };
}

export const sameAlarm = (want: MetricAlarmInput, have: Record<string, unknown>): boolean =>
  sameJson(alarmSettings(want as unknown as Record<string, unknown>), alarmSettings(have));

async function existingFilters(api: PackApi, group: string): Promise<Map<string, ExistingFilter>> {
  const out = new Map<string, ExistingFilter>();
  let nextToken: string | undefined;
  do {
    const page = await api.logs!('DescribeMetricFilters', { logGroupName: group, ...(nextToken ? { nextToken } : {}) }) as { metricFilters?: ExistingFilter[]; nextToken?: string };
    for (const f of page.metricFilters ?? []) if (f.filterName) out.set(f.filterName, f);
    nextToken = page.nextToken && page.nextToken !== nextToken ? page.nextToken : undefined;
  } while (nextToken);
  return out;
}

/** The metric alarms among `names` that exist, by name (DescribeAlarms takes at most 100 names). */
async function existingAlarms(api: PackApi, names: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < names.length; i += 100) {
    let nextToken: string | undefined;
    do {
      const page = await api.cloudwatch('DescribeAlarms', { AlarmNames: names.slice(i, i + 100), ...(nextToken ? { NextToken: nextToken } : {}) }) as { MetricAlarms?: Array<Record<string, unknown>>; NextToken?: string };
      for (const a of page.MetricAlarms ?? []) out.set(String(a.AlarmName), a);
      nextToken = page.NextToken && page.NextToken !== nextToken ? page.NextToken : undefined;
    } while (nextToken);
  }
  return out;
}

export interface InstallOptions {
  /** Create missing resources only; never update existing ones. */
  createOnly?: boolean;
}

/** Installs (or repairs) a pack's resources; returns what happened to each, in order. */
export async function installResources(api: PackApi, r: PackResources, o: InstallOptions = {}): Promise<Change[]> {
  const changes: Change[] = [];

  if (r.metricFilters.length) {
    const byGroup = new Map<string, MetricFilterInput[]>();
    for (const f of r.metricFilters) byGroup.set(f.logGroupName, [...(byGroup.get(f.logGroupName) ?? []), f]);
    for (const [group, wanted] of byGroup) {
      const have = await existingFilters(api, group);
      // Checked up front so the pack is not left half-installed by the 101st filter.
      const adding = wanted.filter((f) => !have.has(f.filterName)).length;
      if (have.size + adding > MAX_FILTERS_PER_GROUP) {
        throw new PackError('LimitExceededException', `Log group ${group} has ${have.size} metric filters; the pack adds ${adding} and a log group can have at most ${MAX_FILTERS_PER_GROUP}.`);
      }
      for (const f of wanted) {
        const cur = have.get(f.filterName);
        if (cur && (o.createOnly || sameMetricFilter(f, cur))) { changes.push({ kind: 'metric-filter', name: f.filterName, action: 'unchanged' }); continue; }
        await api.logs!('PutMetricFilter', f as unknown as Record<string, unknown>);
        changes.push({ kind: 'metric-filter', name: f.filterName, action: cur ? 'updated' : 'created' });
      }
    }
  }

  const arns = new Map<string, string>();
  let alarmsAvailable = true;
  if (r.alarms.length) {
    try {
      const have = await existingAlarms(api, r.alarms.map((a) => a.AlarmName));
      for (const a of r.alarms) {
        const cur = have.get(a.AlarmName);
        if (cur && (o.createOnly || sameAlarm(a, cur))) { changes.push({ kind: 'alarm', name: a.AlarmName, action: 'unchanged' }); continue; }
        await api.cloudwatch('PutMetricAlarm', a as unknown as Record<string, unknown>);
        changes.push({ kind: 'alarm', name: a.AlarmName, action: cur ? 'updated' : 'created' });
      }
      // The alarm widget needs ARNs as the server mints them.
      for (const [name, a] of await existingAlarms(api, r.alarms.map((x) => x.AlarmName))) if (typeof a.AlarmArn === 'string') arns.set(name, a.AlarmArn);
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      alarmsAvailable = false;
      for (const a of r.alarms) changes.push({ kind: 'alarm', name: a.AlarmName, action: 'skipped', reason: 'the server has no alarm API (PutMetricAlarm)' });
    }
  }

  if (r.dashboard) {
    const d = r.dashboard(arns);
    try {
      let cur: DashboardBody | undefined;
      let exists = true;
      try {
        const got = await api.cloudwatch('GetDashboard', { DashboardName: d.DashboardName }) as { DashboardBody?: string };
        try { cur = JSON.parse(got.DashboardBody ?? '') as DashboardBody; } catch { cur = undefined; }
      } catch (e) {
        if (!isNotFound(e)) throw e;
        exists = false;
      }
      if (exists && (o.createOnly || sameJson(cur, d.DashboardBody))) changes.push({ kind: 'dashboard', name: d.DashboardName, action: 'unchanged' });
      else {
        await api.cloudwatch('PutDashboard', { DashboardName: d.DashboardName, DashboardBody: JSON.stringify(d.DashboardBody) });
        changes.push({ kind: 'dashboard', name: d.DashboardName, action: exists ? 'updated' : 'created', ...(alarmsAvailable ? {} : { reason: 'without the alarm status widget (no alarm API)' }) });
      }
    } catch (e) {
      if (!isUnavailable(e)) throw e;
      changes.push({ kind: 'dashboard', name: d.DashboardName, action: 'skipped', reason: 'the server has no dashboard API (PutDashboard)' });
    }
  }
  return changes;
}
