/**
 * DDL for the log event table. Typed columns for what every query filters on, the raw
 * message compressed, a text index for token search (ENGINE.md rule 6), daily partitions.
 * fsync_after_insert makes an engine insert durable on its own, which lets the write-ahead
 * log be released as soon as the insert returns.
 */
export const EVENTS_TABLE = 'log_events';

export const SCHEMA: string[] = [
  `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (
    group_id UInt64,
    stream_id UInt64,
    log_group LowCardinality(String),
    log_stream LowCardinality(String),
    timestamp Int64,
    ingestion_time Int64,
    seq UInt64,
    idx UInt32,
    message String CODEC(ZSTD(1)),
    INDEX message_tokens message TYPE text(tokenizer = splitByNonAlpha)
  ) ENGINE = MergeTree
  PARTITION BY toDate(fromUnixTimestamp64Milli(timestamp))
  ORDER BY (group_id, stream_id, timestamp, seq, idx)
  SETTINGS fsync_after_insert = 1, fsync_part_directory = 1`,
];
