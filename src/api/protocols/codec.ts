/**
 * Shape-directed conversion between wire values and the canonical values handlers use:
 * JSON documents (AWS JSON 1.0), CBOR data items (RPC v2 CBOR), flattened form parameters
 * (awsQuery input) and XML (awsQuery output).
 */
import { AwsError } from '../errors.js';
import type { Shape, StructureShape } from './types.js';

const serialization = (path: string, expected: string): AwsError =>
  new AwsError('SerializationException', `Unexpected value type for '${path}': expected ${expected}`);

// ------------------------------------------------------------------ JSON / CBOR documents

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/** Reads a JSON or CBOR document into canonical values; members not in the shape are ignored. */
export function fromDocument(shape: Shape, v: unknown, path: string): unknown {
  if (v === null || v === undefined) return undefined;
  switch (shape.type) {
    case 'string':
      if (typeof v !== 'string') throw serialization(path, 'string');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw serialization(path, 'boolean');
      return v;
    case 'integer':
    case 'long': {
      const n = toNumber(v);
      if (n === undefined || !Number.isInteger(n)) throw serialization(path, shape.type);
      if (shape.type === 'integer' && Math.abs(n) > 2 ** 31) throw new AwsError('SerializationException', `Numeric value (${n}) out of range of int for '${path}'`);
      return n;
    }
    case 'double': {
      const n = toNumber(v);
      if (n !== undefined) return n;
      // JSON cannot carry NaN/Infinity as numbers; AWS JSON protocols send them as strings.
      if (v === 'NaN') return NaN;
      if (v === 'Infinity') return Infinity;
      if (v === '-Infinity') return -Infinity;
      throw serialization(path, 'double');
    }
    case 'timestamp': {
      if (v instanceof Date) return v;
      const n = toNumber(v);
      if (n !== undefined && Number.isFinite(n)) return new Date(Math.round(n * 1000));
      if (typeof v === 'string') {
        const d = parseTimestampString(v);
        if (d) return d;
      }
      throw serialization(path, 'timestamp');
    }
    case 'list': {
      if (!Array.isArray(v)) throw serialization(path, 'list');
      return v.map((x, i) => fromDocument(shape.member, x, `${path}.${i + 1}`));
    }
    case 'map': {
      const entries = v instanceof Map ? [...v.entries()] : typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as object) : null;
      if (!entries) throw serialization(path, 'map');
      const out: Record<string, unknown> = {};
      for (const [k, x] of entries) {
        if (typeof k !== 'string') throw serialization(path, 'map with string keys');
        const val = fromDocument(shape.value, x, `${path}.${k}`);
        if (val !== undefined) out[k] = val;
      }
      return out;
    }
    case 'structure': {
      const obj = v instanceof Map ? Object.fromEntries(v) : v;
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw serialization(path, 'structure');
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        if (!Object.prototype.hasOwnProperty.call(obj, name)) continue;
        const val = fromDocument(member, (obj as Record<string, unknown>)[name], path ? `${path}.${name}` : name);
        if (val !== undefined) out[name] = val;
      }
      return out;
    }
  }
}

/** Writes canonical output as a document: `json` turns timestamps into epoch seconds and non-finite doubles into strings. */
export function toDocument(shape: Shape, v: unknown, mode: 'json' | 'cbor'): unknown {
  if (v === null || v === undefined) return undefined;
  switch (shape.type) {
    case 'timestamp': {
      const d = v instanceof Date ? v : new Date(Number(v));
      return mode === 'json' ? d.getTime() / 1000 : d;
    }
    case 'double': {
      const n = Number(v);
      if (mode === 'json' && !Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
      return n;
    }
    case 'list':
      return (v as unknown[]).map((x) => toDocument(shape.member, x, mode));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = toDocument(shape.value, x, mode);
      return out;
    }
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        const x = toDocument(member, (v as Record<string, unknown>)[name], mode);
        if (x !== undefined) out[name] = x;
      }
      return out;
    }
    default:
      return v;
  }
}

// ------------------------------------------------------------------ awsQuery form input

interface Node { value?: string; children?: Map<string, Node> }

function buildTree(params: Iterable<[string, string]>): Node {
  const root: Node = {};
  for (const [key, value] of params) {
    let node = root;
    for (const part of key.split('.')) {
      node.children ??= new Map();
      let next = node.children.get(part);
      if (!next) { next = {}; node.children.set(part, next); }
      node = next;
    }
    node.value = value;
  }
  return root;
}

const invalidQueryValue = (value: string, path: string): AwsError =>
  new AwsError('InvalidParameterValueException', `Value ${value} for parameter ${path} is invalid.`);

function numberedChildren(node: Node | undefined): Node[] {
  if (!node?.children) return [];
  return [...node.children.entries()]
    .filter(([k]) => /^[1-9]\d*$/.test(k))
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, n]) => n);
}

function fromQueryNode(shape: Shape, node: Node | undefined, path: string): unknown {
  if (!node) return undefined;
  switch (shape.type) {
    case 'list': {
      const members = numberedChildren(node.children?.get('member'));
      // An empty list is sent as `Name=` with nothing under it.
      if (!members.length) return node.value !== undefined ? [] : undefined;
      return members.map((m, i) => fromQueryNode(shape.member, m, `${path}.member.${i + 1}`));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      numberedChildren(node.children?.get('entry')).forEach((e, i) => {
        const k = e.children?.get('key')?.value;
        if (k === undefined) throw new AwsError('MissingRequiredParameterException', `The parameter ${path}.entry.${i + 1}.key is required.`);
        out[k] = fromQueryNode(shape.value, e.children?.get('value'), `${path}.entry.${i + 1}.value`);
      });
      return out;
    }
    case 'structure': {
      if (!node.children) return node.value !== undefined ? {} : undefined;
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        const val = fromQueryNode(member, node.children.get(name), path ? `${path}.${name}` : name);
        if (val !== undefined) out[name] = val;
      }
      return out;
    }
    default: {
      const raw = node.value;
      if (raw === undefined) return undefined;
      switch (shape.type) {
        case 'string': return raw;
        case 'boolean':
          if (raw === 'true') return true;
          if (raw === 'false') return false;
          throw invalidQueryValue(raw, path);
        case 'integer':
        case 'long':
          if (!/^-?\d+$/.test(raw.trim())) throw invalidQueryValue(raw, path);
          return Number(raw);
        case 'double': {
          const t = raw.trim();
          const n = t === 'NaN' ? NaN : t === 'Infinity' ? Infinity : t === '-Infinity' ? -Infinity : t === '' ? NaN : Number(t);
          if (Number.isNaN(n) && t !== 'NaN') throw invalidQueryValue(raw, path);
          return n;
        }
        case 'timestamp': {
          const d = parseTimestampString(raw);
          if (!d) throw invalidQueryValue(raw, path);
          return d;
        }
      }
    }
  }
}

/** Reads an awsQuery form (`A.member.1.B=…`) into canonical values by the input shape. */
export function fromQuery(shape: StructureShape, params: Iterable<[string, string]>): Record<string, unknown> {
  const tree = buildTree(params);
  return (fromQueryNode(shape, tree.children ? tree : { children: new Map() }, '') as Record<string, unknown>) ?? {};
}

/** ISO 8601 (with or without fraction/offset) or epoch seconds. */
export function parseTimestampString(s: string): Date | undefined {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return new Date(Math.round(Number(t) * 1000));
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(t)) return undefined;
  const norm = t.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const d = new Date(/[zZ]$|[+-]\d{2}:\d{2}$/.test(norm) || norm.length === 10 ? norm : `${norm}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// ------------------------------------------------------------------ awsQuery XML output

export function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'))
    // Characters XML 1.0 cannot carry at all are written as escapes AWS-style rather than breaking the document.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
}

export function isoTimestamp(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

function scalarXml(shape: Shape, v: unknown): string {
  switch (shape.type) {
    case 'timestamp': return isoTimestamp(v instanceof Date ? v : new Date(Number(v)));
    case 'double': {
      const n = Number(v);
      return Number.isFinite(n) ? String(n) : Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
    }
    default: return xmlEscape(String(v));
  }
}

/** The XML for a value of a shape, as the children of an element (awsQuery style: lists use `<member>`, maps `<entry>`). */
export function toXmlContent(shape: Shape, v: unknown): string {
  switch (shape.type) {
    case 'list': return (v as unknown[]).map((x) => `<member>${toXmlContent(shape.member, x)}</member>`).join('');
    case 'map': return Object.entries(v as Record<string, unknown>).map(([k, x]) => `<entry><key>${xmlEscape(k)}</key><value>${toXmlContent(shape.value, x)}</value></entry>`).join('');
    case 'structure': {
      let out = '';
      for (const [name, member] of Object.entries(shape.members)) {
        const x = (v as Record<string, unknown>)[name];
        if (x === undefined || x === null) continue;
        out += `<${name}>${toXmlContent(member, x)}</${name}>`;
      }
      return out;
    }
    default: return scalarXml(shape, v);
  }
}
