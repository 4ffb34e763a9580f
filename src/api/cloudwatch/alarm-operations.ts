/** The CloudWatch alarm operations, merged into the service by ./index.ts (handlers in ./alarms/). */
import type { ErrorDef, OperationDef } from '../protocols/types.js';
import * as shapes from './alarms/shapes.js';
import { PutMetricAlarm } from './alarms/put-metric-alarm.js';
import { PutCompositeAlarm } from './alarms/put-composite-alarm.js';
import { DescribeAlarmHistory, DescribeAlarms, DescribeAlarmsForMetric } from './alarms/describe.js';
import { DeleteAlarms, DisableAlarmActions, EnableAlarmActions, ListTagsForResource, SetAlarmState, TagResource, UntagResource } from './alarms/manage.js';

export const ALARM_OPERATIONS: Record<string, OperationDef> = {
  PutMetricAlarm: { input: shapes.PutMetricAlarmInput, handler: PutMetricAlarm },
  PutCompositeAlarm: { input: shapes.PutCompositeAlarmInput, handler: PutCompositeAlarm },
  DescribeAlarms: { input: shapes.DescribeAlarmsInput, output: shapes.DescribeAlarmsOutput, handler: DescribeAlarms },
  DescribeAlarmsForMetric: { input: shapes.DescribeAlarmsForMetricInput, output: shapes.DescribeAlarmsForMetricOutput, handler: DescribeAlarmsForMetric },
  DescribeAlarmHistory: { input: shapes.DescribeAlarmHistoryInput, output: shapes.DescribeAlarmHistoryOutput, handler: DescribeAlarmHistory },
  DeleteAlarms: { input: shapes.DeleteAlarmsInput, handler: DeleteAlarms },
  SetAlarmState: { input: shapes.SetAlarmStateInput, handler: SetAlarmState },
  EnableAlarmActions: { input: shapes.AlarmNamesInput, handler: EnableAlarmActions },
  DisableAlarmActions: { input: shapes.AlarmNamesInput, handler: DisableAlarmActions },
  TagResource: { input: shapes.TagResourceInput, handler: TagResource },
  UntagResource: { input: shapes.UntagResourceInput, handler: UntagResource },
  ListTagsForResource: { input: shapes.ListTagsForResourceInput, output: shapes.ListTagsForResourceOutput, handler: ListTagsForResource },
};

/** Errors these operations throw beyond the shared table in ./errors.ts. */
export const ALARM_ERRORS: Record<string, ErrorDef> = {
  // PutMetricAlarm/PutCompositeAlarm rule violations: AWS answers code ValidationError (HTTP 400).
  ValidationError: { queryCode: 'ValidationError', status: 400, fault: 'Sender' },
};
