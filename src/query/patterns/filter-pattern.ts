/**
 * CloudWatch Logs filter patterns: one parser, two back ends that agree (DESIGN §4).
 *
 *   const p = parse('{ $.errorCode = "AccessDenied*" }');   // throws FilterPatternError
 *   const match = compileJs(p);                              // (message) => boolean, for streams
 *   const { sql, params } = compileSql(p, 'fp');             // predicate over column `message`
 *   const values = extract(p, message);                      // { "$.errorCode": "AccessDenied" }
 *
 * Grammar, semantics and refusals: docs/filter-patterns.md.
 */
export { FilterPatternError } from './ast.js';
export type {
  FilterPattern, AllPattern, TermsPattern, RegexPattern, JsonPattern, DelimitedPattern, Term, RegexLiteral,
  JsonExpr, JsonCondition, CompareOp, Selector, SelectorStep, Value, Slot, FieldExpr,
} from './ast.js';
export { parse, parseSelector } from './parser.js';
export { compileJs, type Matcher } from './compile-js.js';
export { compileSql, type SqlPredicate } from './compile-sql.js';
export { extract } from './extract.js';
