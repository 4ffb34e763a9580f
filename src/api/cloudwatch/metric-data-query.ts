/**
 * One MetricDataQuery as the API takes it (GetMetricData's MetricDataQueries, an alarm's Metrics):
 * validated with AWS's messages into the form src/metrics/metric-data.ts evaluates.
 */
import { MathError } from '../../metrics/math/lexer.js';
import { parseExpression, type Node } from '../../metrics/math/parser.js';
import { validPeriod } from '../../metrics/periods.js';
import { parseStat } from '../../metrics/statistics.js';
import type { Query } from '../../metrics/metric-data.js';
import { combination, invalid, invalidValue, missing } from './errors.js';
import { dimensions, integer, namespace, struct, text, unit } from './params.js';

export const MAX_QUERIES = 500;
export const DEFAULT_MAX_DATAPOINTS = 100_800;
const ID = /^[a-z][a-zA-Z0-9_]*$/;


/** Reads query `i` of a list (`prefix` names the list in messages); `seen` catches duplicate ids. */
export function readQuery(raw: unknown, i: number, seen: Set<string>, prefix = 'MetricDataQueries'): Query {
  const p = `${prefix}.member.${i + 1}`;
  const q = struct(raw, p);
  const id = text(q, 'Id', `${p}.Id`, { required: true, min: 1, max: 255 })!;
  if (!ID.test(id)) throw invalid(`The value ${id} for parameter ${p}.Id is invalid. It must start with a lowercase letter and contain only letters, numbers and underscores.`);
  if (seen.has(id)) throw invalid(`The value ${id} for parameter ${p}.Id is used more than once.`);
  seen.add(id);
  const label = text(q, 'Label', `${p}.Label`);
  const returnData = q.ReturnData === undefined || q.ReturnData === null ? true : q.ReturnData === true;
  const period = integer(q, 'Period', `${p}.Period`, { min: 1 });
  const hasStat = q.MetricStat !== undefined && q.MetricStat !== null;
  const hasExpr = q.Expression !== undefined && q.Expression !== null;
  if (hasStat && hasExpr) throw combination(`The parameters ${p}.MetricStat and ${p}.Expression are mutually exclusive and you have specified both.`);
  if (!hasStat && !hasExpr) throw missing(`${p}.MetricStat or ${p}.Expression`);
  if (hasExpr) {
    const expression = text(q, 'Expression', `${p}.Expression`, { min: 1, max: 2048 })!;
    let ast: Node;
    try { ast = parseExpression(expression); } catch (e) {
      if (e instanceof MathError) throw invalid(`Error in expression ${id}: ${e.message}`);
      throw e;
    }
    return { kind: 'expr', id, label, returnData, expression, ast, period };
  }
  const sp = `${p}.MetricStat`;
  const ms = struct(q.MetricStat, sp);
  if (ms.Metric === undefined || ms.Metric === null) throw missing(`${sp}.Metric`);
  const m = struct(ms.Metric, `${sp}.Metric`);
  const ns = namespace(m, `${sp}.Metric.Namespace`, { required: true })!;
  const metricName = text(m, 'MetricName', `${sp}.Metric.MetricName`, { required: true, min: 1, max: 255 })!;
  const dims = dimensions(m, `${sp}.Metric.Dimensions`);
  const statPeriod = integer(ms, 'Period', `${sp}.Period`, { required: true })!;
  if (!validPeriod(statPeriod)) throw invalid(`The parameter ${sp}.Period must be 1, 5, 10, 20, 30, or a multiple of 60.`);
  const stat = text(ms, 'Stat', `${sp}.Stat`, { required: true, min: 1 })!;
  if (!parseStat(stat)) throw invalidValue(stat, `${sp}.Stat`);
  return { kind: 'stat', id, label, returnData, namespace: ns, metricName, dimensions: dims, period: statPeriod, stat, unit: unit(ms, `${sp}.Unit`) };
}

