/**
 * Reading CloudWatch inputs after a protocol has typed them (strings, numbers, arrays, Dates).
 * Parameter paths in messages use awsQuery's names (`MetricData.member.1.Value`), as AWS does.
 */
import { STANDARD_UNITS, isStandardUnit, type Dimension } from '../../metrics/model.js';
import { invalid, invalidValue, missing } from './errors.js';

export type Input = Record<string, unknown>;

export function text(o: Input, name: string, path: string, opt: { required?: boolean; min?: number; max?: number } = {}): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) { if (opt.required) throw missing(path); return undefined; }
  if (typeof v !== 'string') throw invalidValue(v, path);
  const min = opt.min ?? 0;
  if (v.length < min || (opt.max !== undefined && v.length > opt.max)) {
    throw invalid(`The parameter ${path} must be ${opt.max !== undefined ? `between ${min} and ${opt.max}` : `at least ${min}`} characters long.`);
  }
  return v;
}

export function integer(o: Input, name: string, path: string, opt: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
  const v = o[name];
  if (v === undefined || v === null) { if (opt.required) throw missing(path); return undefined; }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidValue(v, path);
  if ((opt.min !== undefined && v < opt.min) || (opt.max !== undefined && v > opt.max)) throw invalidValue(v, path);
  return v;
}

export function timestamp(o: Input, name: string, path: string, required = false): number | undefined {
  const v = o[name];
  if (v === undefined || v === null) { if (required) throw missing(path); return undefined; }
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v * 1000 : NaN;
  if (!Number.isFinite(ms)) throw invalidValue(String(v), path);
  return ms;
}

export function list<T = unknown>(o: Input, name: string, path: string, opt: { required?: boolean; max?: number; min?: number } = {}): T[] | undefined {
  const v = o[name];
  if (v === undefined || v === null) { if (opt.required) throw missing(path); return undefined; }
  if (!Array.isArray(v)) throw invalidValue(v, path);
  if (opt.required && v.length === 0) throw missing(path);
  if (opt.min !== undefined && v.length < opt.min) throw invalid(`The collection ${path} must not be empty.`);
  if (opt.max !== undefined && v.length > opt.max) throw invalid(`The collection ${path} must not have a size greater than ${opt.max}.`);
  return v as T[];
}

export function struct(v: unknown, path: string): Input {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidValue(v, path);
  return v as Input;
}

export const NAMESPACE_MAX = 255;

/** Namespace: 1–255 printable ASCII characters, not starting with ':' (and `AWS/` is reserved when `reserved`). */
export function namespace(o: Input, path = 'Namespace', opt: { required?: boolean; reserved?: boolean } = {}): string | undefined {
  const ns = text(o, 'Namespace', path, { required: opt.required, min: 1, max: NAMESPACE_MAX });
  if (ns === undefined) return undefined;
  if (ns.startsWith(':') || !/^[\x20-\x7e]+$/.test(ns)) throw invalidValue(ns, path);
  if (opt.reserved && ns.startsWith('AWS/')) throw invalid(`The value ${ns} for parameter ${path} is invalid: the AWS/ prefix is reserved for AWS services.`);
  return ns;
}

export function unit(o: Input, path: string): string | undefined {
  const u = o.Unit;
  if (u === undefined || u === null) return undefined;
  if (typeof u !== 'string' || !isStandardUnit(u)) throw invalid(`The value ${String(u)} for parameter ${path} is invalid. Valid values: ${STANDARD_UNITS.join(', ')}.`);
  return u;
}

/** A full dimension list (Name and Value required), at most `max` entries, names unique. */
export function dimensions(o: Input, path: string, max = 30): Dimension[] {
  const raw = list(o, 'Dimensions', path, { max }) ?? [];
  const out: Dimension[] = [];
  const seen = new Set<string>();
  raw.forEach((d, i) => {
    const p = `${path}.member.${i + 1}`;
    const x = struct(d, p);
    const Name = text(x, 'Name', `${p}.Name`, { required: true, min: 1, max: 255 })!;
    const Value = text(x, 'Value', `${p}.Value`, { required: true, min: 1, max: 1024 })!;
    if (seen.has(Name)) throw invalid(`The dimension name ${Name} is specified more than once in ${path}.`);
    seen.add(Name);
    out.push({ Name, Value });
  });
  return out;
}
