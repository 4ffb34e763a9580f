/** Checks an AWS SDK v3 CloudWatch call that must fail: its exception class, awsQuery code, message and HTTP status. */
import assert from 'node:assert/strict';

export async function rejectsWith<T extends Error>(p: Promise<unknown>, cls: new (...a: never[]) => T, code: string, message: RegExp, status = 400): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${(e as Error).name}: ${(e as Error).message}`);
    const err = e as T & { Code?: string; $metadata: { httpStatusCode?: number } };
    assert.equal(err.name, cls.name);
    assert.equal(err.Code, code, 'the awsQuery code from x-amzn-query-error');
    assert.match(err.message, message);
    assert.equal(err.$metadata.httpStatusCode, status);
    return;
  }
  assert.fail('expected an error');
}
