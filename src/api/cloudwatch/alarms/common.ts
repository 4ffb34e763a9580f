/** Parameter rules shared by the alarm operations (names, actions, tags) and the AlarmError → AwsError mapping. */
import { AwsError } from '../../errors.js';
import { AlarmError } from '../../../alarms/service.js';
import { ALARM_LIMITS, type Tag } from '../../../alarms/model.js';
import { invalid, invalidValue, missing } from '../errors.js';
import { list, struct, text, type Input } from '../params.js';

/** AWS's code for PutMetricAlarm/PutCompositeAlarm rule violations (seen from the service as `ValidationError`). */
export const validation = (message: string): AwsError => new AwsError('ValidationError', message);

export function alarmName(o: Input, name = 'AlarmName', required = true): string | undefined {
  const v = text(o, name, name, { required, min: 1, max: ALARM_LIMITS.nameMax });
  if (v !== undefined && /[\x00-\x1f\x7f]/.test(v)) throw invalidValue(v, name);
  return v;
}

const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const OTHER_ACTION = /^arn:aws[a-z-]*:(lambda|automate|autoscaling|ssm|ssm-incidents|swf|aiops|opsinsights):/;

/**
 * An action list: at most 5 ARNs. Trailwatch runs SNS topic actions; the other kinds AWS accepts
 * (Lambda, EC2, Auto Scaling, Systems Manager…) cannot run here and are refused rather than ignored.
 */
export function actions(o: Input, name: string): string[] {
  const raw = list<unknown>(o, name, name, { max: ALARM_LIMITS.actionsMax }) ?? [];
  return raw.map((a, i) => {
    const p = `${name}.member.${i + 1}`;
    if (typeof a !== 'string' || !a) throw missing(p);
    if (a.length > 1024) throw invalid(`The parameter ${p} must be between 1 and 1024 characters long.`);
    if (SNS_ARN.test(a)) return a;
    if (OTHER_ACTION.test(a)) throw validation(`The action ${a} is not supported by this server: only SNS topic actions (arn:aws:sns:...) can be executed.`);
    throw validation(`Invalid arn syntax: ${a}`);
  });
}

export function tags(o: Input, name = 'Tags'): Tag[] {
  const raw = list<unknown>(o, name, name, { max: ALARM_LIMITS.tagsMax }) ?? [];
  const seen = new Set<string>();
  return raw.map((t, i) => {
    const p = `${name}.member.${i + 1}`;
    const x = struct(t, p);
    const Key = text(x, 'Key', `${p}.Key`, { required: true, min: 1, max: 128 })!;
    const Value = text(x, 'Value', `${p}.Value`, { required: true, max: 256 })!;
    if (Key.startsWith('aws:')) throw invalid(`The value ${Key} for parameter ${p}.Key is invalid: the aws: prefix is reserved.`);
    if (seen.has(Key)) throw invalid(`The tag key ${Key} is specified more than once in ${name}.`);
    seen.add(Key);
    return { Key, Value };
  });
}

export function optionalBool(o: Input, name: string): boolean | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidValue(v, name);
  return v;
}

/** Runs a service call, turning its refusals into AWS errors. */
export async function call<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof AlarmError) {
      if (e.code === 'ResourceNotFound') throw new AwsError('ResourceNotFound', e.message, 404);
      if (e.code === 'ValidationError') throw validation(e.message);
      throw new AwsError(e.code, e.message);
    }
    throw e;
  }
}
