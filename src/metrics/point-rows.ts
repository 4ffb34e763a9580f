/**
 * Rows of the `metric_points` table for the engine, built straight into one buffer per put: RowBinary
 * where the engine takes it (the engine loads it at a fraction of JSONEachRow's parse cost, and here
 * it is a few fixed-width writes per row instead of number-to-text formatting), JSONEachRow otherwise.
 * Both carry exactly the same values (JSON numbers are written in their shortest exact form).
 *
 * Row: series_id UInt64, ts Int64, res UInt8, unit String, count Float64, sum Float64, min Float64,
 * max Float64, value Float64, pct UInt8, batch UInt64, fold UInt64.
 */

/** Column names and types of a RowBinary point row, in encoding order. */
export const POINT_ROW_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['series_id', 'UInt64'], ['ts', 'Int64'], ['res', 'UInt8'], ['unit', 'String'], ['count', 'Float64'], ['sum', 'Float64'],
  ['min', 'Float64'], ['max', 'Float64'], ['value', 'Float64'], ['pct', 'UInt8'], ['batch', 'UInt64'], ['fold', 'UInt64'],
];

const TWO_32 = 4294967296;
/** Fixed-width bytes of a row besides the unit's bytes and its length prefix. */
const FIXED = 8 + 8 + 1 + 5 * 8 + 1 + 8 + 8;
/** Units are short ASCII names (27 standard ones): their length prefix is one byte. */
const MAX_UNIT = 127;

/** Accumulates point rows of one put; `finish()` gives the engine payload. */
export interface PointRows {
  add(seriesId: number, ts: number, res: number, unit: string, count: number, sum: number, min: number, max: number, value: number, pct: 0 | 1): void;
  readonly count: number;
  finish(): Buffer;
}

class BinaryRows implements PointRows {
  private buf: Buffer;
  private o = 0;
  count = 0;
  constructor(expected: number, private readonly batch: number) { this.buf = Buffer.allocUnsafe(Math.max(1, expected) * (FIXED + 1 + 16)); }

  private u64(v: number): void {
    const hi = Math.floor(v / TWO_32);
    this.buf.writeUInt32LE(v - hi * TWO_32, this.o);
    this.buf.writeUInt32LE(hi, this.o + 4);
    this.o += 8;
  }

  /** -0 is written as 0, as its JSON text "0" would be. */
  private f64(v: number): void { this.buf.writeDoubleLE(v === 0 ? 0 : v, this.o); this.o += 8; }

  add(seriesId: number, ts: number, res: number, unit: string, count: number, sum: number, min: number, max: number, value: number, pct: 0 | 1): void {
    const need = this.o + FIXED + 1 + unit.length * 3;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.o);
      this.buf = bigger;
    }
    this.u64(seriesId);
    this.u64(ts);
    this.buf[this.o++] = res;
    const n = this.buf.write(unit, this.o + 1, 'utf8');
    if (n > MAX_UNIT) throw new Error('metric unit too long');
    this.buf[this.o] = n;
    this.o += 1 + n;
    this.f64(count); this.f64(sum); this.f64(min); this.f64(max); this.f64(value);
    this.buf[this.o++] = pct;
    this.u64(this.batch);
    this.u64(0);
    this.count++;
  }

  finish(): Buffer { return this.buf.subarray(0, this.o); }
}

class JsonRows implements PointRows {
  private readonly lines: string[] = [];
  private readonly units = new Map<string, string>();
  constructor(private readonly batch: number) {}
  get count(): number { return this.lines.length; }

  add(seriesId: number, ts: number, res: number, unit: string, count: number, sum: number, min: number, max: number, value: number, pct: 0 | 1): void {
    let u = this.units.get(unit);
    if (u === undefined) { u = JSON.stringify(unit); this.units.set(unit, u); }
    this.lines.push(`{"series_id":${seriesId},"ts":${ts},"res":${res},"unit":${u},"count":${count},"sum":${sum},"min":${min},"max":${max},"value":${value},"pct":${pct},"batch":${this.batch},"fold":0}`);
  }

  finish(): Buffer { return Buffer.from(this.lines.join('\n') + '\n'); }
}

/** A row builder for one put batch: RowBinary when the engine takes it. */
export function pointRows(binary: boolean, expected: number, batch: number): PointRows {
  return binary ? new BinaryRows(expected, batch) : new JsonRows(batch);
}
