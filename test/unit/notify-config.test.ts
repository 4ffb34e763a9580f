/** notify.json and its environment overrides (docs/notifications.md, Configuration). */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadNotifyConfig } from '../../src/notify/config.js';
import { tempDir } from '../helpers/server.js';

describe('notify config', () => {
  it('defaults without a file', () => {
    const c = loadNotifyConfig(tempDir('tw-ncfg-'), {});
    assert.deepEqual(c, { publicUrl: undefined, smtp: undefined, deliveryPolicy: {}, concurrency: 8, keepFinished: 1000 });
  });

  it('reads notify.json; the environment wins', () => {
    const dir = tempDir('tw-ncfg-');
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ publicUrl: 'https://tw.example.com/', smtp: { url: 'smtp://relay:25', from: 'a@b.c' }, concurrency: 2 }));
    const c = loadNotifyConfig(dir, {});
    assert.equal(c.publicUrl, 'https://tw.example.com');
    assert.deepEqual(c.smtp, { url: 'smtp://relay:25', from: 'a@b.c' });
    assert.equal(c.concurrency, 2);
    const e = loadNotifyConfig(dir, { TRAILWATCH_SMTP_URL: 'smtps://u:p@other:465', TRAILWATCH_SMTP_FROM: 'x@y.z', TRAILWATCH_PUBLIC_URL: 'http://10.0.0.5:4566' });
    assert.deepEqual(e.smtp, { url: 'smtps://u:p@other:465', from: 'x@y.z' });
    assert.equal(e.publicUrl, 'http://10.0.0.5:4566');
  });

  it('refuses a broken file with a message naming the problem', () => {
    const dir = tempDir('tw-ncfg-');
    writeFileSync(join(dir, 'notify.json'), '{');
    assert.throws(() => loadNotifyConfig(dir, {}), (e: Error) => e instanceof ConfigError && /not valid JSON/.test(e.message));
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ smtp: { url: 'http://nope' } }));
    assert.throws(() => loadNotifyConfig(dir, {}), /smtp:\/\/ or smtps:\/\//);
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ concurrency: 0 }));
    assert.throws(() => loadNotifyConfig(dir, {}), /concurrency must be a positive integer/);
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ deliveryPolicy: { http: { numRetries: -2 } } }));
    assert.throws(() => loadNotifyConfig(dir, {}), /deliveryPolicy\.http: deliveryPolicy\.numRetries must be a non-negative number/);
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ deliveryPolicy: { http: 5 } }));
    assert.throws(() => loadNotifyConfig(dir, {}), /deliveryPolicy\.http must be an object/);
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ deliveryPolicy: { sqs: {} } }));
    assert.throws(() => loadNotifyConfig(dir, {}), /only http, email and slack/);
    writeFileSync(join(dir, 'notify.json'), JSON.stringify({ publicUrl: 'trailwatch.local' }));
    assert.throws(() => loadNotifyConfig(dir, {}), /publicUrl must be an http\(s\) URL/);
  });
});
