/**
 * Field resolution: the one place that turns an event field name into SQL over the stored
 * row (`log_events`: timestamp, ingestion_time, log_group, log_stream, message, …).
 *
 * - System fields: @timestamp, @message, @logStream, @log (`<account>:<group>`), @ingestionTime, @ptr.
 * - Lambda platform lines (START/END/REPORT RequestId: …): @type, @requestId, @duration, @billedDuration,
 *   @memorySize, @maxMemoryUsed (bytes: MB × 1,000,000, see the fact sheet's example 5), @initDuration,
 *   @xrayTraceId, @xraySegmentId.
 * - JSON auto-discovery (fact sheet §1.7): when @message is a JSON object, every leaf is a field named by its
 *   dotted path, array elements by position (`items.0.id`); a value that is a JSON-encoded string is one
 *   leaf; objects and arrays themselves are not fields; a key written `@x` in the event is the field `@@x`.
 *   In /aws/lambda/ groups the first embedded JSON fragment counts (discoverable-fields doc).
 * - VPC Flow Logs v2 default format and Route 53 public DNS query logs: positional fields by name.
 *
 * Every referenced leaf of one query is extracted by ONE JSONExtract call with a Tuple type (one parse
 * per event), defined once in the scan stage's WITH clause (`__fN` aliases), so each field is resolved
 * once per row however often the query uses it.
 *
 * Typed columns (a source format's table, e.g. CloudTrail's `event_name` for `eventName`): when the queried
 * groups' rows all carry them, a field with such a column reads `if(isNotNull(col), col, <from message>)`.
 * The column holds the value exactly when it is a JSON string and is NULL otherwise, so the result is the
 * same as parsing the message; the message is parsed only for rows where the column is NULL (if() is
 * evaluated lazily), e.g. where the field is absent. That if() still costs (it splits the column by its
 * NULL map), so the executor first counts the NULLs of the columns a query uses over the queried rows and
 * recompiles: a column without NULLs there is read as it is (`typedNonNull`).
 */
import type { Params, SqlExpr } from './types.js';
import { POINTER_SQL } from './pointer.js';

export interface FieldResolver {
  /** SQL (over the scan stage's columns and WITH aliases) and type for an event field. */
  resolveField(name: string, segments?: string[], opts?: { filter?: boolean }): SqlExpr;
  /** WITH definitions the resolved fields need (rendered once every field is known). */
  withDefinitions(): string[];
  /** Names defined in the WITH clause that later stages read as columns. */
  derivedColumns(): string[];
  /** Typed columns resolved with a fallback to the message (see EventFieldResolver). */
  typedColumnsUsed?(): string[];
}

/** Fields AWS discovers in VPC Flow Logs (default v2 format), in column order. */
export const VPC_FIELDS = ['version', 'accountId', 'interfaceId', 'srcAddr', 'dstAddr', 'srcPort', 'dstPort', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'logStatus'];
/** Aliases from the discoverable-fields doc (it lists startTime/endTime). */
const VPC_ALIASES: Record<string, string> = { startTime: 'start', endTime: 'end' };
const VPC_RE = '^[0-9]+ \\S+ eni-\\S+ \\S+ \\S+ \\S+ \\S+ \\S+ \\S+ \\S+ \\S+ \\S+ \\S+ \\S+$';

/** Route 53 public DNS query log fields, in column order (fact sheet §1.6). */
export const ROUTE53_FIELDS = ['version', 'queryTimestamp', 'hostedZoneId', 'queryName', 'queryType', 'responseCode', 'protocol', 'edgeLocation', 'resolverIp', 'ednsClientSubnet'];
/** The discoverable-fields doc spells it hostZoneId. */
const ROUTE53_ALIASES: Record<string, string> = { hostZoneId: 'hostedZoneId' };
const ROUTE53_RE = '^[0-9]+\\.[0-9]+ [0-9]{4}-[0-9]{2}-[0-9]{2}T\\S+ \\S+ \\S+ \\S+ \\S+ (UDP|TCP) \\S+ \\S+ \\S+$';

interface LambdaField { re: string; type: 'str' | 'num'; scale?: number }
const LAMBDA_FIELDS: Record<string, LambdaField> = {
  '@type': { re: '^(START|END|REPORT) RequestId: ', type: 'str' },
  '@requestId': { re: '^(?:START|END|REPORT) RequestId: ([0-9A-Za-z-]+)', type: 'str' },
  '@duration': { re: '^REPORT RequestId: \\S+\\s+Duration: ([0-9.]+) ms', type: 'num' },
  '@billedDuration': { re: '^REPORT RequestId: .*Billed Duration: ([0-9.]+) ms', type: 'num' },
  '@memorySize': { re: '^REPORT RequestId: .*Memory Size: ([0-9.]+) MB', type: 'num', scale: 1_000_000 },
  '@maxMemoryUsed': { re: '^REPORT RequestId: .*Max Memory Used: ([0-9.]+) MB', type: 'num', scale: 1_000_000 },
  '@initDuration': { re: '^REPORT RequestId: .*Init Duration: ([0-9.]+) ms', type: 'num' },
  '@xrayTraceId': { re: '^REPORT RequestId: (?s:.*)XRAY TraceId: (\\S+)', type: 'str' },
  '@xraySegmentId': { re: '^REPORT RequestId: (?s:.*)SegmentId: (\\S+)', type: 'str' },
};

/** Names with up to this many dotted segments try every way to split them into keys. */
const MAX_SPLIT_SEGMENTS = 4;

/** Every way to group consecutive segments into keys, most split first. */
function allSplits(path: string[]): string[][] {
  if (path.length === 1) return [path];
  const out: string[][] = [];
  for (const rest of allSplits(path.slice(1))) {
    out.push([path[0], ...rest]);
    out.push([`${path[0]}.${rest[0]}`, ...rest.slice(1)]);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Highest array position a field name may address (`items.1000`); beyond it the field is null. */
const MAX_ARRAY_INDEX = 1000;

interface TrieNode { children: Map<string, TrieNode>; leafId?: number }

const NUMERIC = /^(0|[1-9][0-9]*)$/;

/** Tuple type for a trie node (array positions as named elements 0..max; objects by name, arrays by position). */
function typeOf(node: TrieNode, leafType: string): string {
  if (node.leafId !== undefined || node.children.size === 0) return leafType;
  return `Tuple(${orderedChildren(node).map(([name, child]) => `${quoteName(name)} ${child ? typeOf(child, leafType) : 'Nullable(UInt8)'}`).join(', ')})`;
}

function trieOf(paths: { id: number; path: string[] }[]): TrieNode {
  const root: TrieNode = { children: new Map() };
  for (const { id, path } of paths) {
    let node = root;
    for (const seg of path) {
      let child = node.children.get(seg);
      if (!child) { child = { children: new Map() }; node.children.set(seg, child); }
      node = child;
    }
    node.leafId = id;
  }
  return root;
}

/** Objects and arrays are not fields; a string whose text starts with { or [ still is one. */
function leafGuard(v: string, isString: string): string {
  return `if(startsWith(${v}, '{') OR startsWith(${v}, '['), if(${isString}, ${v}, NULL), ${v})`;
}

/**
 * NULL when the document is a top-level array (JSONExtract would read it positionally). Written as
 * nullIf so the leaf is computed eagerly: an if() would evaluate it lazily on a filtered copy of the
 * message column, which costs more than the extraction itself.
 */
function notArrayDoc(v: string, arrayDoc: string): string {
  return `nullIf(${v}, if(${arrayDoc}, ${v}, '\\0\\x01tw\\0'))`;
}

/**
 * Definitions for JSON leaves. Leaves a filter of the scan stage reads get their own extraction
 * (cheap to evaluate first, in PREWHERE, for every event); all other leaves share ONE
 * JSONExtract(doc, Tuple(…)), i.e. one parse per event that passed the filters.
 */
function jsonDefinitions(doc: string, leaves: { id: number; path: string[]; solo: boolean }[], params: Params, alias: (id: number) => string, prefix: string): string[] {
  const defs: string[] = [];
  // A top-level JSON array is not discovered (JSONExtract would read it positionally).
  const arrayDoc = `startsWith(${doc}, '[')`;
  for (const leaf of leaves.filter((l) => l.solo)) {
    const i = leaf.path.findIndex((seg) => NUMERIC.test(seg));
    if (i < 0) {
      const keys = leaf.path.map((k) => params.str(k)).join(', ');
      const v = `JSONExtract(${doc}, ${keys}, 'Nullable(String)')`;
      defs.push(`${notArrayDoc(leafGuard(v, `JSONType(${doc}, ${keys}) = 'String'`), arrayDoc)} AS ${alias(leaf.id)}`);
    } else {
      const keys = leaf.path.slice(0, i).map((k) => params.str(k));
      const trie = trieOf([{ id: leaf.id, path: leaf.path.slice(i) }]);
      const ex = (t: string) => `JSONExtract(${[doc, ...keys, params.str(typeOf(trie, t))].join(', ')})`;
      let v = ex('Nullable(String)');
      let d = ex('Dynamic');
      for (let node = trie; node.leafId === undefined;) {
        const entries = orderedChildren(node);
        const k = entries.findIndex(([, c]) => c);
        v = `tupleElement(${v}, ${k + 1})`;
        d = `tupleElement(${d}, ${k + 1})`;
        node = entries[k][1]!;
      }
      const guarded = leafGuard(v, `dynamicType(${d}) = 'String'`);
      defs.push(`${notArrayDoc(guarded, arrayDoc)} AS ${alias(leaf.id)}`);
    }
  }
  const shared = leaves.filter((l) => !l.solo);
  if (!shared.length) return defs;
  const trie = trieOf(shared);
  const jx = `__${prefix}jx`;
  const jxd = `__${prefix}jxd`;
  defs.push(`JSONExtract(${doc}, ${params.str(typeOf(trie, 'Nullable(String)'))}) AS ${jx}`);
  defs.push(`JSONExtract(${doc}, ${params.str(typeOf(trie, 'Dynamic'))}) AS ${jxd}`);
  const nested: { doc: string; leaves: { id: number; path: string[]; solo: boolean }[] }[] = [];
  const walk = (node: TrieNode, chain: string, dchain: string): void => {
    orderedChildren(node).forEach(([, child], i) => {
      if (!child) return;
      const c = `tupleElement(${chain}, ${i + 1})`;
      const dc = `tupleElement(${dchain}, ${i + 1})`;
      if (child.leafId !== undefined) {
        const guarded = leafGuard(c, `dynamicType(${dc}) = 'String'`);
        defs.push(`${notArrayDoc(guarded, arrayDoc)} AS ${alias(child.leafId)}`);
        if (child.children.size > 0) {
          // Both a leaf and a parent in this query: descend into the raw text with a nested extraction.
          const sub: { id: number; path: string[]; solo: boolean }[] = [];
          const collect = (n: TrieNode, path: string[]): void => {
            for (const [k, v] of n.children) {
              if (v.leafId !== undefined) sub.push({ id: v.leafId, path: [...path, k], solo: false });
              collect(v, [...path, k]);
            }
          };
          collect(child, []);
          nested.push({ doc: `ifNull(${c}, '')`, leaves: sub });
        }
      } else if (child.children.size > 0) {
        walk(child, c, dc);
      }
    });
  };
  walk(trie, jx, jxd);
  nested.forEach((n, k) => defs.push(...jsonDefinitions(n.doc, n.leaves, params, alias, `${prefix}${k}n`)));
  return defs;
}

/** Children in tuple order: array positions 0..max first (with fillers), then names. */
function orderedChildren(node: TrieNode): [string, TrieNode | undefined][] {
  const numeric: number[] = [];
  const named: [string, TrieNode][] = [];
  for (const [k, v] of node.children) {
    if (/^(0|[1-9][0-9]*)$/.test(k) && Number(k) <= MAX_ARRAY_INDEX) numeric.push(Number(k));
    else named.push([k, v]);
  }
  const out: [string, TrieNode | undefined][] = [];
  if (numeric.length) {
    const max = Math.max(...numeric);
    for (let i = 0; i <= max; i++) out.push([String(i), node.children.get(String(i))]);
  }
  return out.concat(named);
}

/** A name inside a ClickHouse type string: backquoted with backslash escapes. */
function quoteName(name: string): string {
  return '`' + name.replace(/\\/g, '\\\\').replace(/`/g, '\\`') + '`';
}

export interface ResolveOptions {
  /** The reference is in a filter of the scan stage: extract it on its own, so it can be evaluated first. */
  filter?: boolean;
}

/** The default resolver: fields of stored log events (system, Lambda, JSON, VPC, Route 53). */
export class EventFieldResolver implements FieldResolver {
  private nextId = 0;
  private readonly derived = new Map<string, { alias: string; sql: string; type: SqlExpr['type'] }>();
  /** JSON leaves by path key. */
  private readonly leaves = new Map<string, { id: number; path: string[]; solo: boolean }>();
  private usesVpc = false;
  private usesRoute53 = false;
  private readonly doc: string;
  /** Typed columns known to hold no NULL in the queried rows: read plainly. */
  private readonly nonNull: Set<string>;
  private readonly typedUsed = new Set<string>();

  /**
   * `groupNames`: the queried groups (Lambda groups discover the first embedded JSON fragment);
   * `typedFields`: field name → exact text column shared by every queried group's rows.
   */
  constructor(private readonly params: Params, private readonly accountId: string, groupNames: string[] = [], private readonly typedFields: Record<string, string> = {}, typedNonNull: string[] = []) {
    this.nonNull = new Set(typedNonNull);
    this.doc = groupNames.some((n) => n.startsWith('/aws/lambda/'))
      ? "if(startsWith(message, '{') OR NOT startsWith(log_group, '/aws/lambda/') OR position(message, '{') = 0, message, substring(message, position(message, '{')))"
      : 'message';
  }

  resolveField(name: string, segments?: string[], opts: ResolveOptions = {}): SqlExpr {
    switch (name) {
      case '@timestamp': return { sql: 'timestamp', type: 'ts' };
      case '@message': return { sql: 'message', type: 'str' };
      case '@logStream': return { sql: 'log_stream', type: 'str' };
      case '@log': return { sql: `concat(${this.params.str(this.accountId)}, ':', log_group)`, type: 'str' };
      case '@ingestionTime': return { sql: 'ingestion_time', type: 'ts' };
      case '@ptr': return { sql: POINTER_SQL, type: 'str' };
    }
    const lambda = LAMBDA_FIELDS[name];
    if (lambda) return this.lambdaField(name, lambda);
    if (name.startsWith('@@')) return { ...this.jsonField(['@' + name.slice(2)].concat(segments ? segments.slice(1) : []), name, segments, opts), fromMessage: true };
    if (name.startsWith('@')) return { sql: 'CAST(NULL AS Nullable(String))', type: 'null' };
    const parts: string[] = [];
    const jsonSql = this.jsonField(segments ?? name.split('.'), name, segments, opts).sql;
    parts.push(jsonSql);
    const vpcName = VPC_ALIASES[name] ?? name;
    const vi = VPC_FIELDS.indexOf(vpcName);
    if (vi >= 0 && !segments) { this.usesVpc = true; parts.push(`if(notEmpty(__vpc), __vpc[${vi + 1}], NULL)`); }
    const r53Name = ROUTE53_ALIASES[name] ?? name;
    const ri = ROUTE53_FIELDS.indexOf(r53Name);
    if (ri >= 0 && !segments) { this.usesRoute53 = true; parts.push(`if(notEmpty(__r53), __r53[${ri + 1}], NULL)`); }
    const column = !segments || segments.join('.') === name ? this.typedColumn(name) : undefined;
    const fromMessage = parts.length === 1 ? jsonSql : `coalesce(${parts.join(', ')})`;
    if (column && this.nonNull.has(column)) return { ...this.derive(`typed:${name}`, column, 'str'), fromMessage: true, typedColumn: column };
    if (column) {
      this.typedUsed.add(column);
      return { ...this.derive(`typed:${name}`, `if(isNotNull(${column}), ${column}, ${fromMessage})`, 'str'), fromMessage: true, typedColumn: column };
    }
    if (parts.length === 1) return { sql: jsonSql, type: 'str', fromMessage: true };
    return { ...this.derive(`fmt:${name}`, fromMessage, 'str'), fromMessage: true };
  }

  /** The typed column for a field, if the queried rows have one (a plain column name, checked). */
  private typedColumn(name: string): string | undefined {
    if (!Object.prototype.hasOwnProperty.call(this.typedFields, name)) return undefined;
    const c = this.typedFields[name];
    if (!/^[a-z_][a-z0-9_]*$/.test(c)) throw new Error(`invalid typed column ${c}`);
    return c;
  }

  private derive(key: string, sql: string, type: SqlExpr['type']): SqlExpr {
    let d = this.derived.get(key);
    if (!d) {
      d = { alias: `__f${this.nextId++}`, sql, type };
      this.derived.set(key, d);
    }
    return { sql: d.alias, type: d.type };
  }

  private lambdaField(name: string, f: LambdaField): SqlExpr {
    const re = this.params.str(f.re);
    const raw = `extract(message, ${re})`;
    if (f.type === 'str') return this.derive(`lambda:${name}`, `nullIf(${raw}, '')`, 'str');
    const n = `toFloat64OrNull(${raw})`;
    return this.derive(`lambda:${name}`, f.scale ? `${n} * ${f.scale}` : n, 'num');
  }

  private leaf(path: string[], solo: boolean): string {
    const key = JSON.stringify(path);
    let l = this.leaves.get(key);
    if (!l) { l = { id: this.nextId++, path, solo }; this.leaves.set(key, l); }
    if (solo) l.solo = true;
    return `__f${l.id}`;
  }

  /** A JSON leaf: the dotted path, or (for a dotted name written without backticks) a key containing dots. */
  private jsonField(path: string[], name: string, explicit: string[] | undefined, opts: ResolveOptions): SqlExpr {
    const candidates: string[][] = [];
    if (path.every((s) => s.length > 0)) candidates.push(path);
    if (!explicit && path.length > 1 && path.every((s) => s.length > 0)) {
      // Keys may contain dots: {"a.b":1} and {"a":{"b":1}} are both the field a.b. Short names try every
      // split; longer ones the full split and the whole name (our documented limit).
      if (path.length <= MAX_SPLIT_SEGMENTS) candidates.push(...allSplits(path).filter((c) => c.length !== path.length));
      else candidates.push([name]);
    } else if (!explicit && path.length > 1) candidates.push([name]);
    if (!candidates.length) candidates.push([name]);
    const leafSql = candidates.map((p) => this.leaf(p, !!opts.filter));
    if (leafSql.length === 1) return { sql: leafSql[0], type: 'str' };
    return this.derive(`json:${explicit ? JSON.stringify(path) : name}`, `coalesce(${leafSql.join(', ')})`, 'str');
  }

  withDefinitions(): string[] {
    const defs: string[] = [];
    if (this.usesVpc) defs.push(`if(match(message, ${this.params.str(VPC_RE)}), splitByChar(' ', message), CAST([], 'Array(String)')) AS __vpc`);
    if (this.usesRoute53) defs.push(`if(match(message, ${this.params.str(ROUTE53_RE)}), splitByChar(' ', message), CAST([], 'Array(String)')) AS __r53`);
    defs.push(...jsonDefinitions(this.doc, [...this.leaves.values()], this.params, (id) => `__f${id}`, ''));
    for (const d of this.derived.values()) defs.push(`${d.sql} AS ${d.alias}`);
    return defs;
  }

  typedColumnsUsed(): string[] { return [...this.typedUsed]; }

  derivedColumns(): string[] {
    return [...[...this.leaves.values()].map((l) => `__f${l.id}`), ...[...this.derived.values()].map((d) => d.alias)];
  }
}
