/**
 * OCSF schema loader and event validator. Reads the schema *source* tree (as in github.com/ocsf/ocsf-schema:
 * `version.json`, `categories.json`, `dictionary.json`, `events/**`, `objects/*`, `profiles/*`, `includes/**`),
 * resolves `extends` inheritance of classes and objects, `$include`s (profiles tag the attributes they add), and
 * the dictionary's attribute types, then validates events: missing required attributes, unknown attributes,
 * wrong types (with the types' regex / range / max length), enum values, object constraints, profile use, and
 * class_uid / category_uid / type_uid consistency.
 *
 * Nothing here runs at import time and no schema path is built in: callers pass the directory (the tests use
 * `../shared/corpora/ocsf-schema/v1.1.0/`). Include files missing from a given tree (the corpus export lacks
 * `includes/`) fall back to the copies of the three upstream includes the classes we map use (below).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Requirement = 'required' | 'recommended' | 'optional';

interface RawAttr {
  type?: string;
  is_array?: boolean;
  requirement?: string;
  enum?: Record<string, unknown>;
  caption?: string;
  /** Set when the attribute came from a profile include: the profile's name; null when declared directly. */
  profile?: string | null;
  [k: string]: unknown;
}

interface RawItem {
  name: string;
  caption?: string;
  extends?: string;
  uid?: number;
  category?: string;
  attributes?: Record<string, unknown>;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
}

export interface OcsfAttribute {
  name: string;
  /** A scalar type (`string_t`, `integer_t`, …), an object name, `object` (any object) or `json_t`. */
  type: string;
  isArray: boolean;
  requirement: Requirement;
  /** Allowed values (as strings) when the attribute is an enum. */
  enum?: Set<string>;
  /** The profile that adds this attribute, when it is profile-bound. */
  profile?: string;
}

export interface OcsfObject {
  name: string;
  attributes: Map<string, OcsfAttribute>;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
}

export interface OcsfClass extends OcsfObject {
  classUid: number;
  categoryUid: number;
  caption: string;
}

export interface OcsfType {
  name: string;
  base?: string;
  regex?: RegExp;
  maxLen?: number;
  range?: [number, number];
  values?: unknown[];
}

export interface OcsfSchema {
  version: string;
  classes: Map<number, OcsfClass>;
  classesByName: Map<string, OcsfClass>;
  objects: Map<string, OcsfObject>;
  types: Map<string, OcsfType>;
  categories: Map<string, { uid: number; caption: string }>;
  profiles: Set<string>;
  /** Things the loader had to work around (missing include files, unknown parents). */
  warnings: string[];
}

/**
 * Upstream include files the corpus tree lacks (ocsf/ocsf-schema `includes/`, Apache-2.0): the attribute
 * requirements and enums they contribute. Used only when the file is missing from the directory given.
 */
const FALLBACK_INCLUDES: Record<string, { attributes: Record<string, RawAttr> }> = {
  'includes/classification.json': {
    attributes: {
      activity_name: { requirement: 'optional' },
      activity_id: { requirement: 'required', enum: { 0: { caption: 'Unknown' }, 99: { caption: 'Other' } } },
      category_name: { requirement: 'optional' },
      category_uid: { requirement: 'required', enum: { 0: { caption: 'Uncategorized' } } },
      class_name: { requirement: 'optional' },
      class_uid: { requirement: 'required', enum: { 0: { caption: 'Base Event' } } },
      type_name: { requirement: 'optional' },
      type_uid: { requirement: 'required' },
    },
  },
  'includes/occurrence.json': {
    attributes: {
      count: { requirement: 'optional' },
      duration: { requirement: 'optional' },
      end_time: { requirement: 'optional' },
      start_time: { requirement: 'optional' },
      time: { requirement: 'required' },
      timezone_offset: { requirement: 'recommended' },
    },
  },
  'includes/network/network_activities.json': {
    attributes: {
      activity_id: {
        enum: { 1: { caption: 'Open' }, 2: { caption: 'Close' }, 3: { caption: 'Reset' }, 4: { caption: 'Fail' }, 5: { caption: 'Refuse' }, 6: { caption: 'Traffic' } },
      },
    },
  },
};

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function walkJson(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walkJson(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

function mergeAttr(base: RawAttr | undefined, over: RawAttr): RawAttr {
  if (!base) return { ...over };
  const merged: RawAttr = { ...base, ...over };
  if (base.enum || over.enum) merged.enum = { ...(base.enum ?? {}), ...(over.enum ?? {}) };
  return merged;
}

class Loader {
  readonly warnings: string[] = [];
  private readonly includeCache = new Map<string, Record<string, RawAttr>>();
  constructor(private readonly root: string) {}

  /** Attributes an `$include` contributes, tagged with the profile name when it is a profile. */
  include(path: string): Record<string, RawAttr> {
    const cached = this.includeCache.get(path);
    if (cached) return cached;
    const file = join(this.root, path);
    let doc: { name?: string; meta?: string; attributes?: Record<string, unknown> } | undefined;
    if (existsSync(file)) doc = readJson(file) as typeof doc;
    else if (FALLBACK_INCLUDES[path]) {
      doc = FALLBACK_INCLUDES[path];
      this.warnings.push(`${path} is missing from the schema directory: using the built-in copy`);
    } else {
      this.warnings.push(`${path} is missing from the schema directory and has no built-in copy: skipped`);
      this.includeCache.set(path, {});
      return {};
    }
    const isProfile = doc!.meta === 'profile' || path.startsWith('profiles/');
    const attrs = this.attributes(doc!.attributes ?? {}, isProfile ? (doc!.name ?? path.replace(/^profiles\/|\.json$/g, '')) : null);
    this.includeCache.set(path, attrs);
    return attrs;
  }

  /** An item's own attributes with its includes expanded; `profile` tags everything (profile files) or nothing. */
  attributes(raw: Record<string, unknown>, profile: string | null): Record<string, RawAttr> {
    let out: Record<string, RawAttr> = {};
    const inc = raw.$include;
    const includes = Array.isArray(inc) ? inc : typeof inc === 'string' ? [inc] : [];
    for (const p of includes) {
      for (const [k, v] of Object.entries(this.include(String(p)))) out[k] = mergeAttr(out[k], v);
    }
    const direct: Record<string, RawAttr> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (k === '$include' || v === null || typeof v !== 'object') continue;
      direct[k] = { ...(v as RawAttr), profile };
    }
    for (const [k, v] of Object.entries(direct)) out[k] = mergeAttr(out[k], v);
    if (profile) out = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { ...v, profile }]));
    return out;
  }
}

function compileType(name: string, raw: Record<string, unknown>): OcsfType {
  const t: OcsfType = { name };
  if (typeof raw.type === 'string') t.base = raw.type;
  if (typeof raw.regex === 'string') {
    try {
      t.regex = new RegExp(raw.regex);
    } catch {
      // a pattern JavaScript cannot compile is not checked
    }
  }
  if (typeof raw.max_len === 'number') t.maxLen = raw.max_len;
  if (Array.isArray(raw.range) && raw.range.length === 2) t.range = [Number(raw.range[0]), Number(raw.range[1])];
  if (Array.isArray(raw.values)) t.values = raw.values;
  return t;
}

function toDir(dir: string | URL): string {
  return dir instanceof URL ? fileURLToPath(dir) : dir.startsWith('file:') ? fileURLToPath(dir) : dir;
}

/** Loads and resolves the schema in `dir` (a path or file URL). Throws only when the directory is not an OCSF schema. */
export function loadOcsfSchema(dir: string | URL): OcsfSchema {
  const root = toDir(dir);
  if (!existsSync(join(root, 'dictionary.json'))) throw new Error(`not an OCSF schema directory (no dictionary.json): ${root}`);
  const loader = new Loader(root);
  const version = existsSync(join(root, 'version.json')) ? String((readJson(join(root, 'version.json')) as { version?: string }).version ?? '') : '';
  const dict = readJson(join(root, 'dictionary.json')) as { attributes: Record<string, RawAttr>; types?: { attributes?: Record<string, Record<string, unknown>> } };
  const types = new Map<string, OcsfType>();
  for (const [k, v] of Object.entries(dict.types?.attributes ?? {})) types.set(k, compileType(k, v));
  const categories = new Map<string, { uid: number; caption: string }>();
  if (existsSync(join(root, 'categories.json'))) {
    const cats = readJson(join(root, 'categories.json')) as { attributes: Record<string, { uid: number; caption: string }> };
    for (const [k, v] of Object.entries(cats.attributes)) categories.set(k, { uid: v.uid, caption: v.caption });
  }
  const profiles = new Set<string>();
  for (const f of walkJson(join(root, 'profiles'))) {
    const p = readJson(f) as { name?: string };
    if (p.name) profiles.add(p.name);
  }

  const rawObjects = new Map<string, RawItem>();
  for (const f of walkJson(join(root, 'objects'))) {
    const o = readJson(f) as RawItem;
    if (o.name) rawObjects.set(o.name, o);
  }
  const rawEvents = new Map<string, RawItem>();
  for (const f of walkJson(join(root, 'events'))) {
    const e = readJson(f) as RawItem;
    if (e.name) rawEvents.set(e.name, e);
  }

  const resolved = new Map<string, Record<string, RawAttr>>();
  const resolve = (item: RawItem, pool: Map<string, RawItem>, key: string, stack: string[]): Record<string, RawAttr> => {
    const hit = resolved.get(key);
    if (hit) return hit;
    let base: Record<string, RawAttr> = {};
    if (item.extends && item.extends !== 'object' && !stack.includes(item.extends)) {
      const parent = pool.get(item.extends);
      if (parent) base = resolve(parent, pool, `${key.split(':')[0]}:${parent.name}`, [...stack, item.name]);
      else loader.warnings.push(`${item.name} extends unknown ${item.extends}`);
    }
    const own = loader.attributes(item.attributes ?? {}, null);
    const merged: Record<string, RawAttr> = { ...base };
    for (const [k, v] of Object.entries(own)) merged[k] = mergeAttr(merged[k], v);
    resolved.set(key, merged);
    return merged;
  };
  const constraintsOf = (item: RawItem, pool: Map<string, RawItem>): RawItem['constraints'] => {
    for (let cur: RawItem | undefined = item, depth = 0; cur && depth < 10; cur = cur.extends ? pool.get(cur.extends) : undefined, depth++) {
      if (cur.constraints) return cur.constraints;
    }
    return undefined;
  };

  const finish = (name: string, attrs: Record<string, RawAttr>): Map<string, OcsfAttribute> => {
    const out = new Map<string, OcsfAttribute>();
    for (const [k, local] of Object.entries(attrs)) {
      const d = mergeAttr(dict.attributes[k], local);
      const req = d.requirement === 'required' || d.requirement === 'recommended' ? d.requirement : 'optional';
      const a: OcsfAttribute = { name: k, type: typeof d.type === 'string' ? d.type : 'string_t', isArray: d.is_array === true, requirement: req };
      if (d.enum && Object.keys(d.enum).length) a.enum = new Set(Object.keys(d.enum));
      if (typeof local.profile === 'string') a.profile = local.profile;
      if (!dict.attributes[k] && !local.type) loader.warnings.push(`${name}.${k} is not in the dictionary`);
      out.set(k, a);
    }
    return out;
  };

  const objects = new Map<string, OcsfObject>();
  for (const [name, item] of rawObjects) {
    objects.set(name, { name, attributes: finish(name, resolve(item, rawObjects, `o:${name}`, [])), constraints: constraintsOf(item, rawObjects) });
  }
  const classes = new Map<number, OcsfClass>();
  const classesByName = new Map<string, OcsfClass>();
  for (const [name, item] of rawEvents) {
    const attributes = finish(name, resolve(item, rawEvents, `e:${name}`, []));
    let categoryName = item.category;
    for (let cur: RawItem | undefined = item, depth = 0; !categoryName && cur && depth < 10; depth++) {
      cur = cur.extends ? rawEvents.get(cur.extends) : undefined;
      categoryName = cur?.category;
    }
    const category = categoryName ? categories.get(categoryName) : undefined;
    const isBase = name === 'base_event';
    if (!isBase && (item.uid === undefined || !category)) continue; // abstract parent classes
    const categoryUid = isBase ? 0 : category!.uid;
    const classUid = isBase ? 0 : categoryUid * 1000 + item.uid!;
    // The compiled schema narrows the classification enums to this class (what the OCSF server does).
    const activity = attributes.get('activity_id');
    const set = (attr: string, values: number[]) => {
      const a = attributes.get(attr);
      if (a) a.enum = new Set(values.map(String));
    };
    set('class_uid', [classUid]);
    set('category_uid', [categoryUid]);
    if (activity?.enum) set('type_uid', [...activity.enum].map((id) => classUid * 100 + Number(id)));
    const cls: OcsfClass = { name, caption: item.caption ?? name, classUid, categoryUid, attributes, constraints: item.constraints };
    classes.set(classUid, cls);
    classesByName.set(name, cls);
  }
  return { version, classes, classesByName, objects, types, categories, profiles, warnings: loader.warnings };
}

// ---------------------------------------------------------------------------------------------------------

interface Ctx {
  schema: OcsfSchema;
  profiles: Set<string>;
  errors: string[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

/** Checks a scalar against a type and its ancestors (`port_t` → `integer_t`, `timestamp_t` → `long_t`). */
function checkScalar(v: unknown, typeName: string, path: string, ctx: Ctx): void {
  let base = typeName;
  const chain: OcsfType[] = [];
  for (let i = 0; i < 8; i++) {
    const t = ctx.schema.types.get(base);
    if (!t) break;
    chain.push(t);
    if (!t.base) break;
    base = t.base;
  }
  const root = chain.length ? chain[chain.length - 1].name : typeName;
  let wrong: string | undefined;
  switch (root) {
    case 'string_t':
      if (typeof v !== 'string') wrong = '';
      break;
    case 'integer_t':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647) wrong = ' (32-bit integer)';
      break;
    case 'long_t':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) wrong = ' (integer)';
      break;
    case 'float_t':
      if (typeof v !== 'number' || !Number.isFinite(v)) wrong = ' (number)';
      break;
    case 'boolean_t':
      if (typeof v !== 'boolean') wrong = ' (boolean)';
      break;
    case 'json_t':
      return;
    default:
      ctx.errors.push(`${path}: unknown type ${typeName}`);
      return;
  }
  for (let i = 0; wrong === undefined && i < chain.length; i++) {
    const t = chain[i];
    if (t.regex && typeof v === 'string' && !t.regex.test(v)) wrong = ` (pattern of ${t.name})`;
    else if (t.maxLen !== undefined && typeof v === 'string' && v.length > t.maxLen) wrong = ` (at most ${t.maxLen} characters)`;
    else if (t.range && typeof v === 'number' && (v < t.range[0] || v > t.range[1])) wrong = ` (${t.range[0]}-${t.range[1]})`;
    else if (t.values && !t.values.includes(v)) wrong = ` (one of ${describe(t.values)})`;
  }
  if (wrong !== undefined) ctx.errors.push(`${path}: expected ${typeName}${wrong}, got ${describe(v)}`);
}

function attrPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function present(v: Record<string, unknown>, k: string): boolean {
  return v[k] !== undefined && v[k] !== null;
}

function checkValue(v: unknown, attr: OcsfAttribute, path: string, ctx: Ctx): void {
  if (attr.type === 'object') {
    // `object` is the root of all objects: any object (e.g. `unmapped`).
    if (!isPlainObject(v)) ctx.errors.push(`${path}: expected an object, got ${describe(v)}`);
    return;
  }
  const obj = ctx.schema.objects.get(attr.type);
  if (obj) {
    checkObject(v, obj, path, ctx);
    return;
  }
  if (attr.type === 'json_t') return;
  if (!ctx.schema.types.has(attr.type)) {
    // A type from an extension we did not load: nothing to check against.
    return;
  }
  checkScalar(v, attr.type, path, ctx);
  if (attr.enum && (typeof v === 'number' || typeof v === 'string') && !attr.enum.has(String(v))) {
    ctx.errors.push(`${path}: ${describe(v)} is not one of the enum values ${[...attr.enum].join(', ')}`);
  }
}

function checkObject(v: unknown, def: OcsfObject, path: string, ctx: Ctx): void {
  if (!isPlainObject(v)) {
    ctx.errors.push(`${path || '(event)'}: expected ${def.name} object, got ${describe(v)}`);
    return;
  }
  for (const [name, attr] of def.attributes) {
    if (attr.requirement !== 'required') continue;
    if (attr.profile && !ctx.profiles.has(attr.profile)) continue;
    if (v[name] === undefined || v[name] === null) ctx.errors.push(`${attrPath(path, name)}: missing required attribute (${def.name})`);
  }
  for (const [key, value] of Object.entries(v)) {
    if (value === undefined || value === null) continue;
    const attr = def.attributes.get(key);
    if (!attr) {
      const base = key.endsWith('_dt') ? def.attributes.get(key.slice(0, -3)) : undefined;
      if (base && base.type === 'timestamp_t') {
        if (!ctx.profiles.has('datetime')) ctx.errors.push(`${attrPath(path, key)}: *_dt attributes need the datetime profile in metadata.profiles`);
        else checkScalar(value, 'datetime_t', attrPath(path, key), ctx);
        continue;
      }
      ctx.errors.push(`${attrPath(path, key)}: unknown attribute for ${def.name}`);
      continue;
    }
    if (attr.profile && !ctx.profiles.has(attr.profile)) {
      ctx.errors.push(`${attrPath(path, key)}: belongs to the ${attr.profile} profile, which metadata.profiles does not list`);
    }
    if (attr.isArray) {
      if (!Array.isArray(value)) ctx.errors.push(`${attrPath(path, key)}: expected an array, got ${describe(value)}`);
      else value.forEach((el, i) => checkValue(el, attr, `${attrPath(path, key)}[${i}]`, ctx));
    } else if (Array.isArray(value)) {
      ctx.errors.push(`${attrPath(path, key)}: expected a single value, got an array`);
    } else {
      checkValue(value, attr, attrPath(path, key), ctx);
    }
  }
  const c = def.constraints;
  if (c?.at_least_one && !c.at_least_one.some((k) => present(v, k))) ctx.errors.push(`${path || '(event)'}: needs at least one of ${c.at_least_one.join(', ')} (${def.name})`);
  if (c?.just_one && c.just_one.filter((k) => present(v, k)).length !== 1) ctx.errors.push(`${path || '(event)'}: needs exactly one of ${c.just_one.join(', ')} (${def.name})`);
}

/** Every way `event` departs from the schema; empty when it is a valid event of its class. */
export function validateOcsf(event: unknown, schema: OcsfSchema): string[] {
  if (!isPlainObject(event)) return ['(event): not a JSON object'];
  const classUid = event.class_uid;
  if (typeof classUid !== 'number') return ['class_uid: missing or not a number'];
  const cls = schema.classes.get(classUid);
  if (!cls) return [`class_uid: ${classUid} is not a class of OCSF ${schema.version}`];
  const ctx: Ctx = { schema, profiles: new Set(), errors: [] };
  const meta = event.metadata;
  if (isPlainObject(meta) && Array.isArray(meta.profiles)) {
    for (const p of meta.profiles) {
      if (typeof p === 'string' && schema.profiles.has(p)) ctx.profiles.add(p);
      else ctx.errors.push(`metadata.profiles: unknown profile ${describe(p)}`);
    }
  }
  checkObject(event, cls, '', ctx);
  if (typeof event.activity_id === 'number' && typeof event.type_uid === 'number' && event.type_uid !== classUid * 100 + event.activity_id) {
    ctx.errors.push(`type_uid: ${event.type_uid} should be class_uid * 100 + activity_id = ${classUid * 100 + event.activity_id}`);
  }
  return ctx.errors;
}

/** A validator bound to the schema in `dir`. */
export function createOcsfValidator(dir: string | URL): (event: unknown) => string[] {
  const schema = loadOcsfSchema(dir);
  return (event) => validateOcsf(event, schema);
}
