/** A minimal keep-alive HTTP client (node:http): the cheapest client we can put in front of the server. */
import { Agent, request } from 'node:http';

export interface HttpResponse { status: number; body: Buffer }

export class HttpClient {
  readonly agent: Agent;
  readonly host: string;
  readonly port: number;

  constructor(readonly url: string, maxSockets = 16) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** The Host header value clients sign. */
  get hostHeader(): string { return `${this.host}:${this.port}`; }

  post(path: string, headers: Record<string, string | number>, body: Buffer | string, timeoutMs = 300_000): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, path, method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers }, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void { this.agent.destroy(); }
}
