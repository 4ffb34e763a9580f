/**
 * All AWS log formats Trailwatch reads, and the detection importers use: `detectFormat(head, fileName)` looks at
 * the first KiB of a file (already gunzipped) and its name and returns the one format that claims it, or
 * undefined. Each format's own `detect` is precise on its own (tests run every format's detector on every other
 * format's samples); the order below only settles ties in favour of the more specific format.
 */
import { alb } from './alb/format.js';
import { cloudtrail } from './cloudtrail/format.js';
import type { ParsedEvent, SourceFormat, SourceFormatId } from './contract.js';
import { cwlSubscription } from './cwl-subscription/format.js';
import { guardduty } from './guardduty/format.js';
import { route53Public } from './route53-public/format.js';
import { route53 } from './route53/format.js';
import { s3access } from './s3access/format.js';
import { securityhub } from './securityhub/format.js';
import { vpcflow } from './vpcflow/format.js';

export type { ColumnDef, ParseOptions, ParseOutput, ParseProblem, ParsedEvent, SourceFileInfo, SourceFormat, SourceFormatId } from './contract.js';
export { parseAwsLogFileName } from './file-names.js';

/** Every format, most specific first (a subscription payload may carry CloudTrail text inside). */
export const SOURCE_FORMATS: readonly SourceFormat[] = [cwlSubscription, cloudtrail, guardduty, securityhub, route53, route53Public, alb, s3access, vpcflow];

const BY_ID = new Map<string, SourceFormat>(SOURCE_FORMATS.map((f) => [f.id, f]));

/** How much of a file detect() looks at. */
export const DETECT_HEAD_BYTES = 1024;

export function getFormat(id: SourceFormatId | string): SourceFormat | undefined {
  return BY_ID.get(id);
}

/** The format of a file from its first KiB (gunzipped) and name; undefined when none claims it. */
export function detectFormat(head: string, fileName?: string): SourceFormat | undefined {
  const h = head.length > DETECT_HEAD_BYTES * 4 ? head.slice(0, DETECT_HEAD_BYTES * 4) : head;
  for (const f of SOURCE_FORMATS) {
    try {
      if (f.detect(h, fileName)) return f;
    } catch {
      // a detector never throws by contract; if one does, it does not claim the file
    }
  }
  return undefined;
}

/** Every format whose detector claims the input (tests use it to prove detection is unambiguous). */
export function detectAllFormats(head: string, fileName?: string): SourceFormat[] {
  return SOURCE_FORMATS.filter((f) => {
    try {
      return f.detect(head, fileName);
    } catch {
      return false;
    }
  });
}

/**
 * The format of one log event's text (e.g. a CloudWatch Logs subscription event's message, to re-parse it
 * with the format of its origin): detection on the message alone.
 */
export function detectMessageFormat(message: string): SourceFormat | undefined {
  return detectFormat(message.length > DETECT_HEAD_BYTES ? message.slice(0, DETECT_HEAD_BYTES) : message);
}

/**
 * Re-parses events that came out of a subscription payload with the format their messages are in (when one
 * claims them), keeping `origin`. Events no format claims are returned as they were, under `undefined`.
 */
export function reparseByMessageFormat(events: ParsedEvent[]): Map<SourceFormat | undefined, ParsedEvent[]> {
  const out = new Map<SourceFormat | undefined, ParsedEvent[]>();
  for (const ev of events) {
    const f = detectMessageFormat(ev.message);
    let parsed: ParsedEvent = ev;
    if (f && f.id !== 'cwl-subscription') {
      const r = f.parse(ev.message, undefined, { fallbackTimestamp: ev.timestamp });
      if (r.events.length === 1 && r.problems.length === 0) {
        parsed = { ...r.events[0], message: ev.message, timestamp: ev.timestamp };
        if (ev.origin) parsed.origin = ev.origin;
      }
    }
    const key = parsed === ev ? undefined : f;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(parsed);
  }
  return out;
}

/**
 * Insights field → column for the `exactText` columns of a format's table (the compiler reads them
 * instead of parsing messages); undefined for the generic table or a format without such columns.
 */
export function exactTextFields(table: string | undefined): Record<string, string> | undefined {
  return table ? EXACT_TEXT_FIELDS.get(table) : undefined;
}

/** Built once: every query asks for each of its groups (and SOURCE for every group). */
const EXACT_TEXT_FIELDS = new Map<string, Readonly<Record<string, string>>>(SOURCE_FORMATS.flatMap((f) => {
  const cols = f.columns.filter((c) => c.exactText && !c.derived);
  return cols.length ? [[f.table, Object.freeze(Object.fromEntries(cols.map((c) => [c.field, c.name])))] as const] : [];
}));
