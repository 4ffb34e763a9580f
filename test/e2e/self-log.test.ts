/** Self-observability: Trailwatch's own structured logs land in its log group /trailwatch/server, without secrets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, TEST_KEY } from '../helpers/server.js';
import { SELF_LOG_GROUP } from '../../src/app/self-log.js';

test('own logs are stored in /trailwatch/server as JSON and never contain the secret key', { timeout: 60_000 }, async () => {
  const srv = await startTestServer({ logLevel: 'info' });
  try {
    srv.log.info({ secretAccessKey: TEST_KEY.secretAccessKey, probe: 'self-log-probe' }, 'probe message');
    let found: string[] = [];
    for (let i = 0; i < 50 && !found.some((m) => m.includes('self-log-probe')); i++) {
      await new Promise((r) => setTimeout(r, 200));
      const g = srv.store.meta.groups.get(SELF_LOG_GROUP);
      if (g) found = (await srv.store.filter(g.id, { limit: 1000 })).map((e) => e.message);
    }
    const probe = found.find((m) => m.includes('self-log-probe'));
    assert.ok(probe, 'probe log line stored');
    const parsed = JSON.parse(probe) as Record<string, unknown>;
    assert.equal(parsed.msg, 'probe message');
    assert.ok(found.some((m) => (JSON.parse(m) as { msg?: string }).msg === 'trailwatch listening'));
    for (const m of found) assert.ok(!m.includes(TEST_KEY.secretAccessKey), 'secret redacted');
  } finally {
    await srv.cleanup();
  }
});
