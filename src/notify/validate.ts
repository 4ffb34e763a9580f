/** SNS input rules shared by the API and in-process publishers (alarms): names, subjects, attributes. */
import { invalidParameter } from './errors.js';
import { LIMITS, type MessageAttribute } from './model.js';

export interface MessageAttributeInput { DataType?: string; StringValue?: string; BinaryValue?: string }

export function checkTopicName(name: string): void {
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) {
    if (/^[A-Za-z0-9_-]{1,251}\.fifo$/.test(name)) throw invalidParameter('Topic Name Reason: FIFO topics are not supported by Trailwatch');
    throw invalidParameter('Topic Name');
  }
}

/** Subjects: UTF-8, no line breaks or control characters, fewer than 100 characters. */
export function checkSubject(s: string): void {
  if (s.length === 0 || s.length > LIMITS.subject || /[\u0000-\u001f\u007f]/.test(s)) throw invalidParameter('Subject');
}

const ATTR_NAME = /^[A-Za-z0-9_.-]+$/;

/** Validates Publish MessageAttributes and returns them in the notification JSON's `{Type, Value}` form. */
export function messageAttributes(input: Record<string, MessageAttributeInput> | undefined): { attrs?: Record<string, MessageAttribute>; bytes: number } {
  if (!input) return { bytes: 0 };
  const names = Object.keys(input);
  if (!names.length) return { bytes: 0 };
  if (names.length > LIMITS.messageAttributes) throw invalidParameter(`MessageAttributes Reason: Number of message attributes [${names.length}] exceeds the allowed maximum [${LIMITS.messageAttributes}].`);
  const out: Record<string, MessageAttribute> = {};
  let bytes = 0;
  for (const name of names) {
    if (name.length > LIMITS.messageAttributeName || !ATTR_NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..') || /^(aws|amazon)\./i.test(name)) {
      throw invalidParameter(`The message attribute name '${name}' is invalid.`);
    }
    const a = input[name] ?? {};
    const type = a.DataType;
    if (!type) throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute type.`);
    const base = type.split('.')[0];
    if (!['String', 'Number', 'Binary'].includes(base) || (type.includes('.') && type !== 'String.Array' && !/^(String|Number|Binary)\.[A-Za-z0-9_.-]+$/.test(type))) {
      throw invalidParameter(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    const value = base === 'Binary' ? a.BinaryValue : a.StringValue;
    if (value === undefined || value === '') throw invalidParameter(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    if (base === 'Number' && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) throw invalidParameter(`Could not cast message attribute '${name}' value to number.`);
    if (base === 'Binary' && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalidParameter(`The message attribute '${name}' has an invalid binary value.`);
    if (type === 'String.Array') {
      let ok = false;
      try { ok = Array.isArray(JSON.parse(value)); } catch { /* reported below */ }
      if (!ok) throw invalidParameter(`The message attribute '${name}' with type 'String.Array' must be a JSON array.`);
    }
    out[name] = { Type: type, Value: value };
    bytes += Buffer.byteLength(name) + Buffer.byteLength(type) + Buffer.byteLength(value);
  }
  return { attrs: out, bytes };
}

/** MessageStructure=json: an object of per-protocol strings with a string `default`. */
export function parseStructured(message: string): Record<string, string> {
  let doc: unknown;
  try { doc = JSON.parse(message); } catch { throw invalidParameter('Message Structure - JSON message body failed to parse'); }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || typeof (doc as Record<string, unknown>).default !== 'string') {
    throw invalidParameter('Message Structure - No default entry in JSON message body');
  }
  // As SNS: keys with non-string values are ignored (Publish API reference, JSON-specific constraints).
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function checkEmail(address: string): boolean {
  return address.length <= 254 && /^[^@\s<>",;]+@[^@\s<>",;]+\.[^@\s<>",;]+$/.test(address);
}

export function checkUrl(endpoint: string, scheme?: 'http' | 'https'): boolean {
  try {
    const u = new URL(endpoint);
    if (scheme) return u.protocol === `${scheme}:` && !!u.hostname;
    return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
  } catch { return false; }
}
