/**
 * Two ways to call the AWS JSON 1.1 API of the server: a raw client (node:http +
 * @smithy/signature-v4 with node:crypto hashing, as src/auth/sigv4.ts verifies) and the real
 * AWS SDK v3 client. The bench measures which one costs the client less, then drives load with it.
 */
import { Agent } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { HttpClient } from './http.js';
import { TEST_KEY } from '../../test/helpers/server.js';
import { NodeSha256 } from '../../src/auth/node-sha256.js';



export const REGION = 'us-east-1';
export const TARGET_PREFIX = 'Logs_20140328.';

export class AwsCallError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(`${status} ${code}: ${message}`); }
}

export class RawAwsClient {
  readonly http: HttpClient;
  private readonly signer = new SignatureV4({ credentials: { accessKeyId: TEST_KEY.accessKeyId, secretAccessKey: TEST_KEY.secretAccessKey }, region: REGION, service: 'logs', sha256: NodeSha256, applyChecksum: false });

  constructor(url: string, maxSockets = 16) { this.http = new HttpClient(url, maxSockets); }

  async signedHeaders(operation: string, body: Buffer): Promise<Record<string, string>> {
    const req = new HttpRequest({
      method: 'POST', protocol: 'http:', hostname: this.http.host, port: this.http.port, path: '/',
      headers: { host: this.http.hostHeader, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET_PREFIX + operation },
      body,
    });
    const signed = await this.signer.sign(req);
    return signed.headers as Record<string, string>;
  }

  /** Sends a pre-serialized JSON body; returns the parsed answer or throws AwsCallError. */
  async callRaw<T = Record<string, unknown>>(operation: string, body: Buffer): Promise<T> {
    const headers = await this.signedHeaders(operation, body);
    const res = await this.http.post('/', headers, body);
    const text = res.body.toString('utf8');
    if (res.status !== 200) {
      let code = 'Unknown', message = text;
      try { const j = JSON.parse(text) as { __type?: string; message?: string }; code = j.__type ?? code; message = j.message ?? text; } catch { /* not JSON */ }
      throw new AwsCallError(res.status, code, message);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
    return this.callRaw<T>(operation, Buffer.from(JSON.stringify(input)));
  }

  close(): void { this.http.close(); }
}

export function sdkClient(url: string, maxSockets = 16): { client: CloudWatchLogsClient; close(): void } {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const client = new CloudWatchLogsClient({
    endpoint: url, region: REGION, maxAttempts: 1,
    credentials: { accessKeyId: TEST_KEY.accessKeyId, secretAccessKey: TEST_KEY.secretAccessKey },
    requestHandler: { httpAgent: agent, requestTimeout: 300_000 },
  });
  return { client, close() { client.destroy(); agent.destroy(); } };
}
