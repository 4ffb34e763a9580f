/// <reference lib="dom" />
/**
 * The console end to end: the built single-page app served by a real server, driven in Debian's
 * Chromium through playwright-core. Screenshots land in test-results/console-*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, SHOTS, ensureConsoleBuilt, launchChromium } from '../helpers/browser.js';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';
import { bearerToken } from '../../src/auth/access-keys.js';

const GROUP = 'app/web';
const OTHER_GROUP = 'app/worker';
const MIN = 60_000;

async function ingest(base: string, group: string, stream: string, lines: string[]): Promise<void> {
  const res = await fetch(`${base}/api/v1/ingest/${encodeURIComponent(group)}?stream=${encodeURIComponent(stream)}&create=true`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearerToken(TEST_KEY)}`, 'Content-Type': 'application/x-ndjson' },
    body: lines.join('\n'),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const r = JSON.parse(text) as { ingested: number };
  assert.equal(r.ingested, lines.length);
}

/** `YYYY-MM-DDTHH:mm` in local time, as a datetime-local input takes it. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

let srv: TestServer;
let base: string;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];
const now = Date.now();

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is required for the console test (apt-get install chromium)`);
  await ensureConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  srv = await startTestServer({ demo: false });
  base = srv.url;

  // The server itself must serve the built console (not the Vite sources).
  const served = await (await fetch(`${base}/`)).text();
  assert.match(served, /src="\/assets\/[^"]+\.js"/, 'the server serves dist/console');

  await ingest(base, GROUP, 'web-1', [
    JSON.stringify({ timestamp: now - 30 * MIN, level: 'info', msg: 'service started', version: '1.4.2' }),
    JSON.stringify({ timestamp: now - 3 * MIN, level: 'info', msg: 'GET /api/orders 200', latencyMs: 41, user: { id: 7, admin: false } }),
    JSON.stringify({ timestamp: now - 2 * MIN, level: 'error', msg: 'ERROR payment declined for order 1042', code: 'card_declined' }),
    JSON.stringify({ timestamp: now - 1 * MIN, level: 'info', msg: 'GET /health 200', latencyMs: 2 }),
  ]);
  await ingest(base, GROUP, 'web-2', [
    JSON.stringify({ timestamp: now - 4 * MIN, level: 'warn', msg: 'slow query on orders table', latencyMs: 1830 }),
    JSON.stringify({ timestamp: now - 90_000, level: 'error', msg: 'ERROR upstream timeout calling inventory', retry: true }),
  ]);
  await ingest(base, OTHER_GROUP, 'jobs', ['plain text line from the worker', 'another worker line']);

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 860 } });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A refused sign-in or a 400 answer is logged by the browser as a failed resource load; fine.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageProblems.push(`console: ${m.text()}`);
  });
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

const shot = (name: string, full = false) => page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: full, animations: 'disabled' });
const rowCount = (n: number) => page.waitForFunction((want) => document.querySelectorAll('[data-testid="event-row"]').length === want, n);
const rows = () => page.getByTestId('event-row');
const banner = () => page.getByTestId('error-banner');

test('a wrong secret is refused with the server message', async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('signin-access-key').fill(TEST_KEY.accessKeyId);
  await page.getByTestId('signin-secret').fill('not-the-secret');
  await page.getByTestId('signin-submit').click();
  const err = page.getByTestId('signin-error');
  await err.waitFor();
  assert.match(await err.innerText(), /UnrecognizedClientException[\s\S]*access key ID or secret access key is not valid/);
  await shot('signin-error');
});

test('signs in and lists the log groups', async () => {
  await page.getByTestId('signin-secret').fill(TEST_KEY.secretAccessKey);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('group-row').first().waitFor();
  assert.equal(await page.getByTestId('signed-in-user').innerText(), srv.adminKey.user);
  assert.match(page.url(), /#\/groups$/);
  assert.deepEqual(await page.getByTestId('group-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-group-name'))), [GROUP, OTHER_GROUP]);
  const web = page.locator(`[data-testid="group-row"][data-group-name="${GROUP}"]`);
  assert.match(await web.innerText(), /Never expire/);
  const token = await page.evaluate(() => sessionStorage.getItem('trailwatch.session'));
  assert.ok(token && JSON.parse(token).token.startsWith('tw1.'), 'the session token is kept in sessionStorage');
  await shot('groups');

  // The name filter (logGroupNamePattern) narrows the list and lands in the address.
  await page.getByTestId('groups-filter').fill('work');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="group-row"]').length === 1);
  assert.equal(await page.getByTestId('group-row').getAttribute('data-group-name'), OTHER_GROUP);
  await page.waitForURL(/#\/groups\?q=work$/);
  await page.getByTestId('groups-filter').fill('no-such-group');
  await page.getByTestId('groups-empty').waitFor();
  await page.getByTestId('groups-filter').fill('');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="group-row"]').length === 2);

  // A reload keeps the session.
  await page.reload();
  await page.getByTestId('group-row').first().waitFor();
});

test('opens a group: streams newest first and its events', async () => {
  await page.locator(`[data-testid="group-row"][data-group-name="${GROUP}"] a`).click();
  await page.getByTestId('group-title').waitFor();
  assert.equal(await page.getByTestId('group-title').innerText(), GROUP);
  assert.match(page.url(), /#\/groups\/app%2Fweb$/);
  // web-1 has the latest event.
  assert.deepEqual(await page.getByTestId('stream-link').evaluateAll((els) => els.map((e) => e.getAttribute('data-stream-name'))), ['web-1', 'web-2']);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 6);
  const first = await rows().first().innerText();
  assert.match(first, /service started/);
  assert.match(first, /web-1/);
  assert.match(await page.getByTestId('events-status').innerText(), /6 events/);
  await shot('group-events');

  // A click expands an event and pretty-prints its JSON.
  const orders = rows().filter({ hasText: 'GET /api/orders' });
  await orders.getByRole('button').click();
  const json = page.getByTestId('event-json');
  await json.waitFor();
  const pretty = await json.innerText();
  assert.match(pretty, /\n {2}"level": "info",\n/);
  assert.match(pretty, /"user": \{\n {4}"id": 7,/);
  assert.equal(await orders.getByRole('button').getAttribute('aria-expanded'), 'true');
  await shot('event-expanded');
  // ...and Enter on the focused row closes it again.
  await orders.getByRole('button').press('Enter');
  await json.waitFor({ state: 'detached' });
});

test('the time range presets and a custom range select events by time', async () => {
  await page.getByTestId('range-5m').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 5);
  assert.match(page.url(), /range=5m/);
  assert.equal(await page.getByTestId('range-5m').getAttribute('aria-pressed'), 'true');

  await page.getByTestId('range-custom').click();
  await page.getByTestId('range-from').fill(localInput(now - 40 * MIN));
  await page.getByTestId('range-to').fill(localInput(now - 20 * MIN));
  await page.getByTestId('range-apply').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 1);
  assert.match(await rows().first().innerText(), /service started/);
  assert.match(page.url(), /from=.*&to=/);
  await shot('custom-range');

  await page.getByTestId('range-1h').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 6);
});

test('a filter pattern narrows the events', async () => {
  await page.getByTestId('events-filter').fill('ERROR');
  await page.getByTestId('events-filter').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 2);
  const messages = await page.getByTestId('event-message').allInnerTexts();
  assert.ok(messages.every((m) => m.includes('ERROR')), messages.join('\n'));
  assert.equal(await page.locator('[data-testid="event-message"] mark').count(), 2, 'the term is highlighted');
  assert.match(page.url(), /filter=ERROR/);
  await shot('filtered');

  await page.getByTestId('events-filter').fill('ERROR -payment');
  await page.getByTestId('events-search').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 1);
  assert.match(await rows().first().innerText(), /upstream timeout/);

  await page.getByTestId('events-filter').fill('nothing-matches-this');
  await page.getByTestId('events-search').click();
  await page.waitForFunction(() => /No events match/.test(document.querySelector('[data-testid="events-status"]')?.textContent ?? ''));
  assert.equal(await rows().count(), 0);
});

test('a JSON filter pattern narrows the events; an invalid pattern shows the InvalidParameterException banner', async () => {
  await page.getByTestId('events-filter').fill('{ $.level = "error" }');
  await page.getByTestId('events-search').click();
  await rowCount(2);
  assert.match(await rows().first().innerText(), /payment declined|upstream timeout/);

  await page.getByTestId('events-filter').fill('{ $.level = ');
  await page.getByTestId('events-search').click();
  await banner().waitFor();
  const text = await banner().innerText();
  assert.match(text, /InvalidParameterException/);
  assert.match(text, /Invalid filter pattern/);
  assert.equal(await banner().getAttribute('role'), 'alert');
  await shot('filter-error');

  // Clearing the filter clears the error.
  await page.getByTestId('events-filter').fill('');
  await page.getByTestId('events-search').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 6);
  assert.equal(await banner().count(), 0);
});

test('opens a stream and pages its events', async () => {
  await page.locator('[data-testid="stream-link"][data-stream-name="web-1"]').click();
  await page.getByTestId('stream-title').waitFor();
  assert.equal(await page.getByTestId('stream-title').innerText(), 'web-1');
  assert.match(page.url(), /#\/groups\/app%2Fweb\/streams\/web-1$/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 4);
  const messages = await page.getByTestId('event-message').allInnerTexts();
  assert.match(messages[0], /service started/);
  assert.match(messages[3], /GET \/health 200/);
  // Four events fit on one page: the start of the stream is known.
  await page.getByTestId('events-start').waitFor();

  // Newer events arrive and "Load newer" appends them.
  await ingest(base, GROUP, 'web-1', [JSON.stringify({ timestamp: Date.now(), level: 'info', msg: 'a brand new event' })]);
  await page.getByTestId('events-load-newer').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length === 5);
  assert.match(await rows().last().innerText(), /a brand new event/);
  await page.getByTestId('events-load-newer').click();
  await page.getByText('No newer events yet.').waitFor();
  await shot('stream');
});

test('an unknown group shows the not-found error', async () => {
  await page.goto(`${base}/#/groups/${encodeURIComponent('no/such/group')}`);
  await banner().first().waitFor();
  assert.match(await banner().first().innerText(), /ResourceNotFoundException/);
});

test('pages through long lists: log groups, group events, stream events', async () => {
  const t0 = Date.now() - 30 * MIN;
  await ingest(base, 'app/bulk', 'big', Array.from({ length: 250 }, (_, i) => JSON.stringify({ timestamp: t0 + i * 1000, n: i, msg: `bulk event ${i}` })));
  for (let i = 0; i < 50; i++) await ingest(base, `zz/pad-${String(i).padStart(2, '0')}`, 's', ['x']);

  await page.goto(`${base}/#/groups`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="group-row"]').length === 50);
  await page.getByTestId('groups-load-more').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="group-row"]').length === 53);
  assert.equal(await page.getByTestId('groups-load-more').count(), 0);

  await page.goto(`${base}/#/groups/${encodeURIComponent('app/bulk')}`);
  await rowCount(200);
  assert.match(await page.getByTestId('events-status').innerText(), /200 events, more available/);
  await page.getByTestId('events-load-more').click();
  await rowCount(250);
  assert.match(await rows().last().innerText(), /bulk event 249/);
  assert.equal(await page.getByTestId('events-load-more').count(), 0);

  await page.getByTestId('stream-link').first().click();
  await rowCount(200);
  assert.match(await rows().first().innerText(), /bulk event 50\b/);
  await page.getByTestId('events-load-older').click();
  await rowCount(250);
  assert.match(await rows().first().innerText(), /bulk event 0\b/);
  await page.getByTestId('events-start').waitFor();
});

test('looks right on a phone-sized screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const noSidewaysScroll = async () => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  };
  await page.goto(`${base}/#/groups?q=app`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="group-row"]').length === 3);
  await noSidewaysScroll();
  await shot('mobile-groups', true);
  await page.goto(`${base}/#/groups/${encodeURIComponent(GROUP)}`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="event-row"]').length > 0);
  await noSidewaysScroll();
  await shot('mobile-group', true);
  await page.setViewportSize({ width: 1366, height: 860 });
});

test('signs out', async () => {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('signin-form').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('trailwatch.session')), null);
  // The old page is gone for good: a reload still asks for keys.
  await page.reload();
  await page.getByTestId('signin-form').waitFor();
  await shot('signed-out');
});

test('a session the server no longer accepts goes back to sign-in', async () => {
  await page.evaluate(() => sessionStorage.setItem('trailwatch.session', JSON.stringify({
    token: `tw1.AKIAREVOKEDKEY000001.${'A'.repeat(43)}`, accessKeyId: 'AKIAREVOKEDKEY000001', user: 'gone', region: 'us-east-1', accountId: '000000000000',
  })));
  await page.goto(`${base}/#/groups`);
  await page.reload();
  await page.getByTestId('signin-form').waitFor();
  assert.match(await page.getByTestId('signin-form').innerText(), /no longer valid/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('trailwatch.session')), null);
});

test('no script errors or CSP violations', () => {
  assert.deepEqual(pageProblems, []);
});
