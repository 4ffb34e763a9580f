/**
 * What every AWS log format under `src/sources/<format>/` provides. A format turns a file or a
 * record into events that keep their raw text (`message`) and carry typed hot columns for the
 * fields people filter on; the store keeps each format's events in its own table (ENGINE.md rule 6).
 *
 * Column values (ParsedEvent.columns) are encoded for ClickHouse `JSONEachRow` inserts:
 * - `DateTime64(3, 'UTC')` columns hold epoch **milliseconds** (an integer), `DateTime64(6, 'UTC')`
 *   columns epoch **microseconds**: ClickHouse reads an integer as ticks of the column's scale;
 * - `Bool` columns hold booleans; numeric columns hold numbers that fit the type;
 * - everything else is a string. A value that does not fit its column's type is `null`, never an
 *   exception: the original stays in `message`.
 *
 * Extensions since the first version (all additive): ColumnDef.derived/description, ParsedEvent.origin/record,
 * ParseOutput.warnings/fileInfo/digest/fields, ParseOptions (third argument of parse), SourceFormat.caption, and the
 * format id `route53-public` (Route 53 public DNS query logs).
 */

/** A typed hot column: `field` is the name Logs Insights shows for it (as AWS discovers it). */
export interface ColumnDef {
  /** ClickHouse column name, snake_case, e.g. `event_name`. */
  name: string;
  /** ClickHouse type, e.g. `LowCardinality(String)`, `Nullable(UInt16)`, `Nullable(IPv6)`, `Int64`. */
  type: string;
  /** Insights field name, e.g. `eventName`, `userIdentity.arn`, `srcAddr`. */
  field: string;
  /**
   * True when no single AWS field holds this value: Trailwatch computes it (e.g. CloudTrail `user_name`
   * = `userIdentity.userName` or the session issuer's). `field` is then a Trailwatch name, not a path
   * AWS would discover; a query planner must not resolve an AWS path to a derived column.
   */
  derived?: boolean;
  /**
   * The column holds the field's value exactly when the record's value at `field` is a JSON string, and
   * NULL otherwise (absent, null, a number, an object…). Logs Insights then reads the column instead of
   * parsing the message (src/query/insights/fields.ts). Never set on derived columns.
   */
  exactText?: boolean;
  /** One line for docs and the console. */
  description?: string;
}

/** Where an event came from when it arrived inside a CloudWatch Logs subscription payload. */
export interface EventOrigin {
  /** Account that owns the source log group (`owner`). */
  owner: string;
  logGroup: string;
  logStream: string;
  /** The log event id in the source group (56-digit decimal string). */
  id: string;
  subscriptionFilters?: string[];
}

export interface ParsedEvent {
  /** Event time in epoch milliseconds. */
  timestamp: number;
  /** The raw record text, kept byte-for-byte where the input had one line per record; a compact JSON record otherwise. */
  message: string;
  /** Values for the format's hot columns, keyed by ColumnDef.name; missing → NULL/default. */
  columns: Record<string, string | number | boolean | null>;
  /** Set by `cwl-subscription`: the original log group/stream/event id, for the importer. */
  origin?: EventOrigin;
  /**
   * JSON formats: the parsed record (the object `message` serializes), so consumers (OCSF mapping,
   * detectors) need not parse `message` again. Not copied; treat as read-only. Omitted with `keepRecord: false`.
   */
  record?: Record<string, unknown>;
}

export interface ParseProblem {
  /** 1-based line (or record index) in the input. */
  line: number;
  reason: string;
  /** The offending text (truncated), kept so nothing is silently dropped. */
  text: string;
}

/** What an AWS log file's name (S3 key) says about its contents. Every member is optional. */
export interface SourceFileInfo {
  /** The AWS service folder in the key: `CloudTrail`, `CloudTrail-Insight`, `CloudTrail-Digest`, `vpcflowlogs`, `elasticloadbalancing`, `s3-access`. */
  service?: string;
  accountId?: string;
  region?: string;
  /** Delivery / interval-end time from the name, epoch ms. */
  time?: number;
  /** `o-…` for organization trails. */
  organizationId?: string;
  /** CloudTrail digest files: trail name and home region. */
  trailName?: string;
  homeRegion?: string;
  /** VPC Flow Logs: `fl-…`. */
  flowLogId?: string;
  /** ALB: `app/<name>/<id>` (slashes restored) and the load balancer node address. */
  loadBalancer?: string;
  nodeIp?: string;
  /** S3 server access logs with date-based partitioning: the source bucket. */
  bucket?: string;
}

export interface ParseOutput {
  events: ParsedEvent[];
  problems: ParseProblem[];
  /** Things recognised and kept aside rather than parsed as events (e.g. CloudTrail digest files). */
  kind?: 'events' | 'cloudtrail-digest' | 'control-message';
  /** Events that were kept but needed a fallback (e.g. no parseable time): same shape as problems. */
  warnings?: ParseProblem[];
  /** What the file name said (account, region, time…), when a file name was given and recognised. */
  fileInfo?: SourceFileInfo;
  /** `kind: 'cloudtrail-digest'`: the parsed digest document. */
  digest?: Record<string, unknown>;
  /** Space-delimited formats: the field list the lines were read with (VPC Flow Logs: from the header, the option or the default). */
  fields?: string[];
}

export interface ParseOptions {
  /**
   * VPC Flow Logs custom format for files without a header line (CloudWatch Logs destinations), as given to
   * CreateFlowLogs (`${version} ${vpc-id} …`) or as plain field names (`version vpc-id …`).
   */
  format?: string;
  /** Time for events that carry none (or an unparseable one). Default: the file name's time, else now. */
  fallbackTimestamp?: number;
  /** Keep `ParsedEvent.record` for JSON formats (default true). */
  keepRecord?: boolean;
}

export type SourceFormatId = 'cloudtrail' | 'vpcflow' | 'route53' | 'route53-public' | 'alb' | 's3access' | 'cwl-subscription' | 'guardduty' | 'securityhub';

export interface SourceFormat {
  id: SourceFormatId;
  /** Human name, e.g. `AWS CloudTrail`. */
  caption?: string;
  /** Engine table holding this format's events. */
  table: string;
  columns: ColumnDef[];
  /** Cheap check on the first KiB of a file (already gunzipped) and its name. */
  detect(head: string, fileName?: string): boolean;
  /** Parses a whole file or payload (already gunzipped). Never throws. */
  parse(text: string, fileName?: string, options?: ParseOptions): ParseOutput;
  /** Default destination log group for an account, e.g. `aws/cloudtrail/<account>` style naming. */
  defaultLogGroup?(accountId: string): string;
}
