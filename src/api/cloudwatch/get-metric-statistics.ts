/** GetMetricStatistics: classic and percentile statistics of one metric (exact dimension match). */
import type { Handler } from '../context.js';
import { CLASSIC_STATS, classicValue, computeStat, parseStat, type Classic } from '../../metrics/statistics.js';
import { periodCount, roundStart, validPeriod } from '../../metrics/periods.js';
import { combination, invalid, invalidValue } from './errors.js';
import { dimensions, integer, list, namespace, text, timestamp, unit } from './params.js';

export const MAX_DATAPOINTS = 1440;
const EXTENDED = /^p(\d{1,2}(\.\d{1,10})?|100(\.0+)?)$/;

export const GetMetricStatistics: Handler = async (input, ctx) => {
  const ns = namespace(input, 'Namespace', { required: true })!;
  const metricName = text(input, 'MetricName', 'MetricName', { required: true, min: 1, max: 255 })!;
  const dims = dimensions(input, 'Dimensions');
  const start = timestamp(input, 'StartTime', 'StartTime', true)!;
  const end = timestamp(input, 'EndTime', 'EndTime', true)!;
  const period = integer(input, 'Period', 'Period', { required: true })!;
  if (!validPeriod(period)) throw invalid('The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60.');
  const statistics = list<string>(input, 'Statistics', 'Statistics', { max: 5, min: 1 });
  const extended = list<string>(input, 'ExtendedStatistics', 'ExtendedStatistics', { max: 10, min: 1 });
  const u = unit(input, 'Unit');
  statistics?.forEach((s, i) => { if (!(CLASSIC_STATS as string[]).includes(s)) throw invalidValue(s, `Statistics.member.${i + 1}`); });
  extended?.forEach((s, i) => { if (typeof s !== 'string' || !EXTENDED.test(s) || Number(s.slice(1)) > 100) throw invalidValue(s, `ExtendedStatistics.member.${i + 1}`); });
  if (!statistics?.length && !extended?.length) throw combination('Must specify either Statistics or ExtendedStatistics.');
  if (end <= start) throw invalid('The parameter EndTime must be greater than StartTime.');
  const now = Date.now();
  const from = roundStart(start, period, now);
  const n = periodCount(from, end, period);
  if (n > MAX_DATAPOINTS) {
    throw combination(`You have requested up to ${n.toLocaleString('en-US')} datapoints, which exceeds the limit of ${MAX_DATAPOINTS.toLocaleString('en-US')}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
  }
  const series = ctx.metrics.findSeries(ns, metricName, dims);
  if (!series) return { Label: metricName, Datapoints: [] };
  const levels = (extended ?? []).map((s) => Number(s.slice(1)));
  const rows = await ctx.metrics.aggregate({ seriesIds: [series.id], start: from, end, periodSec: period, unit: u, byUnit: u === undefined, percentiles: levels });
  const Datapoints = rows.filter((r) => r.count > 0).map((r) => {
    const dp: Record<string, unknown> = { Timestamp: new Date(r.timestamp) };
    for (const s of statistics ?? []) dp[s] = classicValue(s as Classic, r);
    if (extended?.length) {
      const ext: Record<string, number> = {};
      extended.forEach((name, i) => {
        const v = computeStat(parseStat(`p${levels[i]}`)!, r);
        if (v !== undefined) ext[name] = v;
      });
      if (Object.keys(ext).length) dp.ExtendedStatistics = ext;
    }
    dp.Unit = r.unit ?? u ?? 'None';
    return dp;
  });
  return { Label: metricName, Datapoints };
};
