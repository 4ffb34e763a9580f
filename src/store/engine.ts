/**
 * The one interface every storage engine implementation satisfies. It is the subset of
 * `@clickhouse/client`'s ClickHouseClient that Trailwatch uses (query/command/insert/close),
 * so the embedded chDB engine and a remote ClickHouse server are interchangeable.
 */
export interface QueryParams {
  query: string;
  /** Server-side bound parameters for `{name:Type}` placeholders (never spliced into SQL). */
  query_params?: Record<string, unknown>;
  format?: 'JSONEachRow';
  clickhouse_settings?: Record<string, string | number>;
}

export interface ResultSet {
  json<T = Record<string, unknown>>(): Promise<T[]>;
}

/**
 * Insert payload formats. JSONEachRow carries any table's rows; RowBinary (about a third of the
 * engine's parse cost) needs its column names and types in `columns`.
 */
export type InsertFormat = 'JSONEachRow' | 'RowBinary';

export interface InsertParams {
  table: string;
  /** Raw rows in `format`, parsed by the engine and never re-parsed in JS; several buffers are one payload. */
  values: Buffer | readonly Buffer[];
  format: InsertFormat;
  /** The payload's columns, in order, as [name, ClickHouse type]: required for RowBinary. */
  columns?: ReadonlyArray<readonly [string, string]>;
}

export interface Engine {
  /** Whether live inserts may use RowBinary (every engine must still accept it, for WAL replay). */
  readonly rowBinaryInserts?: boolean;
  query(params: QueryParams): Promise<ResultSet>;
  command(params: Omit<QueryParams, 'format'>): Promise<void>;
  insert(params: InsertParams): Promise<void>;
  close(): Promise<void>;
}

/** A typed helper: run a query and return its rows. */
export async function rows<T = Record<string, unknown>>(engine: Engine, query: string, query_params?: Record<string, unknown>): Promise<T[]> {
  const rs = await engine.query({ query, query_params, format: 'JSONEachRow' });
  return rs.json<T>();
}
