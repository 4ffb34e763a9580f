/**
 * The metric alarm decision as a pure function: the datapoints of the evaluation range (oldest
 * first, undefined = missing) → the new state, following fact sheet 4.2 (AWS "How alarm state is
 * evaluated when data is missing") row by row:
 * 1. none of the N newest slots is missing → those N are evaluated;
 * 2. else, if the range holds ≥ N real datapoints → the N newest real ones are evaluated
 *    (TreatMissingData is not used);
 * 3. else the real datapoints plus as few filled slots as needed to make N:
 *    - breaching / notBreaching: the filled slots count as breaching / good;
 *    - missing / ignore: only the real datapoints are used; ≥ M breaching → ALARM, any good one →
 *      OK; all real ones breaching but fewer than M → `ignore` keeps the state, `missing` applies
 *      the premature-alarm rule (ALARM once the oldest breaching datapoint of the last N slots is
 *      at least M periods old, else the state is kept); no real datapoint at all → `missing` gives
 *      INSUFFICIENT_DATA, `ignore` keeps the state.
 */
import type { StateValue, TreatMissingData } from './model.js';

export interface EvaluatedPoint { index: number; value: number; breaching: boolean }

export type Decision =
  | { kind: 'threshold'; state: 'OK' | 'ALARM'; points: EvaluatedPoint[]; filled: number; filledBreaching: boolean; premature?: boolean }
  | { kind: 'insufficient'; slots: number }
  | { kind: 'retain' };

export interface EvaluationInput {
  /** The evaluation range, oldest first; NaN or undefined = missing. */
  values: ReadonlyArray<number | undefined>;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  /** Whether the datapoint at `index` breaches (the band may differ per timestamp). */
  breaches: (value: number, index: number) => boolean;
}

/** How many periods the evaluation range covers for N evaluation periods (AWS: more than N; we use N + 2, the size of the documented tables). */
export function evaluationRange(n: number): number {
  return n + 2;
}

const present = (v: number | undefined): v is number => v !== undefined && !Number.isNaN(v);

export function decide(input: EvaluationInput): Decision {
  const { values, evaluationPeriods: N, datapointsToAlarm: M, treatMissingData: tmd, breaches } = input;
  const R = values.length;
  const point = (i: number): EvaluatedPoint => ({ index: i, value: values[i]!, breaching: breaches(values[i]!, i) });
  const real: number[] = [];
  for (let i = 0; i < R; i++) if (present(values[i])) real.push(i);

  const lastN = [];
  for (let i = Math.max(0, R - N); i < R; i++) lastN.push(i);
  const judge = (points: EvaluatedPoint[], extraBreaching: number, filled: number, filledBreaching: boolean): Decision => {
    const b = points.filter((p) => p.breaching).length + extraBreaching;
    return { kind: 'threshold', state: b >= M ? 'ALARM' : 'OK', points, filled, filledBreaching };
  };
  if (lastN.length === N && lastN.every((i) => present(values[i]))) return judge(lastN.map(point), 0, 0, false);
  if (real.length >= N) return judge(real.slice(real.length - N).map(point), 0, 0, false);

  const fill = N - real.length;
  const points = real.map(point);
  if (tmd === 'breaching') return judge(points, fill, fill, true);
  if (tmd === 'notBreaching') return judge(points, 0, fill, false);
  if (!points.length) return tmd === 'missing' ? { kind: 'insufficient', slots: N } : { kind: 'retain' };
  const breaching = points.filter((p) => p.breaching);
  if (breaching.length >= M) return { kind: 'threshold', state: 'ALARM', points, filled: 0, filledBreaching: false };
  if (breaching.length < points.length) return { kind: 'threshold', state: 'OK', points, filled: 0, filledBreaching: false };
  if (tmd === 'ignore') return { kind: 'retain' };
  // Premature-alarm rule: the oldest breaching datapoint within the last N slots is ≥ M periods old.
  const inWindow = breaching.filter((p) => p.index >= R - N);
  if (inWindow.length && R - inWindow[0].index >= M) return { kind: 'threshold', state: 'ALARM', points, filled: 0, filledBreaching: false, premature: true };
  return { kind: 'retain' };
}

/** The state a decision leads to from `current` (retain keeps it). */
export function nextState(d: Decision, current: StateValue): StateValue {
  if (d.kind === 'retain') return current;
  if (d.kind === 'insufficient') return 'INSUFFICIENT_DATA';
  return d.state;
}

/**
 * Whether a percentile period has too few samples to be significant (fact sheet 4.2): fewer than
 * 10/(1−p) for p ≥ 0.5, fewer than 10/p below.
 */
export function lowSampleCount(percentile: number, samples: number): boolean {
  const p = percentile / 100;
  if (p <= 0 || p >= 1) return false;
  const needed = p >= 0.5 ? 10 / (1 - p) : 10 / p;
  return samples < needed - 1e-9;
}
