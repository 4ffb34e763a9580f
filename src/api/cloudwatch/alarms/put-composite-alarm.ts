/** PutCompositeAlarm: an AlarmRule over other alarms' states, with action suppression (fact sheet 4.3). */
import type { Handler } from '../../context.js';
import { ALARM_LIMITS } from '../../../alarms/model.js';
import { parseRule, RuleError } from '../../../alarms/composite-rule.js';
import { combination, invalid } from '../errors.js';
import { integer, text } from '../params.js';
import { actions, alarmName, call, optionalBool, tags, validation } from './common.js';

export const PutCompositeAlarm: Handler = async (input, ctx) => {
  const name = alarmName(input)!;
  const description = text(input, 'AlarmDescription', 'AlarmDescription', { max: ALARM_LIMITS.descriptionMax });
  const alarmRule = text(input, 'AlarmRule', 'AlarmRule', { required: true, min: 1, max: ALARM_LIMITS.ruleMax })!;
  try { parseRule(alarmRule); } catch (e) {
    if (e instanceof RuleError) throw validation(`Error in alarm rule: ${e.message}`);
    throw e;
  }
  const actionsEnabled = optionalBool(input, 'ActionsEnabled') ?? true;
  const okActions = actions(input, 'OKActions');
  const alarmActions = actions(input, 'AlarmActions');
  const insufficientDataActions = actions(input, 'InsufficientDataActions');
  const suppressor = text(input, 'ActionsSuppressor', 'ActionsSuppressor', { min: 1, max: 1600 });
  const wait = integer(input, 'ActionsSuppressorWaitPeriod', 'ActionsSuppressorWaitPeriod', { min: 0 });
  const extension = integer(input, 'ActionsSuppressorExtensionPeriod', 'ActionsSuppressorExtensionPeriod', { min: 0 });
  // The wait and extension periods only mean something with a suppressor, and a suppressor needs both.
  if (suppressor === undefined && (wait !== undefined || extension !== undefined)) {
    throw combination('The parameters ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod can only be specified with ActionsSuppressor.');
  }
  if (suppressor !== undefined && (wait === undefined || extension === undefined)) {
    throw combination('The parameters ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod are required when ActionsSuppressor is specified.');
  }
  if (suppressor !== undefined && (suppressor === name || suppressor.endsWith(`:alarm:${name}`))) throw invalid('An alarm cannot be its own ActionsSuppressor.');
  const alarmTags = tags(input);
  await call(() => ctx.alarms.putCompositeAlarm({
    name, description, alarmRule, actionsEnabled, okActions, alarmActions, insufficientDataActions, tags: alarmTags,
    actionsSuppressor: suppressor, actionsSuppressorWaitPeriod: wait, actionsSuppressorExtensionPeriod: extension,
  }));
  return {};
};
