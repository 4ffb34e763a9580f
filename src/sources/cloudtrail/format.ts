/**
 * AWS CloudTrail: trail log files (`{"Records":[…]}`, gunzipped by the caller), one record per line
 * (CloudWatch Logs exports, CloudTrail Lake), EventBridge events (`detail-type: "AWS API Call via CloudTrail"`,
 * the record in `detail`), LookupEvents output (the record as the `CloudTrailEvent` string), every eventVersion
 * 1.0-1.11 and Insights events. Digest files are recognised (`kind: 'cloudtrail-digest'`) and returned whole.
 *
 * Message: a record from a Records array is that record's compact text (its own bytes when the file is
 * compact, as delivered files are; re-serialized otherwise); a record that was a line keeps the line.
 */
import type { ParseOptions, ParseOutput, ParsedEvent, SourceFormat } from '../contract.js';
import { fallbackTime, parseAwsLogFileName } from '../file-names.js';
import { errorText, jsonValueEnd, parseJsonLenient, readJsonDocuments, scanArrayElements, skipSpace } from '../json-reader.js';
import { isPlausibleMillis } from '../time.js';
import { clip, isObject } from '../values.js';
import { CLOUDTRAIL_COLUMNS, cloudTrailColumns, parseEventTime } from './columns.js';

export const CLOUDTRAIL_TABLE = 'events_cloudtrail';

const RECORDS_PREFIX = /^\{\s*"Records"\s*:\s*\[/;
const ENVELOPE_DETAIL_TYPE = /via CloudTrail$/;
/** Keys any CloudTrail record has at least one of. */
const RECORD_KEYS = ['eventVersion', 'eventTime', 'eventSource', 'eventName', 'eventID', 'userIdentity', 'eventType', 'awsRegion'];

function isDigest(v: unknown): boolean {
  return isObject(v) && typeof v.digestStartTime === 'string' && 'digestS3Object' in v && 'logFiles' in v;
}

class CloudTrailReader {
  readonly out: ParseOutput;
  private readonly fallback: number;
  private readonly keep: boolean;

  constructor(fileName: string | undefined, options: ParseOptions) {
    const info = parseAwsLogFileName(fileName);
    this.out = { events: [], problems: [], warnings: [], kind: 'events' };
    if (info) this.out.fileInfo = info;
    this.fallback = fallbackTime(options.fallbackTimestamp, info);
    this.keep = options.keepRecord !== false;
  }

  record(r: Record<string, unknown>, message: string, line: number): void {
    let time = parseEventTime(r);
    if (!isPlausibleMillis(time)) {
      const hasKey = RECORD_KEYS.some((k) => k in r);
      this.out.warnings!.push({
        line,
        reason: hasKey
          ? `eventTime ${r.eventTime === undefined ? 'missing' : `unreadable (${JSON.stringify(r.eventTime)})`}; timestamp set to ${new Date(this.fallback).toISOString()}`
          : 'no CloudTrail fields in this record; kept as a record',
        text: clip(message, 256),
      });
      time = NaN;
    }
    const ev: ParsedEvent = { timestamp: Number.isNaN(time) ? this.fallback : time, message, columns: cloudTrailColumns(r, time) };
    if (this.keep) ev.record = r;
    this.out.events.push(ev);
  }

  /** A parsed JSON value: a record, a file body, an envelope or a list of them. `text` is its own text when reusable as-is. */
  value(v: unknown, text: string | undefined, line: number): void {
    if (Array.isArray(v)) {
      for (const el of v) this.value(el, undefined, line);
      return;
    }
    if (!isObject(v)) {
      this.out.problems.push({ line, reason: 'not a CloudTrail record (expected a JSON object)', text: clip(text ?? JSON.stringify(v)) });
      return;
    }
    if (Array.isArray(v.Records)) {
      for (const r of v.Records) this.value(r, undefined, line);
      return;
    }
    if (isDigest(v)) {
      // A digest in a stream of records: keep it visible rather than storing it as an event.
      this.out.warnings!.push({ line, reason: 'CloudTrail digest document among records: not stored as an event', text: clip(text ?? '', 256) });
      return;
    }
    const detailType = v['detail-type'];
    if (typeof detailType === 'string' && isObject(v.detail) && (ENVELOPE_DETAIL_TYPE.test(detailType) || v.source !== undefined)) {
      this.record(v.detail, JSON.stringify(v.detail), line);
      return;
    }
    if (Array.isArray(v.Events)) {
      for (const e of v.Events) this.value(e, undefined, line);
      return;
    }
    const embedded = typeof v.CloudTrailEvent === 'string' ? v.CloudTrailEvent : typeof v.eventJson === 'string' ? v.eventJson : undefined;
    if (embedded !== undefined) {
      try {
        const r = parseJsonLenient(embedded);
        if (isObject(r)) this.record(r, embedded, line);
        else this.out.problems.push({ line, reason: 'embedded CloudTrail event is not a JSON object', text: clip(embedded) });
      } catch (err) {
        this.out.problems.push({ line, reason: `embedded CloudTrail event: invalid JSON: ${errorText(err)}`, text: clip(embedded) });
      }
      return;
    }
    this.record(v, text ?? JSON.stringify(v), line);
  }

  /**
   * `{"Records":[…]}` without parsing the whole file: each element is sliced, parsed once and kept as its own
   * text. Fast path for compact files (as CloudTrail writes them; the first record is checked): records are split where `},` is followed by
   * the first record's opening key (e.g. `},{"eventVersion"`), which cannot occur inside a string; a wrong split
   * could only leave an unbalanced fragment, which fails to parse and hands over to the scanner from there.
   */
  records(text: string, bracket: number): void {
    const first = skipSpace(text, bracket + 1);
    let from = bracket;
    let index = 1;
    const keyEnd = text.charCodeAt(first) === 123 && text.charCodeAt(first + 1) === 34 ? text.indexOf('"', first + 2) : -1;
    let close = text.length - 1;
    while (close > first && text.charCodeAt(close) !== 93) close--;
    // Only when the first record is compact: files are written by one serializer, so the others are too and
    // their slices are already the compact messages we want.
    const firstEnd = keyEnd > 0 ? jsonValueEnd(text, first) : null;
    if (firstEnd?.compact && keyEnd - first < 64 && close > first) {
      const marker = `},${text.slice(first, keyEnd + 1)}`;
      let p = first;
      for (;;) {
        const q = text.indexOf(marker, p);
        const last = q < 0 || q > close;
        let end = last ? close : q + 1;
        if (last) while (end > p && text.charCodeAt(end - 1) <= 32) end--;
        const slice = text.slice(p, end);
        let r: unknown;
        try {
          r = JSON.parse(slice);
        } catch {
          r = undefined;
        }
        if (!isObject(r)) {
          from = p - 1;
          break;
        }
        this.record(r, slice, index++);
        if (last) return;
        p = q + 2;
      }
    }
    this.scanRecords(text, from, index);
  }

  private scanRecords(text: string, bracket: number, firstIndex: number): void {
    const end = scanArrayElements(
      text,
      bracket,
      (e) => {
        let r: unknown;
        try {
          r = parseJsonLenient(e.text);
        } catch (err) {
          this.out.problems.push({ line: e.index, reason: `record ${e.index}: invalid JSON: ${errorText(err)}`, text: clip(e.text) });
          return;
        }
        if (!isObject(r)) {
          this.out.problems.push({ line: e.index, reason: `record ${e.index}: not a JSON object`, text: clip(e.text) });
          return;
        }
        this.record(r, e.compact ? e.text : JSON.stringify(r), e.index);
      },
      this.out.problems,
      firstIndex,
    );
    if (end > 0) {
      const rest = skipSpace(text, end);
      if (text.charCodeAt(rest) !== 125 && rest < text.length) {
        this.out.warnings!.push({ line: 1, reason: 'unexpected text after the Records array', text: clip(text.slice(rest), 256) });
      }
    }
  }
}

export function parseCloudTrail(text: string, fileName?: string, options: ParseOptions = {}): ParseOutput {
  const reader = new CloudTrailReader(fileName, options);
  const out = reader.out;
  try {
    const start = skipSpace(text, 0);
    if (start >= text.length) return out;
    const head = text.slice(start, start + 64);
    const m = RECORDS_PREFIX.exec(head);
    if (m) {
      reader.records(text, start + m[0].length - 1);
      return out;
    }
    if (/^\{\s*"awsAccountId"|"digestStartTime"/.test(text.slice(start, start + 1024)) || out.fileInfo?.service === 'CloudTrail-Digest') {
      try {
        const doc = parseJsonLenient(text.slice(start));
        if (isDigest(doc)) {
          out.kind = 'cloudtrail-digest';
          out.digest = doc as Record<string, unknown>;
          return out;
        }
      } catch {
        // not a single digest document: read it as records below
      }
    }
    for (const doc of readJsonDocuments(text, out.problems)) {
      reader.value(doc.value, doc.wholeLine || doc.compact ? doc.text : undefined, doc.line);
    }
  } catch (err) {
    out.problems.push({ line: 0, reason: `parser error: ${errorText(err)}`, text: '' });
  }
  return out;
}

const NOT_CLOUDTRAIL = /"messageType"\s*:\s*"(?:DATA|CONTROL)_MESSAGE"|"logEvents"\s*:|"eventSource"\s*:\s*"aws:|"eventVersion"\s*:\s*"2\.|"awslogs"\s*:/;
const CLOUDTRAIL_SIGNS: RegExp[] = [
  /"detail-type"\s*:\s*"[^"]*via CloudTrail"/,
  /"CloudTrailEvent"\s*:\s*"/,
  /"eventType"\s*:\s*"AwsCloudTrailInsight"/,
  /"digestStartTime"\s*:\s*"[^"]*"[\s\S]*"digestS3Object"|"digestS3Object"[\s\S]*"digestStartTime"/,
];

const RECORD_KEY_PATTERNS = [
  'eventVersion', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'userIdentity', 'requestParameters',
  'responseElements', 'eventID', 'eventType', 'recipientAccountId', 'errorCode', 'readOnly', 'managementEvent', 'eventCategory', 'requestID',
].map((k) => new RegExp(`"${k}"\\s*:`));

function countRecordKeys(h: string): number {
  let n = 0;
  for (const re of RECORD_KEY_PATTERNS) if (re.test(h)) n++;
  return n;
}

/** First KiB of a file: a Records array of CloudTrail records, a record per line, an envelope, a digest. */
export function detectCloudTrail(head: string, fileName?: string): boolean {
  const h = head.slice(skipSpace(head, 0));
  const c = h.charCodeAt(0);
  if (c !== 123 && c !== 91) return false;
  if (NOT_CLOUDTRAIL.test(h)) return false;
  if (RECORDS_PREFIX.test(h)) {
    return /^\{\s*"Records"\s*:\s*\[\s*(?:\]|$)/.test(h) || /"(?:eventVersion|eventTime|eventSource|userIdentity|eventID)"\s*:/.test(h);
  }
  for (const re of CLOUDTRAIL_SIGNS) if (re.test(h)) return true;
  if (/"eventVersion"\s*:\s*"1\.\d+"/.test(h) && /"(?:eventTime|eventSource|eventName|eventID|userIdentity)"\s*:/.test(h)) return true;
  if (/"eventSource"\s*:\s*"[a-z0-9.-]+\.amazonaws\.com"/.test(h) && /"eventName"\s*:/.test(h) && /"(?:eventTime|awsRegion|userIdentity)"\s*:/.test(h)) return true;
  // A record without eventVersion (trimmed exports): its eventName plus at least three other record keys.
  if (/"eventName"\s*:\s*"/.test(h) && countRecordKeys(h) >= 4) return true;
  // Keys sorted alphabetically (some exports do): awsRegion comes first and a long errorMessage can hide the rest.
  if (/^\{\s*"awsRegion"\s*:\s*"/.test(h) && countRecordKeys(h) >= 2) return true;
  if (fileName && /_CloudTrail(?:-Insight|-Digest)?_[a-z0-9-]+_/.test(fileName) && /"(?:Records|digestStartTime|awsAccountId)"/.test(h)) return true;
  return false;
}

export const cloudtrail: SourceFormat = {
  id: 'cloudtrail',
  caption: 'AWS CloudTrail',
  table: CLOUDTRAIL_TABLE,
  columns: CLOUDTRAIL_COLUMNS,
  detect: detectCloudTrail,
  parse: parseCloudTrail,
  defaultLogGroup: (accountId) => `/aws/cloudtrail/${accountId}`,
};
