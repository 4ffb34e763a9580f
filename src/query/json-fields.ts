/**
 * Flattens a JSON log event into Insights-style discovered fields (`a.b`, `arr.0`), at most
 * `cap` leaves (AWS's current discovery cap is 200). Used by GetLogRecord.
 */
export const DISCOVERY_CAP = 200;

export function flattenJson(message: string, cap = DISCOVERY_CAP): Record<string, string> | null {
  if (message.charCodeAt(0) !== 123 /* { */) return null;
  let doc: unknown;
  try { doc = JSON.parse(message); } catch { return null; }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const out: Record<string, string> = {};
  let n = 0;
  const walk = (v: unknown, path: string): void => {
    if (n >= cap) return;
    if (v !== null && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
      for (const [k, x] of entries) walk(x, path ? `${path}.${k}` : k);
      return;
    }
    if (v === null) return;
    // A field already named with a leading @ is shown as @@name, as Insights does.
    const name = path.startsWith('@') ? `@${path}` : path;
    out[name] = String(v);
    n++;
  };
  walk(doc, '');
  return out;
}
