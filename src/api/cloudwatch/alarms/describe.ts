/**
 * DescribeAlarms, DescribeAlarmsForMetric and DescribeAlarmHistory. Paging: alarms by name,
 * history by time in ScanBy order; NextToken carries the position and a hash of the request, so
 * it only continues the same request.
 */
import { createHash } from 'node:crypto';
import type { Handler } from '../../context.js';
import type { Alarm, AlarmType, HistoryItemType } from '../../../alarms/model.js';
import { ALARM_LIMITS, STATE_VALUES } from '../../../alarms/model.js';
import { compositeAlarmView, metricAlarmView } from '../../../alarms/views.js';
import { combination, invalid, invalidNextToken } from '../errors.js';
import { dimensions, integer, list, namespace, text, timestamp, unit, type Input } from '../params.js';
import { alarmName } from './common.js';

const ALARM_TYPES: AlarmType[] = ['CompositeAlarm', 'MetricAlarm'];

function requestHash(input: Input): string {
  const { NextToken: _t, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v))).digest('base64url').slice(0, 16);
}

function readToken<T>(input: Input, hash: string): T | undefined {
  const token = text(input, 'NextToken', 'NextToken');
  if (token === undefined) return undefined;
  let t: { p?: T; h?: string } | undefined;
  try { t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { p?: T; h?: string }; } catch { t = undefined; }
  if (!t || t.p === undefined || t.h !== hash) throw invalidNextToken();
  return t.p;
}

const makeToken = (p: unknown, hash: string) => Buffer.from(JSON.stringify({ p, h: hash })).toString('base64url');

function alarmTypes(input: Input): AlarmType[] | undefined {
  const raw = list<unknown>(input, 'AlarmTypes', 'AlarmTypes');
  if (!raw) return undefined;
  return raw.map((t, i) => {
    if (typeof t !== 'string' || !(ALARM_TYPES as string[]).includes(t)) throw invalid(`The value ${String(t)} for parameter AlarmTypes.member.${i + 1} is invalid. Valid values: CompositeAlarm, MetricAlarm.`);
    return t as AlarmType;
  });
}

function maxRecords(input: Input, def: number): number {
  return integer(input, 'MaxRecords', 'MaxRecords', { min: 1, max: 100 }) ?? def;
}

function split(alarms: Alarm[]): Record<string, unknown> {
  return {
    CompositeAlarms: alarms.filter((a) => a.type === 'CompositeAlarm').map((a) => compositeAlarmView(a as Extract<Alarm, { type: 'CompositeAlarm' }>)),
    MetricAlarms: alarms.filter((a) => a.type === 'MetricAlarm').map((a) => metricAlarmView(a as Extract<Alarm, { type: 'MetricAlarm' }>)),
  };
}

export const DescribeAlarms: Handler = async (input, ctx) => {
  const names = list<unknown>(input, 'AlarmNames', 'AlarmNames', { max: ALARM_LIMITS.describeNamesMax });
  const prefix = text(input, 'AlarmNamePrefix', 'AlarmNamePrefix', { min: 1, max: 255 });
  const types = alarmTypes(input);
  const children = alarmName(input, 'ChildrenOfAlarmName', false);
  const parents = alarmName(input, 'ParentsOfAlarmName', false);
  const state = text(input, 'StateValue', 'StateValue');
  if (state !== undefined && !(STATE_VALUES as string[]).includes(state)) throw invalid(`The value ${state} for parameter StateValue is invalid. Valid values: ${STATE_VALUES.join(', ')}.`);
  const actionPrefix = text(input, 'ActionPrefix', 'ActionPrefix', { min: 1, max: 1024 });
  const max = maxRecords(input, 50);
  if (names && prefix !== undefined) throw combination('The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.');
  if (children !== undefined && parents !== undefined) throw combination('The parameters ChildrenOfAlarmName and ParentsOfAlarmName are mutually exclusive and you have specified both.');
  const relation = children ?? parents;
  if (relation !== undefined && (names || prefix !== undefined || types || state !== undefined || actionPrefix !== undefined)) {
    throw combination(`When ${children !== undefined ? 'ChildrenOfAlarmName' : 'ParentsOfAlarmName'} is specified, only MaxRecords and NextToken may be specified with it.`);
  }
  const hash = requestHash(input);
  const after = readToken<string>(input, hash);

  let alarms: Alarm[];
  if (relation !== undefined) {
    const related = children !== undefined ? ctx.alarms.childrenOf(children) : ctx.alarms.parentsOf(parents!);
    alarms = related.sort().map((n) => ctx.alarms.get(n)!).filter(Boolean);
  } else {
    const wanted = types ?? ['MetricAlarm'];
    const nameSet = names ? new Set(names.map(String)) : undefined;
    alarms = ctx.alarms.list().filter((a) =>
      wanted.includes(a.type)
      && (!nameSet || nameSet.has(a.name))
      && (prefix === undefined || a.name.startsWith(prefix))
      && (state === undefined || a.state.value === state)
      && (actionPrefix === undefined || [...a.alarmActions, ...a.okActions, ...a.insufficientDataActions].some((x) => x.startsWith(actionPrefix))));
  }
  if (after !== undefined) alarms = alarms.filter((a) => a.name > after);
  const page = alarms.slice(0, max);
  const out = split(page);
  if (alarms.length > max) out.NextToken = makeToken(page[page.length - 1].name, hash);
  return out;
};

export const DescribeAlarmsForMetric: Handler = async (input, ctx) => {
  const metricName = text(input, 'MetricName', 'MetricName', { required: true, min: 1, max: 255 })!;
  const ns = namespace(input, 'Namespace', { required: true })!;
  const statistic = text(input, 'Statistic', 'Statistic');
  const extended = text(input, 'ExtendedStatistic', 'ExtendedStatistic');
  const period = integer(input, 'Period', 'Period', { min: 1 });
  const u = unit(input, 'Unit');
  const dimsGiven = input.Dimensions !== undefined && input.Dimensions !== null;
  const dims = dimensions(input, 'Dimensions');
  const key = (d: Array<{ Name: string; Value: string }>) => d.map((x) => `${x.Name}=${x.Value}`).sort().join('\u0000');
  const matches = ctx.alarms.list().filter((a) => {
    if (a.type !== 'MetricAlarm') return false;
    // Single-metric alarms, and each MetricStat of a math alarm, are matched.
    const stats = a.metrics
      ? a.metrics.filter((m) => m.MetricStat).map((m) => ({ ns: m.MetricStat!.Metric.Namespace, name: m.MetricStat!.Metric.MetricName, dims: m.MetricStat!.Metric.Dimensions, stat: m.MetricStat!.Stat, period: m.MetricStat!.Period, unit: m.MetricStat!.Unit }))
      : [{ ns: a.namespace!, name: a.metricName!, dims: a.dimensions ?? [], stat: a.statistic ?? a.extendedStatistic!, period: a.period!, unit: a.unit }];
    return stats.some((s) => s.ns === ns && s.name === metricName
      && (!dimsGiven || key(s.dims) === key(dims))
      && (statistic === undefined || s.stat === statistic)
      && (extended === undefined || s.stat === extended)
      && (period === undefined || s.period === period)
      && (u === undefined || s.unit === u));
  });
  return { MetricAlarms: matches.map((a) => metricAlarmView(a as Extract<Alarm, { type: 'MetricAlarm' }>)) };
};

const HISTORY_TYPES: HistoryItemType[] = ['ConfigurationUpdate', 'StateUpdate', 'Action'];

export const DescribeAlarmHistory: Handler = async (input, ctx) => {
  const name = alarmName(input, 'AlarmName', false);
  if (input.AlarmContributorId !== undefined && input.AlarmContributorId !== null) throw invalid('The parameter AlarmContributorId is not supported by this server (no multi-contributor alarms).');
  const types = alarmTypes(input) ?? ['MetricAlarm'];
  const itemType = text(input, 'HistoryItemType', 'HistoryItemType');
  if (itemType !== undefined && !(HISTORY_TYPES as string[]).includes(itemType)) throw invalid(`The value ${itemType} for parameter HistoryItemType is invalid. Valid values: ${HISTORY_TYPES.join(', ')}.`);
  const start = timestamp(input, 'StartDate', 'StartDate');
  const end = timestamp(input, 'EndDate', 'EndDate');
  const scanBy = text(input, 'ScanBy', 'ScanBy') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') throw invalid(`The value ${scanBy} for parameter ScanBy is invalid. Valid values: TimestampDescending, TimestampAscending.`);
  const max = maxRecords(input, 100);
  const hash = requestHash(input);
  const skip = readToken<number>(input, hash) ?? 0;
  if (!Number.isSafeInteger(skip) || skip < 0) throw invalidNextToken();
  const items = ctx.alarms.queryHistory({ alarmName: name, types, itemType: itemType as HistoryItemType | undefined, start, end, ascending: scanBy === 'TimestampAscending' });
  const page = items.slice(skip, skip + max);
  const out: Record<string, unknown> = {
    AlarmHistoryItems: page.map((h) => ({ AlarmName: h.alarmName, AlarmType: h.alarmType, Timestamp: new Date(h.timestamp), HistoryItemType: h.type, HistorySummary: h.summary, HistoryData: h.data })),
  };
  if (items.length > skip + max) out.NextToken = makeToken(skip + max, hash);
  return out;
};
