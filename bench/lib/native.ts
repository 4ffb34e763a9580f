/** The native ingest endpoint (`POST /api/v1/ingest/<group>?stream=&create=true`) with bearer auth. */
import { bearerToken } from '../../src/auth/access-keys.js';
import { TEST_KEY } from '../../test/helpers/server.js';
import { HttpClient } from './http.js';

export interface IngestAnswer { received: number; ingested: number; rejected: { tooOld: number; tooNew: number; expired: number; tooLarge: number } }

export class NativeClient {
  readonly http: HttpClient;
  private readonly auth = `Bearer ${bearerToken(TEST_KEY)}`;

  constructor(url: string, maxSockets = 8) { this.http = new HttpClient(url, maxSockets); }

  /** Posts one NDJSON body; throws unless every line was ingested. */
  async ingest(group: string, stream: string, body: Buffer, o: { gzip?: boolean; expectLines?: number } = {}): Promise<IngestAnswer> {
    const headers: Record<string, string> = { authorization: this.auth, 'content-type': 'application/x-ndjson' };
    if (o.gzip) headers['content-encoding'] = 'gzip';
    const res = await this.http.post(`/api/v1/ingest/${encodeURIComponent(group)}?stream=${encodeURIComponent(stream)}&create=true`, headers, body);
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${res.body.toString('utf8').slice(0, 300)}`);
    const a = JSON.parse(res.body.toString('utf8')) as IngestAnswer;
    if (a.ingested !== a.received || (o.expectLines !== undefined && a.received !== o.expectLines)) throw new Error(`ingest stored ${a.ingested} of ${a.received} lines (expected ${o.expectLines ?? a.received}): ${JSON.stringify(a.rejected)}`);
    return a;
  }

  close(): void { this.http.close(); }
}
