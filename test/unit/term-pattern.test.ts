/**
 * Term filter patterns: AWS doc vectors (aws-facts.md §2.1, from FilterAndPatternSyntax) on both back ends,
 * the JS predicate and the SQL predicate run by the real engine, which must agree.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { parseTermPattern, compileTermPatternJs, compileTermPatternSql, FilterPatternError } from '../../src/query/patterns/term-pattern.js';
import { EmbeddedEngine } from '../../src/store/embedded-engine.js';
import { rows } from '../../src/store/engine.js';
import { tempDir } from '../helpers/server.js';

const EVENTS = ['[ERROR 400] BAD REQUEST', '[ERROR 401] UNAUTHORIZED REQUEST', '[ERROR 419] MISSING ARGUMENTS', '[ERROR 420] INVALID ARGUMENTS', '[ERROR 500] INTERNAL SERVER ERROR'];
const VECTORS: [string, number[]][] = [
  ['ERROR', [0, 1, 2, 3, 4]],
  ['ERROR ARGUMENTS', [2, 3]],
  ['ERROR -ARGUMENTS', [0, 1, 4]],
  ['?ERROR ?ARGUMENTS', [0, 1, 2, 3, 4]],
  ['"INTERNAL SERVER ERROR"', [4]],
  ['" "', [0, 1, 2, 3, 4]],
  ['', [0, 1, 2, 3, 4]],
  ['error', []],
  ['"ERROR 4" -UNAUTHORIZED', [0, 2, 3]],
];

let engine: EmbeddedEngine;
let dir: string;
before(async () => {
  dir = tempDir('tw-pattern-');
  engine = new EmbeddedEngine({ dataDir: dir });
  await engine.command({ query: 'CREATE TABLE ev (i UInt32, message String) ENGINE = MergeTree ORDER BY i' });
  await engine.insert({ table: 'ev', values: Buffer.from(EVENTS.map((message, i) => JSON.stringify({ i, message })).join('\n')), format: 'JSONEachRow' });
});
after(async () => { await engine.close(); rmSync(dir, { recursive: true, force: true }); });

for (const [pattern, expected] of VECTORS) {
  test(`doc vector ${JSON.stringify(pattern)}: JS and SQL both match ${JSON.stringify(expected)}`, async () => {
    const p = parseTermPattern(pattern);
    const js = EVENTS.map((m, i) => (compileTermPatternJs(p)(m) ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(js, expected);
    const sql = compileTermPatternSql(p);
    const got = await rows<{ i: number }>(engine, `SELECT i FROM ev ${sql ? `WHERE ${sql.sql}` : ''} ORDER BY i`, sql?.params);
    assert.deepEqual(got.map((r) => Number(r.i)), expected);
  });
}

test('JSON, space-delimited and regex patterns are refused, never matched-all', () => {
  for (const p of ['{ $.a = 1 }', '[ip, user]', '%ERROR%', 'bad"quote']) assert.throws(() => parseTermPattern(p), FilterPatternError);
});
