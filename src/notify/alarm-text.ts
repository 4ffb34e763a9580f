/**
 * Human renderings of CloudWatch alarm notifications (aws-facts.md §4.8: the SNS message is the
 * alarm's JSON): the email body CloudWatch sends to email subscribers, and a Slack message.
 */
import { regionLongName } from '../alarms/state-change.js';

export interface AlarmPayload {
  AlarmName: string;
  AlarmDescription?: string | null;
  AWSAccountId?: string;
  NewStateValue: string;
  NewStateReason?: string;
  StateChangeTime?: string;
  Region?: string;
  AlarmArn?: string;
  OldStateValue?: string;
  OKActions?: string[];
  AlarmActions?: string[];
  InsufficientDataActions?: string[];
  AlarmRule?: string;
  Trigger?: {
    MetricName?: string; Namespace?: string; Statistic?: string; ExtendedStatistic?: string; Unit?: string | null;
    Dimensions?: Array<{ name: string; value: string }>; Period?: number; EvaluationPeriods?: number; DatapointsToAlarm?: number;
    ComparisonOperator?: string; Threshold?: number; TreatMissingData?: string; Metrics?: unknown[];
  };
}

/** The alarm payload inside a message, when the message is one (CloudWatch alarm state change). */
export function parseAlarm(message: string): AlarmPayload | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const m = JSON.parse(message) as Record<string, unknown>;
    if (typeof m.AlarmName === 'string' && typeof m.NewStateValue === 'string' && ('AlarmArn' in m || 'Trigger' in m || 'AlarmRule' in m)) return m as unknown as AlarmPayload;
  } catch { /* not JSON: a plain message */ }
  return undefined;
}

const OPERATOR_WORDS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: 'GreaterThanOrEqualToThreshold', GreaterThanThreshold: 'GreaterThanThreshold',
  LessThanThreshold: 'LessThanThreshold', LessThanOrEqualToThreshold: 'LessThanOrEqualToThreshold',
};

function regionCode(a: AlarmPayload): string | undefined {
  return a.AlarmArn?.split(':')[3];
}

/** "Friday 22 November, 2019 15:43:51 UTC", the way CloudWatch writes times in alarm emails. */
export function alarmTime(iso: string | undefined): string {
  const d = iso ? new Date(iso.replace(/\+0000$/, 'Z')) : new Date(NaN);
  if (Number.isNaN(d.getTime())) return iso ?? '';
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${d.getUTCDate()} ${months[d.getUTCMonth()]}, ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}

function regionName(a: AlarmPayload): string {
  const code = regionCode(a);
  return a.Region ?? (code ? regionLongName(code) : '');
}

/** `ALARM: "HighCPU" in US East (N. Virginia)` (fact sheet §4.8). */
export function alarmSubject(a: AlarmPayload): string {
  return `${a.NewStateValue}: "${a.AlarmName}" in ${regionName(a)}`.slice(0, 99);
}

/** The email text CloudWatch sends for an alarm state change. */
export function alarmEmailText(a: AlarmPayload, consoleUrl?: string): string {
  const t = a.Trigger ?? {};
  const lines: string[] = [];
  const when = alarmTime(a.StateChangeTime);
  lines.push(`You are receiving this email because your Amazon CloudWatch Alarm "${a.AlarmName}" in the ${regionName(a)} region has entered the ${a.NewStateValue} state, because "${a.NewStateReason ?? ''}" at "${when}".`);
  lines.push('');
  if (consoleUrl) {
    lines.push('View this alarm in the Trailwatch console:', consoleUrl, '');
  }
  const row = (k: string, v: string) => `- ${(k + ':').padEnd(28)}${v}`;
  lines.push('Alarm Details:');
  lines.push(row('Name', a.AlarmName));
  lines.push(row('Description', a.AlarmDescription ?? ''));
  lines.push(row('State Change', `${a.OldStateValue ?? ''} -> ${a.NewStateValue}`));
  lines.push(row('Reason for State Change', a.NewStateReason ?? ''));
  lines.push(row('Timestamp', when));
  lines.push(row('AWS Account', a.AWSAccountId ?? ''));
  lines.push(row('Alarm Arn', a.AlarmArn ?? ''));
  lines.push('');
  if (a.AlarmRule !== undefined) {
    lines.push('Alarm Rule:', `- ${a.AlarmRule}`, '');
  } else if (t.ComparisonOperator !== undefined) {
    lines.push('Threshold:');
    const periods = t.EvaluationPeriods ?? 1;
    lines.push(`- The alarm is in the ALARM state when the metric is ${OPERATOR_WORDS[t.ComparisonOperator] ?? t.ComparisonOperator} ${formatNumber(t.Threshold)} for at least ${t.DatapointsToAlarm ?? periods} of the last ${periods} period(s) of ${t.Period ?? ''} seconds.`);
    lines.push('');
    if (t.MetricName !== undefined) {
      const mrow = (k: string, v: string) => `- ${(k + ':').padEnd(37)}${v}`;
      lines.push('Monitored Metric:');
      lines.push(mrow('MetricNamespace', t.Namespace ?? ''));
      lines.push(mrow('MetricName', t.MetricName));
      lines.push(mrow('Dimensions', (t.Dimensions ?? []).map((d) => `[${d.name} = ${d.value}]`).join(' ')));
      lines.push(mrow('Period', `${t.Period ?? ''} seconds`));
      lines.push(mrow('Statistic', t.ExtendedStatistic ?? titleCase(t.Statistic ?? '')));
      lines.push(mrow('Unit', t.Unit ?? 'not specified'));
      lines.push(mrow('TreatMissingData', t.TreatMissingData ?? 'missing'));
      lines.push('');
    }
  }
  lines.push('');
  lines.push('State Change Actions:');
  lines.push(`- OK: ${listActions(a.OKActions)}`);
  lines.push(`- ALARM: ${listActions(a.AlarmActions)}`);
  lines.push(`- INSUFFICIENT_DATA: ${listActions(a.InsufficientDataActions)}`);
  return lines.join('\n');
}

const listActions = (xs: string[] | undefined) => (xs && xs.length ? `[${xs.join(', ')}]` : '');
/** SNS alarm messages carry AVERAGE, SAMPLE_COUNT…; the email shows Average, SampleCount. */
const titleCase = (s: string) => s.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u: string, c: string) => c.toUpperCase());

function formatNumber(n: number | undefined): string {
  if (n === undefined) return '';
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

const STATE_EMOJI: Record<string, string> = { ALARM: ':rotating_light:', OK: ':white_check_mark:', INSUFFICIENT_DATA: ':grey_question:' };

/** Slack escaping: `&`, `<` and `>` are control characters in message text. */
export const slackEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack-compatible incoming-webhook body for an alarm: `text` (fallback) and Block Kit blocks. */
export function alarmSlackMessage(a: AlarmPayload): { text: string; blocks: unknown[] } {
  const t = a.Trigger ?? {};
  const head = `${STATE_EMOJI[a.NewStateValue] ?? ''} *${slackEscape(a.NewStateValue)}*: "${slackEscape(a.AlarmName)}" in ${slackEscape(regionName(a))}`.trim();
  const fields: string[] = [
    `*State change*\n${slackEscape(a.OldStateValue ?? '')} → ${slackEscape(a.NewStateValue)}`,
    `*When*\n${slackEscape(alarmTime(a.StateChangeTime))}`,
  ];
  if (t.MetricName) fields.push(`*Metric*\n${slackEscape(`${t.Namespace ?? ''} ${t.MetricName}`.trim())}`);
  if (t.ComparisonOperator) fields.push(`*Threshold*\n${slackEscape(`${t.ComparisonOperator} ${formatNumber(t.Threshold)}`)}`);
  if (a.AlarmRule) fields.push(`*Rule*\n${slackEscape(a.AlarmRule)}`);
  const reason = a.NewStateReason ? slackEscape(a.NewStateReason) : '';
  const text = `${head}\n${reason}`.trim();
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    ...(reason ? [{ type: 'section', text: { type: 'mrkdwn', text: reason } }] : []),
    { type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn', text: f })) },
  ];
  if (a.AlarmDescription) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackEscape(a.AlarmDescription) }] });
  return { text, blocks };
}
