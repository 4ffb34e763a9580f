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
  async insert(p: InsertParams): Promise<void> {
    await this.client.insert({ table: p.table, values: Readable.from([p.values]), format: 'JSONEachRow' });
  }
  async close(): Promise<void> { await this.client.close(); }
}
