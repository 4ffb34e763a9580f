/**
 * What every AWS log format under `src/sources/<format>/` provides. A format turns a file or a
 * record into events that keep their raw text (`message`) and carry typed hot columns for the
 * fields people filter on; the store keeps each format's events in its own table (ENGINE.md rule 6).
 */

/** A typed hot column: `field` is the name Logs Insights shows for it (as AWS discovers it). */
export interface ColumnDef {
  /** ClickHouse column name, snake_case, e.g. `event_name`. */
  name: string;
  /** ClickHouse type, e.g. `LowCardinality(String)`, `Nullable(UInt16)`, `Nullable(IPv6)`, `Int64`. */
  type: string;
  /** Insights field name, e.g. `eventName`, `userIdentity.arn`, `srcAddr`. */
  field: string;
}

export interface ParsedEvent {
  /** Event time in epoch milliseconds. */
  timestamp: number;
  /** The raw record text, kept byte-for-byte where the input had one line per record; a compact JSON record otherwise. */
  message: string;
  /** Values for the format's hot columns, keyed by ColumnDef.name; missing → NULL/default. */
  columns: Record<string, string | number | boolean | null>;
}

export interface ParseProblem {
  /** 1-based line (or record index) in the input. */
  line: number;
  reason: string;
  /** The offending text (truncated), kept so nothing is silently dropped. */
  text: string;
}

export interface ParseOutput {
  events: ParsedEvent[];
  problems: ParseProblem[];
  /** Things recognised and kept aside rather than parsed as events (e.g. CloudTrail digest files). */
  kind?: 'events' | 'cloudtrail-digest' | 'control-message';
}

export interface SourceFormat {
  id: 'cloudtrail' | 'vpcflow' | 'route53' | 'alb' | 's3access' | 'cwl-subscription' | 'guardduty' | 'securityhub';
  /** Engine table holding this format's events. */
  table: string;
  columns: ColumnDef[];
  /** Cheap check on the first KiB of a file (already gunzipped) and its name. */
  detect(head: string, fileName?: string): boolean;
  /** Parses a whole file or payload (already gunzipped). */
  parse(text: string, fileName?: string): ParseOutput;
  /** Default destination log group for an account, e.g. `aws/cloudtrail/<account>` style naming. */
  defaultLogGroup?(accountId: string): string;
}
