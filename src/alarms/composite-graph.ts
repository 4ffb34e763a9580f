/**
 * The graph of composite alarms (an edge from each composite to the composites its AlarmRule
 * references): evaluation order, and the cycles AWS lets PutCompositeAlarm create but does not
 * evaluate (fact sheet 4.3; DeleteAlarms API reference: "the evaluation of composite alarms stops
 * if CloudWatch detects a cycle in the evaluation path").
 */

/** Composites with every composite child before its parent (members of a cycle in some order). */
export function compositeOrder(composites: Iterable<string>, children: (name: string) => string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const c of children(n)) visit(c);
    out.push(n);
  };
  for (const n of [...composites].sort()) visit(n);
  return out;
}

/**
 * Every composite that lies on a cycle, with the members of its cycle: the strongly connected
 * component it belongs to, sorted (one array shared by the members). `children` must return only
 * composite children. Tarjan's algorithm, iterative so deep chains cannot overflow the stack and
 * linear in composites + references, since it runs on every evaluation; a component is a cycle
 * when it has two members or its one member references itself.
 */
export function compositeCycles(composites: Iterable<string>, children: (name: string) => string[]): Map<string, readonly string[]> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out = new Map<string, readonly string[]>();
  let next = 0;
  for (const root of [...composites].sort()) {
    if (index.has(root)) continue;
    // Each frame: a node, its children and the position of the next child to look at.
    const frames: Array<{ n: string; kids: string[]; i: number }> = [];
    const open = (n: string) => {
      index.set(n, next); low.set(n, next); next++;
      stack.push(n); onStack.add(n);
      frames.push({ n, kids: children(n), i: 0 });
    };
    open(root);
    while (frames.length) {
      const f = frames[frames.length - 1];
      if (f.i < f.kids.length) {
        const c = f.kids[f.i++];
        if (!index.has(c)) open(c);
        else if (onStack.has(c)) low.set(f.n, Math.min(low.get(f.n)!, index.get(c)!));
        continue;
      }
      frames.pop();
      if (frames.length) { const p = frames[frames.length - 1].n; low.set(p, Math.min(low.get(p)!, low.get(f.n)!)); }
      if (low.get(f.n) !== index.get(f.n)) continue;
      const comp: string[] = [];
      let m: string;
      do { m = stack.pop()!; onStack.delete(m); comp.push(m); } while (m !== f.n);
      if (comp.length === 1 && !f.kids.includes(f.n)) continue;
      comp.sort();
      for (const x of comp) out.set(x, comp);
    }
  }
  return out;
}

/** How the StateReason of a composite whose evaluation stopped begins (Trailwatch's wording: AWS does not document one). */
export const CYCLE_REASON_PREFIX = 'Evaluation stopped: a cycle of composite alarms was detected in the evaluation path';

/** The StateReason of a composite on a cycle (its members), within AWS's 1,023 characters. */
export function cycleReason(members: readonly string[]): string {
  const tail = '. Change one AlarmRule in the cycle (for example to FALSE) to break it.';
  const room = 1023 - CYCLE_REASON_PREFIX.length - ' (alarms in the cycle: )'.length - tail.length;
  let list = '';
  for (const [i, m] of members.entries()) {
    const more = `${i ? ', ' : ''}${m}`;
    // Cut at a whole name, saying how many are left out.
    const rest = ` and ${members.length - i} more`;
    if (list.length + more.length > room - (i < members.length - 1 ? rest.length : 0)) { list += rest; break; }
    list += more;
  }
  return `${CYCLE_REASON_PREFIX} (alarms in the cycle: ${list})${tail}`;
}
