/**
 * State reasons and StateReasonData in AWS's words and shapes (fact sheet 4.8), e.g.
 * "Threshold Crossed: 1 out of the last 1 datapoints [5.0 (21/11/26 10:00:00)] was greater than
 * the threshold (3.0) (minimum 1 datapoint for OK -> ALARM transition)."
 * Numbers print as Java doubles (5.0, 1.0E7) and timestamps as AWS's Java formatter does.
 */
import type { Decision } from './evaluate-datapoints.js';
import type { StateValue } from './model.js';

/** A number as Java's Double.toString prints it (AWS's reasons and JSON use it). */
export function javaDouble(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(v);
    return s.includes('.') || s.includes('e') ? s : `${s}.0`;
  }
  const [m, e] = v.toExponential().split('e');
  return `${m.includes('.') ? m : `${m}.0`}E${Number(e)}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `dd/MM/yy HH:mm:ss` in UTC, the datapoint timestamps in reasons. */
export function reasonDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `Friday 22 July, 2022 15:57:45 UTC`, the time in composite alarm reasons. */
export function longDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSS+0000`, AWS's timestamps inside alarm JSON documents. */
export function awsJsonDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** An integer-valued field that prints without a decimal point inside javaJson. */
export class Int { constructor(readonly n: number) {} }

/** JSON whose numbers print as Java doubles (`{"threshold":3.0}`), as AWS writes StateReasonData. */
export function javaJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? javaDouble(v) : 'null';
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (v instanceof Int) return String(v.n);
  if (Array.isArray(v)) return `[${v.map(javaJson).join(',')}]`;
  if (typeof v === 'object') {
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${javaJson(x)}`);
    return `{${parts.join(',')}}`;
  }
  return 'null';
}


const OP_TEXT: Record<string, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

export interface ReasonContext {
  decision: Decision;
  from: StateValue;
  comparisonOperator: string;
  threshold?: number;
  /** Band bounds by range index (anomaly-detection alarms). */
  band?: { lower: Array<number | undefined>; upper: Array<number | undefined> };
  timestamps: readonly number[];
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

function comparison(ctx: ReasonContext, points: Array<{ index: number }>, negate: boolean): string {
  const op = ctx.comparisonOperator;
  const not = negate ? 'not ' : '';
  const list = (xs: Array<number | undefined>) => `[${points.map((p) => javaDouble(xs[p.index] ?? NaN)).join(', ')}]`;
  if (ctx.band) {
    if (op === 'GreaterThanUpperThreshold') return `${not}greater than the upper thresholds ${list(ctx.band.upper)}`;
    if (op === 'LessThanLowerThreshold') return `${not}less than the lower thresholds ${list(ctx.band.lower)}`;
    return `${negate ? 'not outside' : 'outside'} the band (lower thresholds ${list(ctx.band.lower)}, upper thresholds ${list(ctx.band.upper)})`;
  }
  return `${not}${OP_TEXT[op] ?? op} the threshold (${javaDouble(ctx.threshold ?? NaN)})`;
}

/** The StateReason of a metric alarm's evaluated transition. */
export function metricReason(ctx: ReasonContext): string {
  const d = ctx.decision;
  if (d.kind === 'insufficient') return `Insufficient Data: ${d.slots} ${plural(d.slots, 'datapoint was', 'datapoints were')} unknown.`;
  if (d.kind === 'retain') return '';
  const toAlarm = d.state === 'ALARM';
  const shown = d.points.filter((p) => p.breaching === toAlarm).reverse();
  const total = d.points.length + d.filled;
  const minimum = toAlarm ? ctx.datapointsToAlarm : ctx.evaluationPeriods - ctx.datapointsToAlarm + 1;
  const head = ctx.band ? 'Thresholds Crossed' : 'Threshold Crossed';
  const transition = `(minimum ${minimum} ${plural(minimum, 'datapoint', 'datapoints')} for ${ctx.from} -> ${d.state} transition)`;
  const filledText = d.filled ? `${d.filled} missing ${plural(d.filled, 'datapoint was', 'datapoints were')} treated as [${d.filledBreaching ? 'Breaching' : 'NonBreaching'}]` : '';
  if (!shown.length && d.filled) return `${head}: no datapoints were received for ${d.filled} ${plural(d.filled, 'period', 'periods')} and ${filledText} ${transition}.`;
  const list = `[${shown.map((p) => `${javaDouble(p.value)} (${reasonDate(ctx.timestamps[p.index])})`).join(', ')}]`;
  const verb = plural(shown.length, 'was', 'were');
  // Every evaluated datapoint good (none filled as breaching): AWS's short form, e.g.
  // "Threshold Crossed: 1 datapoint [1.0 (18/04/22 14:27:00)] was not greater than or equal to the threshold (5.0)."
  if (!toAlarm && shown.length === d.points.length && !(d.filled && d.filledBreaching)) {
    const filledOk = d.filled ? ` and ${filledText}` : '';
    return `${head}: ${shown.length} ${plural(shown.length, 'datapoint', 'datapoints')} ${list} ${verb} ${comparison(ctx, shown, true)}${filledOk}.`;
  }
  const filled = filledText && d.filledBreaching === toAlarm ? ` and ${filledText}` : '';
  return `${head}: ${shown.length} out of the last ${total} datapoints ${list} ${verb} ${comparison(ctx, shown, !toAlarm)}${filled} ${transition}.`;
}
