/**
 * The composite alarm graph (src/alarms/composite-graph.ts): evaluation order and cycle detection.
 * Oracle: PutCompositeAlarm and DeleteAlarms API reference (fact sheet §4.3): a cycle of composite
 * alarms can be created ("composite alarm A depends on composite alarm B, and composite alarm B also
 * depends on composite alarm A"), and "the evaluation of composite alarms stops if CloudWatch
 * detects a cycle in the evaluation path"; it is broken by changing one rule, e.g. to FALSE.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compositeCycles, compositeOrder, cycleReason, CYCLE_REASON_PREFIX } from '../../src/alarms/composite-graph.js';

/** A graph from `{ parent: [children] }`. */
const graph = (g: Record<string, string[]>) => ({ nodes: Object.keys(g), children: (n: string) => g[n] ?? [] });

function cyclesOf(g: Record<string, string[]>): Record<string, string[]> {
  const { nodes, children } = graph(g);
  return Object.fromEntries(compositeCycles(nodes, children));
}

describe('composite evaluation order', () => {
  it('puts every child before its parent', () => {
    const { nodes, children } = graph({ top: ['mid', 'leaf'], mid: ['leaf'], leaf: [], other: [] });
    const order = compositeOrder(nodes, children);
    assert.equal(order.length, 4);
    for (const [p, kids] of Object.entries({ top: ['mid', 'leaf'], mid: ['leaf'] })) {
      for (const k of kids) assert.ok(order.indexOf(k) < order.indexOf(p), `${k} before ${p} in ${order.join(',')}`);
    }
  });
  it('terminates on a cycle and still lists every composite once', () => {
    const { nodes, children } = graph({ a: ['b'], b: ['a'], c: ['a'] });
    const order = compositeOrder(nodes, children);
    assert.deepEqual([...order].sort(), ['a', 'b', 'c']);
    assert.ok(order.indexOf('a') < order.indexOf('c'));
  });
});

describe('composite cycles (AWS: created, not evaluated)', () => {
  it('no cycle: nothing is reported, diamonds included', () => {
    assert.deepEqual(cyclesOf({ top: ['l', 'r'], l: ['base'], r: ['base'], base: [] }), {});
  });
  it('A depends on B and B on A: both are on the cycle', () => {
    assert.deepEqual(cyclesOf({ A: ['B'], B: ['A'] }), { A: ['A', 'B'], B: ['A', 'B'] });
  });
  it('a rule naming its own alarm is a cycle of one', () => {
    assert.deepEqual(cyclesOf({ self: ['self'], other: [] }), { self: ['self'] });
  });
  it('only the members of the cycle: a parent of the cycle and a child of it are evaluated', () => {
    const c = cyclesOf({ parent: ['x'], x: ['y', 'child'], y: ['z'], z: ['x'], child: [] });
    assert.deepEqual(c, { x: ['x', 'y', 'z'], y: ['x', 'y', 'z'], z: ['x', 'y', 'z'] });
  });
  it('two separate cycles are told apart', () => {
    const c = cyclesOf({ a: ['b'], b: ['a'], p: ['q'], q: ['r'], r: ['p'], link: ['a', 'p'] });
    assert.deepEqual(c, { a: ['a', 'b'], b: ['a', 'b'], p: ['p', 'q', 'r'], q: ['p', 'q', 'r'], r: ['p', 'q', 'r'] });
  });
  it('breaking the cycle (one rule set to FALSE: no children) clears it', () => {
    assert.deepEqual(cyclesOf({ A: [], B: ['A'] }), {});
  });
  it('a long chain closing on itself does not overflow the stack', () => {
    const g: Record<string, string[]> = {};
    const N = 50_000;
    for (let i = 0; i < N; i++) g[`n${i}`] = [`n${(i + 1) % N}`];
    const c = cyclesOf(g);
    assert.equal(Object.keys(c).length, N);
    assert.equal(c.n0.length, N);
    delete g.n0;
    g.n0 = [];
    assert.equal(Object.keys(cyclesOf(g)).length, 0, 'one link removed: a chain, no cycle');
  });
});

describe('the StateReason of a stopped composite', () => {
  it('names the alarms in the cycle and the way out', () => {
    assert.equal(cycleReason(['A', 'B']), `${CYCLE_REASON_PREFIX} (alarms in the cycle: A, B). Change one AlarmRule in the cycle (for example to FALSE) to break it.`);
  });
  it('stays within AWS\'s 1,023 characters for StateReason, cutting at a whole name', () => {
    const long = Array.from({ length: 10 }, (_, i) => `${'x'.repeat(250)}${i}`);
    const r = cycleReason(long);
    assert.ok(r.length <= 1023, String(r.length));
    assert.match(r, /x{250}2 and 7 more\)\. Change one AlarmRule/);
  });
});
