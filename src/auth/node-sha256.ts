/** SHA-256 / HMAC-SHA256 from node:crypto in the shape @smithy/signature-v4 expects (its `sha256` constructor). */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

function toBytes(d: ArrayBuffer | ArrayBufferView): Uint8Array {
  return d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

export class NodeSha256 {
  private h: Hash | Hmac;
  private readonly secret?: string | Uint8Array;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined || typeof secret === 'string' ? secret : toBytes(secret);
    this.h = this.make();
  }
  private make(): Hash | Hmac { return this.secret ? createHmac('sha256', this.secret) : createHash('sha256'); }
  update(data: string | ArrayBuffer | ArrayBufferView): void { this.h.update(typeof data === 'string' ? data : toBytes(data)); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.h.digest()); }
  reset(): void { this.h = this.make(); }
}
