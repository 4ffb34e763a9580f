/**
 * DDL for event tables. Every table has the same common columns (so reads and Insights work on
 * any of them); a log format's table adds typed hot columns for the fields people filter on
 * (ENGINE.md rule 6). `log_events` holds events of no known format.
 * fsync_after_insert makes an engine insert durable on its own, which lets the write-ahead
 * log be released as soon as the insert returns.
 */
export const EVENTS_TABLE = 'log_events';

export interface ExtraColumn { name: string; type: string }

export interface TableSpec {
  name: string;
  columns: ExtraColumn[];
  /**
   * The typed column values of one event's message, for events appended without them (PutLogEvents or native
   * ingest into a group of this table), so every row of a typed table carries its columns.
   */
  columnsOf?: (message: string) => Record<string, string | number | boolean | null> | undefined;
}

export const COMMON_COLUMNS = ['group_id', 'stream_id', 'log_group', 'log_stream', 'timestamp', 'ingestion_time', 'seq', 'idx', 'message'];

const IDENT = /^[a-z_][a-z0-9_]*$/;

export function createTableSql(spec: TableSpec): string {
  if (!IDENT.test(spec.name)) throw new Error(`invalid table name ${spec.name}`);
  const extras = spec.columns.map((c) => {
    if (!IDENT.test(c.name) || COMMON_COLUMNS.includes(c.name)) throw new Error(`invalid column name ${c.name}`);
    return `    ${c.name} ${c.type},\n`;
  }).join('');
  return `CREATE TABLE IF NOT EXISTS ${spec.name} (
    group_id UInt64,
    stream_id UInt64,
    log_group LowCardinality(String),
    log_stream LowCardinality(String),
    timestamp Int64,
    ingestion_time Int64,
    seq UInt64,
    idx UInt32,
    message String CODEC(ZSTD(1)),
${extras}    INDEX message_tokens message TYPE text(tokenizer = splitByNonAlpha)
  ) ENGINE = MergeTree
  PARTITION BY toDate(fromUnixTimestamp64Milli(timestamp))
  ORDER BY (group_id, stream_id, timestamp, seq, idx)
  SETTINGS fsync_after_insert = 1, fsync_part_directory = 1`;
}

/** Statements that bring an existing table up to its spec (columns added later). */
export function evolveTableSql(spec: TableSpec): string[] {
  return spec.columns.map((c) => `ALTER TABLE ${spec.name} ADD COLUMN IF NOT EXISTS ${c.name} ${c.type}`);
}

export const GENERIC_TABLE: TableSpec = { name: EVENTS_TABLE, columns: [] };
