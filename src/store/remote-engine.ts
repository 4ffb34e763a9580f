/**
 * Engine implementation for a ClickHouse server or cluster, through the official client.
 * Pointing Trailwatch at a remote engine is a change of connection, not of code.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import type { Engine, InsertParams, QueryParams, ResultSet } from './engine.js';

export class RemoteEngine implements Engine {
  private readonly client: ClickHouseClient;
  constructor(url: string, database = 'default') {
    this.client = createClient({ url, database });
  }
  async query(p: QueryParams): Promise<ResultSet> {
    const rs = await this.client.query({ query: p.query, query_params: p.query_params, format: 'JSONEachRow', clickhouse_settings: p.clickhouse_settings as never });
    return { json: <T>() => rs.json<T>() };
  }
  async command(p: Omit<QueryParams, 'format'>): Promise<void> {
    await this.client.command({ query: p.query, query_params: p.query_params, clickhouse_settings: p.clickhouse_settings as never });
  }
  /** Live inserts stay JSONEachRow here; RowBinary is accepted for replaying a WAL the embedded engine wrote. */
  readonly rowBinaryInserts = false;
  async insert(p: InsertParams): Promise<void> {
    const bufs = Buffer.isBuffer(p.values) ? [p.values] : [...p.values as readonly Buffer[]];
    if (p.format === 'RowBinary') {
      // The client's insert() has no RowBinary; exec() sends the rows as the body of our own INSERT.
      if (!p.columns?.length || !/^[a-z_][a-z0-9_]*$/.test(p.table) || p.columns.some(([n]) => !/^[a-z_][a-z0-9_]*$/.test(n))) throw new Error('RowBinary insert: bad table or columns');
      const r = await this.client.exec({ query: `INSERT INTO ${p.table} (${p.columns.map(([n]) => n).join(', ')}) FORMAT RowBinary`, values: Readable.from(bufs) });
      r.stream.resume();
      return;
    }
    await this.client.insert({ table: p.table, values: Readable.from(bufs), format: 'JSONEachRow' });
  }
  async close(): Promise<void> { await this.client.close(); }
}
