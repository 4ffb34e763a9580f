/**
 * Access keys. The initial admin key comes from TRAILWATCH_ACCESS_KEY_ID /
 * TRAILWATCH_SECRET_ACCESS_KEY, or is generated on first start and saved (mode 0600) in
 * the data directory.
 */
import { randomBytes, timingSafeEqual, createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

export interface AccessKey { accessKeyId: string; secretAccessKey: string; user: string }

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(): string {
  const b = randomBytes(16);
  let s = 'AKIA';
  for (let i = 0; i < 16; i++) s += ALPHA[b[i] % 32];
  return s;
}

export class AccessKeyStore {
  private readonly keys = new Map<string, AccessKey>();
  /** Set when the admin key was generated on this start (so it can be printed once). */
  generated: AccessKey | null = null;

  constructor(dataDir: string, env: NodeJS.ProcessEnv = process.env) {
    const file = join(dataDir, 'credentials.json');
    if (env.TRAILWATCH_ACCESS_KEY_ID && env.TRAILWATCH_SECRET_ACCESS_KEY) {
      this.add({ accessKeyId: env.TRAILWATCH_ACCESS_KEY_ID, secretAccessKey: env.TRAILWATCH_SECRET_ACCESS_KEY, user: 'admin' });
    } else if (existsSync(file)) {
      for (const k of JSON.parse(readFileSync(file, 'utf8')) as AccessKey[]) this.add(k);
    } else {
      const key: AccessKey = { accessKeyId: randomKeyId(), secretAccessKey: randomBytes(30).toString('base64').replace(/[+/=]/g, 'x').slice(0, 40), user: 'admin' };
      writeFileSync(file, JSON.stringify([key], null, 2), { mode: 0o600 });
      chmodSync(file, 0o600);
      this.add(key);
      this.generated = key;
    }
  }

  private add(k: AccessKey): void { this.keys.set(k.accessKeyId, k); }

  get(accessKeyId: string): AccessKey | undefined { return this.keys.get(accessKeyId); }

  first(): AccessKey { return this.keys.values().next().value as AccessKey; }
}

/** Constant-time comparison of two strings (length is not secret). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Bearer tokens for the console and scripts are derived from an access key, so they need no
 * server-side state: `tw1.<accessKeyId>.<base64url HMAC-SHA256(secret, "trailwatch-bearer-v1:" + id)>`.
 */
export function bearerToken(key: { accessKeyId: string; secretAccessKey: string }): string {
  const mac = createHmac('sha256', key.secretAccessKey).update(`trailwatch-bearer-v1:${key.accessKeyId}`).digest('base64url');
  return `tw1.${key.accessKeyId}.${mac}`;
}

export function verifyBearer(store: AccessKeyStore, token: string): AccessKey | null {
  const m = /^tw1\.([A-Z0-9]{4,128})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const key = store.get(m[1]);
  if (!key) return null;
  return safeEqual(bearerToken(key), token) ? key : null;
}
