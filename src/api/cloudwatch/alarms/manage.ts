/** DeleteAlarms, SetAlarmState, Enable/DisableAlarmActions and alarm tagging (TagResource, UntagResource, ListTagsForResource). */
import { AwsError } from '../../errors.js';
import type { Handler } from '../../context.js';
import { ALARM_LIMITS, STATE_VALUES, type StateValue } from '../../../alarms/model.js';
import { invalid, missing } from '../errors.js';
import { list, text, type Input } from '../params.js';
import { alarmName, call, tags } from './common.js';

function names(input: Input): string[] {
  const raw = list<unknown>(input, 'AlarmNames', 'AlarmNames', { required: true, max: ALARM_LIMITS.describeNamesMax })!;
  return [...new Set(raw.map((n, i) => {
    if (typeof n !== 'string' || !n) throw missing(`AlarmNames.member.${i + 1}`);
    if (n.length > ALARM_LIMITS.nameMax) throw invalid(`The parameter AlarmNames.member.${i + 1} must be between 1 and ${ALARM_LIMITS.nameMax} characters long.`);
    return n;
  }))];
}

export const DeleteAlarms: Handler = async (input, ctx) => {
  const n = names(input);
  await call(() => ctx.alarms.deleteAlarms(n));
  return {};
};

export const EnableAlarmActions: Handler = async (input, ctx) => {
  await call(() => ctx.alarms.setActionsEnabled(names(input), true));
  return {};
};

export const DisableAlarmActions: Handler = async (input, ctx) => {
  await call(() => ctx.alarms.setActionsEnabled(names(input), false));
  return {};
};

export const SetAlarmState: Handler = async (input, ctx) => {
  const name = alarmName(input)!;
  const value = text(input, 'StateValue', 'StateValue', { required: true })!;
  if (!(STATE_VALUES as string[]).includes(value)) throw invalid(`The value ${value} for parameter StateValue is invalid. Valid values: ${STATE_VALUES.join(', ')}.`);
  const reason = text(input, 'StateReason', 'StateReason', { required: true, max: ALARM_LIMITS.reasonMax })!;
  const reasonData = text(input, 'StateReasonData', 'StateReasonData', { max: ALARM_LIMITS.reasonDataMax });
  if (reasonData !== undefined) {
    try { JSON.parse(reasonData); } catch { throw new AwsError('InvalidFormatFault', 'The value of StateReasonData is not valid JSON.'); }
  }
  await call(() => ctx.alarms.setAlarmState(name, value as StateValue, reason, reasonData));
  return {};
};

/** The alarm an ARN names; other CloudWatch resources (Contributor Insights rules, metric streams) are not served here. */
function alarmOfArn(input: Input, ctx: Parameters<Handler>[1]): string {
  const arn = text(input, 'ResourceARN', 'ResourceARN', { required: true, min: 1, max: 1024 })!;
  const prefix = ctx.alarms.arn('');
  const name = arn.startsWith(prefix) ? arn.slice(prefix.length) : undefined;
  if (name === undefined || !ctx.alarms.get(name)) throw new AwsError('ResourceNotFoundException', 'The specified resource does not exist.', 404);
  return name;
}

export const TagResource: Handler = async (input, ctx) => {
  const name = alarmOfArn(input, ctx);
  const add = tags(input);
  const merged = new Map(ctx.alarms.get(name)!.tags.map((t) => [t.Key, t.Value]));
  for (const t of add) merged.set(t.Key, t.Value);
  if (merged.size > ALARM_LIMITS.tagsMax) throw new AwsError('LimitExceededException', `An alarm can have at most ${ALARM_LIMITS.tagsMax} tags.`);
  await call(() => ctx.alarms.setTags(name, [...merged].map(([Key, Value]) => ({ Key, Value }))));
  return {};
};

export const UntagResource: Handler = async (input, ctx) => {
  const name = alarmOfArn(input, ctx);
  const keys = new Set((list<unknown>(input, 'TagKeys', 'TagKeys', { required: true, max: ALARM_LIMITS.tagsMax }) ?? []).map(String));
  await call(() => ctx.alarms.setTags(name, ctx.alarms.get(name)!.tags.filter((t) => !keys.has(t.Key))));
  return {};
};

export const ListTagsForResource: Handler = async (input, ctx) => {
  const name = alarmOfArn(input, ctx);
  return { Tags: ctx.alarms.get(name)!.tags };
};
