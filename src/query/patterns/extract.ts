/**
 * Extracted values, as TestMetricFilter reports them and as metric filters use them for
 * `metricValue` and `dimensions`: `$name` for the named fields of a space-delimited pattern
 * (quotes and brackets stripped: AWS doc example), `$.path` for the JSON selectors the pattern
 * uses (the value's text: strings as is, numbers canonical, booleans "true"/"false"; null, objects,
 * arrays, missing fields and wildcard selectors are left out).
 */
import type { FilterPattern, JsonExpr, Selector, SelectorStep } from './ast.js';
import { fieldPlan } from './compile-js.js';
import { parseJsonMessage } from './json-validity.js';
import { parseSelector } from './parser.js';
import { scanFields, stripField, textOf } from './semantics.js';

function selectors(e: JsonExpr, out: Selector[]): Selector[] {
  if (e.type === 'and' || e.type === 'or') e.items.forEach((x) => selectors(x, out));
  else out.push(e.selector);
  return out;
}

/** A value at selector steps: own keys, array indexes; wildcard steps resolve to nothing. */
export function resolve(o: unknown, steps: SelectorStep[]): unknown {
  let v = o;
  for (const s of steps) {
    if (s.kind === 'key') {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, s.name)) return undefined;
      v = (v as Record<string, unknown>)[s.name];
    } else if (s.kind === 'index') {
      if (!Array.isArray(v)) return undefined;
      v = v[s.index];
    } else return undefined;
  }
  return v;
}

/**
 * Values of a message for pattern `p` (whether or not its conditions hold), or null when the message
 * does not have the pattern's shape (not a JSON object; wrong number of fields). `also` names extra
 * references to resolve, e.g. a metric filter's `$.latency` or `$bytes` (invalid ones throw
 * FilterPatternError). Unstructured and regex patterns extract nothing.
 */
export function extract(p: FilterPattern, message: string, also: string[] = []): Record<string, string> | null {
  if (p.kind === 'json') {
    const o = parseJsonMessage(message);
    if (o === undefined) return null;
    const out: Record<string, string> = {};
    for (const sel of [...selectors(p.expr, []), ...also.map(parseSelector)]) {
      if (sel.text in out) continue;
      const t = textOf(resolve(o, sel.steps));
      if (t !== undefined) out[sel.text] = t;
    }
    return out;
  }
  if (p.kind === 'delimited') {
    const plan = fieldPlan(p);
    const bounds = { b: new Int32Array(64) };
    const n = scanFields(message, bounds);
    if (plan.ellipsis ? n < plan.count : n !== plan.count) return null;
    const out: Record<string, string> = {};
    for (const f of plan.fields) {
      const k = f.fromEnd ? n - f.pos : f.pos;
      out[`$${f.name}`] = stripField(message.slice(bounds.b[2 * k], bounds.b[2 * k + 1]));
    }
    return out;
  }
  return {};
}
