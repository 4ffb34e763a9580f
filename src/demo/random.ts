// Seeded randomness and time helpers for the demo dataset.
// Everything here is pure: no Math.random, no Date.now, so a given
// (endTime, days, scale) always yields byte-identical output.

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** mulberry32: tiny, fast, good enough for synthetic data (not crypto). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the parts, so each generator gets an independent, named stream. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  const s = parts.join('\u0000');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX = '0123456789abcdef';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class Rng {
  private readonly nextFn: () => number;
  private spareNormal: number | undefined;

  constructor(seed: number | string) {
    this.nextFn = mulberry32(typeof seed === 'number' ? seed : hashSeed(seed));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextFn();
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Pick from [value, weight] pairs. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][0];
  }

  /** Standard normal via Box-Muller (caches the second value). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    const u = 1 - this.next(); // (0, 1] so log() is finite
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal parameterised by its median; latencies look like this in practice. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Knuth for small means, normal approximation above that (fast enough here). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l);
    return k - 1;
  }

  hex(n: number): string {
    return this.chars(n, HEX);
  }

  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }

  /** RFC 4122 version-4 layout, but from the seeded stream. */
  uuid(): string {
    const variant = '89ab'[this.int(0, 3)];
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }

  ephemeralPort(): number {
    return this.int(32768, 60999);
  }
}

/** AWS-style ids (AIDA…, AKIA…, AROA…) derived from a name so they never change. */
export function awsId(prefix: string, name: string, length = 20): string {
  return prefix + new Rng(hashSeed('aws-id', prefix, name)).chars(length - prefix.length, UPPER_ALNUM);
}

/** Hex id derived from a name (x-amz-id-2 bodies, key ids …). */
export function stableHex(name: string, length: number): string {
  return new Rng(hashSeed('hex', name)).hex(length);
}

export function isoSeconds(ts: number): string {
  return new Date(Math.floor(ts / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function isoMillis(ts: number): string {
  return new Date(ts).toISOString();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The "Nov 20, 2026, 4:00:00 PM" form CloudTrail uses inside STS/IAM/KMS responses. */
export function cloudTrailLongDate(ts: number): string {
  const d = new Date(ts);
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${pad(d.getUTCMinutes())}:${pad(
    d.getUTCSeconds(),
  )} ${h < 12 ? 'AM' : 'PM'}`;
}

/** The demo company sits in US Eastern (fixed UTC-5, no DST, to stay deterministic and simple). */
export const LOCAL_UTC_OFFSET_HOURS = -5;

export function localHour(ts: number): number {
  return new Date(ts + LOCAL_UTC_OFFSET_HOURS * HOUR).getUTCHours();
}

export function isLocalWeekend(ts: number): boolean {
  const d = new Date(ts + LOCAL_UTC_OFFSET_HOURS * HOUR).getUTCDay();
  return d === 0 || d === 6;
}

/** Relative activity level for a timestamp; averages are normalised away by activityTimes. */
export type ActivityProfile = (ts: number) => number;

/** Office workers: weekdays 9-18 local, a little in the shoulders, almost nothing at night. */
export const businessProfile: ActivityProfile = (ts) => {
  const h = localHour(ts);
  let w = h >= 9 && h < 18 ? 1 : (h >= 7 && h < 9) || (h >= 18 && h < 21) ? 0.35 : 0.04;
  if (isLocalWeekend(ts)) w *= 0.12;
  return w;
};

/** Consumer-facing traffic: evening peak, quiet before dawn, weekends busy too. */
export const consumerProfile: ActivityProfile = (ts) => {
  const h = localHour(ts);
  const curve = [0.25, 0.18, 0.12, 0.1, 0.1, 0.14, 0.25, 0.45, 0.6, 0.7, 0.75, 0.85, 0.95, 0.9, 0.85, 0.85, 0.9, 1, 1.15, 1.25, 1.2, 1, 0.7, 0.45];
  return curve[h] * (isLocalWeekend(ts) ? 1.1 : 1);
};

/** Machines: flat with a mild daytime bump (autoscaling, cron, credential refresh). */
export const machineProfile: ActivityProfile = (ts) => {
  const h = localHour(ts);
  return h >= 8 && h < 20 ? 1.2 : 0.85;
};

/** Batch jobs: busy overnight. */
export const nightProfile: ActivityProfile = (ts) => {
  const h = localHour(ts);
  return h < 6 ? 1.6 : h >= 22 ? 0.8 : 0.25;
};

function meanWeight(profile: ActivityProfile): number {
  // One reference week, hour by hour (any fixed week works; 2024-01-01 is a Monday).
  const base = Date.UTC(2024, 0, 1);
  let sum = 0;
  for (let i = 0; i < 168; i++) sum += profile(base + i * HOUR + 30 * MINUTE);
  return sum / 168;
}

/**
 * Sorted event times in [start, end) whose hourly rate follows `profile`
 * and whose long-run average is `perDay` events a day.
 * `resolution` rounds times down (1000 for whole seconds, 1 for ms).
 */
export function activityTimes(
  rng: Rng,
  start: number,
  end: number,
  perDay: number,
  profile: ActivityProfile,
  resolution = 1,
): number[] {
  const out: number[] = [];
  if (perDay <= 0 || end <= start) return out;
  const norm = meanWeight(profile);
  const firstHour = Math.floor(start / HOUR) * HOUR;
  for (let h = firstHour; h < end; h += HOUR) {
    const lo = Math.max(h, start);
    const hi = Math.min(h + HOUR, end);
    const frac = (hi - lo) / HOUR;
    const mean = (perDay / 24) * (profile(h + 30 * MINUTE) / norm) * frac;
    const n = rng.poisson(mean);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      let t = lo + Math.floor(rng.next() * (hi - lo));
      t = Math.floor(t / resolution) * resolution;
      if (t >= start && t < end) times.push(t);
    }
    times.sort((a, b) => a - b);
    for (const t of times) out.push(t);
  }
  return out;
}
