/**
 * Input validation with the messages AWS's Smithy-validated services return, e.g.
 * "1 validation error detected: Value 'x:y' at 'logGroupName' failed to satisfy constraint: ...".
 * Type mismatches are SerializationException, as AWS answers for a body that does not fit the shape.
 */
import { AwsError } from './errors.js';

type Input = Record<string, unknown>;

export class Validator {
  private readonly errors: string[] = [];
  constructor(private readonly input: Input, private readonly errorCode = 'InvalidParameterException') {}

  private fail(path: string, value: unknown, constraint: string): void {
    const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
    this.errors.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  private typed(name: string, type: 'string' | 'number' | 'boolean' | 'object' | 'array'): unknown {
    const v = this.input[name];
    if (v === undefined || v === null) return undefined;
    const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? typeof v === 'object' && !Array.isArray(v) : typeof v === type;
    if (!ok || (type === 'number' && !Number.isFinite(v as number))) {
      throw new AwsError('SerializationException', `Unexpected value type for '${name}': expected ${type}`);
    }
    return v;
  }

  string(name: string, o: { required?: boolean; min?: number; max?: number; pattern?: RegExp; patternText?: string; enum?: string[] } = {}): string | undefined {
    const v = this.typed(name, 'string') as string | undefined;
    if (v === undefined) { if (o.required) this.fail(name, v, 'Member must not be null'); return undefined; }
    if (o.min !== undefined && v.length < o.min) this.fail(name, v, `Member must have length greater than or equal to ${o.min}`);
    if (o.max !== undefined && v.length > o.max) this.fail(name, v, `Member must have length less than or equal to ${o.max}`);
    if (o.pattern && !o.pattern.test(v)) this.fail(name, v, `Member must satisfy regular expression pattern: ${o.patternText ?? o.pattern.source}`);
    if (o.enum && !o.enum.includes(v)) this.fail(name, v, `Member must satisfy enum value set: [${o.enum.join(', ')}]`);
    return v;
  }

  integer(name: string, o: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    const v = this.typed(name, 'number') as number | undefined;
    if (v === undefined) { if (o.required) this.fail(name, v, 'Member must not be null'); return undefined; }
    if (!Number.isInteger(v)) throw new AwsError('SerializationException', `Unexpected value type for '${name}': expected integer`);
    // A number beyond Java's long range cannot be read by AWS either (SerializationException).
    // Found by the e2e fuzz suite: e.g. startTime 1e20 reached the engine as an out-of-range Int64 and answered 500.
    if (Math.abs(v) > 2 ** 63) throw new AwsError('SerializationException', `Numeric value (${v}) out of range of long for '${name}'`);
    if (o.min !== undefined && v < o.min) this.fail(name, v, `Member must have value greater than or equal to ${o.min}`);
    if (o.max !== undefined && v > o.max) this.fail(name, v, `Member must have value less than or equal to ${o.max}`);
    // Past 2^53 a JS number is no longer exact; clamping keeps the meaning (no event lives that far out) and engine params valid.
    return Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, v));
  }

  boolean(name: string): boolean | undefined { return this.typed(name, 'boolean') as boolean | undefined; }

  array<T = unknown>(name: string, o: { required?: boolean; min?: number; max?: number; of?: 'string' } = {}): T[] | undefined {
    const v = this.typed(name, 'array') as T[] | undefined;
    if (v === undefined) { if (o.required) this.fail(name, v, 'Member must not be null'); return undefined; }
    // Lists of strings must hold strings: a nested array used as an object key (UntagLogGroup tags)
    // was stringified recursively and overflowed the stack, a 500 found by the e2e fuzz suite.
    if (o.of === 'string') {
      const bad = v.findIndex((x) => typeof x !== 'string');
      if (bad >= 0) throw new AwsError('SerializationException', `Unexpected value type for '${name}.${bad + 1}': expected string`);
    }
    if (o.min !== undefined && v.length < o.min) this.fail(name, v.length > 20 ? `[${v.length} items]` : v, `Member must have length greater than or equal to ${o.min}`);
    if (o.max !== undefined && v.length > o.max) this.fail(name, `[${v.length} items]`, `Member must have length less than or equal to ${o.max}`);
    return v;
  }

  map(name: string, o: { required?: boolean } = {}): Record<string, unknown> | undefined {
    const v = this.typed(name, 'object') as Record<string, unknown> | undefined;
    if (v === undefined && o.required) this.fail(name, v, 'Member must not be null');
    return v;
  }

  /** Adds an error found by a caller-specific rule. */
  add(path: string, value: unknown, constraint: string): void { this.fail(path, value, constraint); }

  /** Throws one error listing every violation, as AWS does. */
  done(): void {
    if (!this.errors.length) return;
    const n = this.errors.length;
    throw new AwsError(this.errorCode, `${n} validation error${n > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`);
  }
}

export const LOG_GROUP_NAME = { min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, patternText: '[\\.\\-_/#A-Za-z0-9]+' };
export const LOG_STREAM_NAME = { min: 1, max: 512, pattern: /^[^:*]*$/, patternText: '[^:*]*' };
export const LOG_GROUP_IDENTIFIER = { min: 1, max: 2048, pattern: /^[\w#+=/:,.@-]*$/, patternText: '[\\w#+=/:,.@-]*' };
