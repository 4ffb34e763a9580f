/**
 * Composite AlarmRule parser and evaluator (src/alarms/composite-rule.ts). Oracle: fact sheet
 * §4.3 (AWS PutCompositeAlarm: ALARM/OK/INSUFFICIENT_DATA with names or ARNs, quotes optional,
 * AND, OR, NOT, parentheses, TRUE, FALSE) and the documented examples.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateRule, parseRule, refName, ruleRefs, RuleError } from '../../src/alarms/composite-rule.js';
import type { StateValue } from '../../src/alarms/model.js';

const states = (m: Record<string, StateValue>) => (ref: string) => m[ref];

describe('AlarmRule grammar (fact sheet §4.3)', () => {
  it('parses the documented examples', () => {
    const r1 = parseRule('ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)');
    assert.deepEqual(ruleRefs(r1), ['CPUUtilizationTooHigh', 'DiskReadOpsTooHigh']);
    const r2 = parseRule('ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)');
    assert.equal(evaluateRule(r2, states({ CPUUtilizationTooHigh: 'ALARM', DeploymentInProgress: 'OK' })), true);
    assert.equal(evaluateRule(r2, states({ CPUUtilizationTooHigh: 'ALARM', DeploymentInProgress: 'ALARM' })), false);
    const r3 = parseRule('(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)');
    assert.equal(evaluateRule(r3, states({ CPUUtilizationTooHigh: 'OK', DiskReadOpsTooHigh: 'ALARM', NetworkOutTooHigh: 'OK' })), true);
    assert.equal(evaluateRule(r3, states({ CPUUtilizationTooHigh: 'OK', DiskReadOpsTooHigh: 'ALARM', NetworkOutTooHigh: 'ALARM' })), false);
  });
  it('quoted names, ARNs and INSUFFICIENT_DATA', () => {
    const arn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:my alarm (prod)';
    const r = parseRule(`INSUFFICIENT_DATA("${arn}") OR OK("other one")`);
    assert.deepEqual(ruleRefs(r), [arn, 'other one']);
    assert.equal(evaluateRule(r, states({ [arn]: 'INSUFFICIENT_DATA', 'other one': 'ALARM' })), true);
    assert.equal(refName(arn, 'us-east-1', '123456789012'), 'my alarm (prod)');
    assert.equal(refName(arn, 'eu-west-1', '123456789012'), undefined);
  });
  it('TRUE and FALSE', () => {
    assert.equal(evaluateRule(parseRule('TRUE'), () => undefined), true);
    assert.equal(evaluateRule(parseRule('FALSE'), () => undefined), false);
    assert.equal(evaluateRule(parseRule('NOT FALSE AND TRUE'), () => undefined), true);
  });
  it('NOT binds tighter than AND, AND tighter than OR', () => {
    // TRUE OR FALSE AND FALSE = TRUE OR (FALSE AND FALSE) = TRUE
    assert.equal(evaluateRule(parseRule('TRUE OR FALSE AND FALSE'), () => undefined), true);
    // NOT TRUE AND FALSE = (NOT TRUE) AND FALSE = FALSE; NOT (TRUE AND FALSE) = TRUE
    assert.equal(evaluateRule(parseRule('NOT TRUE AND FALSE'), () => undefined), false);
    assert.equal(evaluateRule(parseRule('NOT (TRUE AND FALSE)'), () => undefined), true);
  });
  it('refuses malformed rules with a position', () => {
    for (const bad of ['', 'ALARM(x', 'ALARM()', 'alarm(x)', 'ALARM(x) AND', 'ALARM(x) XOR OK(y)', '(TRUE', 'TRUE)', 'ALARM("x)']) {
      assert.throws(() => parseRule(bad), RuleError, bad);
    }
  });
  it('keywords must be whole words: ANDROID is not AND', () => {
    assert.throws(() => parseRule('TRUE ANDROID FALSE'), RuleError);
  });
});
