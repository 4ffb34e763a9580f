/// <reference lib="dom" />
/**
 * The log explorer end to end: the built console against a real server holding the demo dataset,
 * driven in Debian's Chromium through playwright-core. Screenshots land in test-results/explorer-*.png.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, SHOTS, ensureConsoleBuilt, launchChromium } from '../helpers/browser.js';
import { startTestServer, TEST_KEY, type TestServer } from '../helpers/server.js';
import { bearerToken } from '../../src/auth/access-keys.js';
import { DEMO_INCIDENTS, demoIncidentTime } from '../../src/demo/dataset.js';

const CT = '/aws/cloudtrail/111122223333';
const ALL_GROUPS = [CT, '/aws/vpc/flowlogs', '/aws/route53/resolver', '/app/checkout-api', '/app/auth-service', '/app/legacy-batch'];
const HOUR = 3600_000;
const STOP_QUERY = 'filter eventName = "StopLogging" | fields @timestamp, userIdentity.arn, eventName';

let srv: TestServer;
let base: string;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];
/** The demo window ends on the last full hour at server start. */
const demoEnds: number[] = [];

async function api<T>(operation: string, input: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${base}/`, {
    method: 'POST',
    headers: { 'X-Amz-Target': `Logs_20140328.${operation}`, 'Content-Type': 'application/x-amz-json-1.1', Authorization: `Bearer ${bearerToken(TEST_KEY)}` },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${operation}: ${text}`);
  return JSON.parse(text) as T;
}

/** A result timestamp as Insights formats it: `yyyy-MM-dd HH:mm:ss.SSS`, UTC. */
const insightsTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is required for the explorer test (apt-get install chromium)`);
  await ensureConsoleBuilt();
  mkdirSync(SHOTS, { recursive: true });
  demoEnds.push(Math.floor(Date.now() / HOUR) * HOUR);
  srv = await startTestServer({ demo: true });
  demoEnds.push(Math.floor(Date.now() / HOUR) * HOUR);
  base = srv.url;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageProblems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A 400 answer (MalformedQueryException, StopQuery on a finished query) is logged as a failed resource load; fine.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageProblems.push(`console: ${m.text()}`);
  });
});

after(async () => {
  await browser?.close();
  await srv?.cleanup();
});

const shot = (name: string, full = false) => page.screenshot({ path: join(SHOTS, `explorer-${name}.png`), fullPage: full, animations: 'disabled' });
const editor = () => page.getByTestId('query-input');
const statusOf = () => page.evaluate(() => {
  const el = document.querySelector('[data-testid="query-status"]');
  return el ? { id: el.getAttribute('data-query-id'), status: el.getAttribute('data-status') } : null;
});

/** Waits for the status chip to show `want`; on a timeout, says what it showed instead. */
async function waitForStatus(want: string): Promise<void> {
  try {
    await page.waitForFunction((w) => document.querySelector('[data-testid="query-status"]')?.getAttribute('data-status') === w, want);
  } catch (e) {
    const banner = await page.getByTestId('error-banner').allInnerTexts();
    throw new Error(`status ${JSON.stringify(await statusOf())} (wanted ${want}); banners ${JSON.stringify(banner)}: ${(e as Error).message}`);
  }
}

/** Triggers a run and waits until a new query reaches `want`. */
async function runAndWait(trigger: () => Promise<void>, want = 'Complete'): Promise<string> {
  const before = await statusOf();
  await trigger();
  await page.waitForFunction(([prev, w]) => {
    const el = document.querySelector('[data-testid="query-status"]');
    const id = el?.getAttribute('data-query-id');
    return !!id && id !== prev && el?.getAttribute('data-status') === w;
  }, [before?.id ?? null, want] as const);
  return (await statusOf())!.id!;
}

async function setQuery(text: string): Promise<void> {
  await editor().fill(text);
  assert.equal(await editor().inputValue(), text);
}

const run = (text: string) => runAndWait(async () => { await setQuery(text); await page.getByTestId('query-run').click(); });
const headers = () => page.getByTestId('results-header').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')));
const columnValues = (col: string) => page.locator(`[data-testid="result-row"] td[data-column="${col}"]`).allInnerTexts();

test('signs in and opens the explorer from the header', async () => {
  await page.goto(`${base}/`);
  await page.getByTestId('signin-access-key').fill(TEST_KEY.accessKeyId);
  await page.getByTestId('signin-secret').fill(TEST_KEY.secretAccessKey);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('group-row').first().waitFor();
  await page.getByTestId('nav-explore').click();
  await page.waitForURL(/#\/explore$/);
  assert.equal(await page.locator('#page-title').innerText(), 'Log explorer');
  assert.equal(await page.getByTestId('nav-explore').getAttribute('aria-current'), 'page');
  await page.getByTestId('explore-empty').waitFor();
  // The default query is highlighted: commands and @fields get their own colors.
  assert.ok(await page.locator('[data-testid="query-highlight"] .t-command').count() >= 3);
  assert.ok(await page.locator('[data-testid="query-highlight"] .t-system').count() >= 4);
  await shot('empty');
});

test('picks a log group and a week, and runs the StopLogging query: exactly the demo rows', async () => {
  // The ground truth, independently: FilterLogEvents with a JSON filter pattern.
  const truth = await api<{ events: { timestamp: number; message: string }[] }>('FilterLogEvents', { logGroupName: CT, filterPattern: '{ $.eventName = "StopLogging" }' });
  assert.ok(truth.events.length >= 1, 'the demo has a StopLogging event');
  const incident = DEMO_INCIDENTS.find((i) => i.eventName === 'StopLogging' && i.logGroup === CT);
  assert.ok(incident, 'DEMO_INCIDENTS lists the stop-logging incident');
  // The StopLogging call comes 20–60 s after the incident starts (a DescribeTrails first).
  assert.ok(truth.events.every((e) => demoEnds.some((end) => {
    const at = demoIncidentTime({ endTime: end }, incident.offsetMs);
    return e.timestamp >= at && e.timestamp <= at + 2 * 60_000;
  })), 'the StopLogging events are the incident’s');

  const input = page.getByTestId('group-picker-input');
  await input.click();
  await input.fill('cloudtrail');
  await page.locator(`[data-testid="group-option"][data-group-name="${CT}"]`).click();
  await page.locator(`[data-testid="group-chip"][data-group-name="${CT}"]`).waitFor();
  await input.press('Escape');
  await page.getByTestId('range-1w').click();
  await page.locator('[data-testid="range-1w"][aria-pressed="true"]').waitFor();
  await page.waitForURL(/range=1w$/);

  await setQuery(STOP_QUERY);
  await runAndWait(() => editor().press('Control+Enter'));
  assert.match(page.url(), /#\/explore\?group=%2Faws%2Fcloudtrail%2F111122223333&range=1w&q=filter/);

  assert.deepEqual(await headers(), ['@timestamp', 'userIdentity.arn', 'eventName'], '@ptr is not a column');
  const rows = page.getByTestId('result-row');
  assert.equal(await rows.count(), truth.events.length);
  const want = truth.events.map((e) => {
    const j = JSON.parse(e.message) as { userIdentity: { arn: string } };
    return { t: insightsTime(e.timestamp), arn: j.userIdentity.arn };
  }).sort((a, b) => (a.t < b.t ? 1 : -1));
  assert.deepEqual(await columnValues('@timestamp'), want.map((w) => w.t));
  assert.deepEqual(await columnValues('userIdentity.arn'), want.map((w) => w.arn));
  assert.deepEqual(await columnValues('eventName'), want.map(() => 'StopLogging'));

  assert.equal(await page.getByTestId('stat-matched').innerText(), String(truth.events.length));
  assert.ok(Number((await page.getByTestId('stat-scanned').innerText()).replace(/\D/g, '')) > 1000, 'records scanned');
  assert.match(await page.getByTestId('stat-bytes').innerText(), /\d+(\.\d)? (kB|MB)/);
  assert.match(await page.getByTestId('stat-elapsed').innerText(), /^\d+\.\d s$/);

  // The histogram counts the matching events per bin over the week.
  await page.getByTestId('histogram').waitFor();
  const counts = await page.getByTestId('histogram-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  assert.equal(counts.reduce((a, b) => a + b, 0), truth.events.length);
  await shot('stoplogging');
});

test('expands a row: GetLogRecord shows every parsed field', async () => {
  await page.getByTestId('result-expand').first().click();
  const detail = page.getByTestId('record-detail');
  await detail.locator('[data-testid="record-field"]').first().waitFor();
  const field = (name: string) => detail.locator(`[data-testid="record-field"][data-field="${name}"] td`).innerText();
  assert.equal(await field('eventSource'), 'cloudtrail.amazonaws.com');
  assert.equal(await field('eventName'), 'StopLogging');
  assert.match(await field('requestParameters.name'), /trail\/security-audit-trail$/);
  assert.match(await field('userIdentity.arn'), /user\/svc-backup$/);
  assert.equal(await field('@logStream'), '111122223333_CloudTrail_us-east-1');
  assert.match(await detail.getByTestId('record-json').innerText(), /"eventName": "StopLogging"/);
  assert.equal(await page.getByTestId('result-expand').first().getAttribute('aria-expanded'), 'true');
  // The record's fields are offered as fields now.
  await page.locator('[data-testid="field-chip"]', { hasText: /^requestParameters\.name$/ }).waitFor();
  await shot('expanded', true);
  await page.getByTestId('result-expand').first().press('Enter');
  await detail.waitFor({ state: 'detached' });
});

test('clicking a histogram bar narrows the time range to it', async () => {
  const bar = page.locator('[data-testid="histogram-bar"]').first();
  const start = Number(await bar.getAttribute('data-start'));
  await runAndWait(() => bar.click());
  assert.match(page.url(), /from=.*&to=.*&q=/);
  assert.equal(await page.getByTestId('range-custom').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByTestId('result-row').count(), 1);
  const [t] = await columnValues('@timestamp');
  const ts = Date.parse(`${t.replace(' ', 'T')}Z`);
  assert.ok(ts >= start && ts < start + 3 * HOUR, 'the row is inside the chosen bar');
  await page.getByTestId('histogram').waitFor();
  await shot('zoomed');
  await runAndWait(() => page.getByTestId('range-1w').click());
});

test('a stats … by bin(1h) query draws a chart; group keys become series', async () => {
  await run('stats count(*) by bin(1h)');
  const chart = page.getByTestId('chart');
  await chart.waitFor();
  assert.equal(await page.getByTestId('tab-chart').getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByTestId('histogram').count(), 0, 'no histogram for an aggregation');
  assert.equal(await chart.getAttribute('data-series'), '1');
  const points = Number(await chart.getAttribute('data-points'));
  assert.ok(points >= 160 && points <= 169, `about a week of hours: ${points}`);
  assert.deepEqual(await page.getByTestId('chart-legend').locator('button').allInnerTexts(), ['count(*)']);
  const path = await page.locator('[data-testid="chart-series"] path').getAttribute('d');
  assert.equal((path ?? '').split(/[ML]/).filter(Boolean).length, points, 'one vertex per hour');
  // Hovering shows the values at that time.
  await chart.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 120));
  const box = (await page.locator('[data-testid="chart"] svg').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tip = page.getByTestId('chart-tooltip');
  await tip.waitFor();
  assert.match(await tip.innerText(), /count\(\*\)\s*\d+/);
  await shot('chart');

  // The table view has the same rows.
  await page.getByTestId('tab-table').click();
  assert.deepEqual(await headers(), ['bin(1h)', 'count(*)']);
  assert.equal(await page.getByTestId('result-row').count(), points);

  await run('stats count(*) as calls by bin(6h), eventSource');
  await chart.waitFor();
  const series = Number(await chart.getAttribute('data-series'));
  assert.ok(series > 1 && series <= 8, `top event sources as series: ${series}`);
  await page.getByTestId('chart-bar').click();
  assert.ok(await page.locator('[data-testid="chart-series"] rect').count() > 10);
  await chart.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 200));
  await shot('chart-grouped');
});

test('a syntax error underlines the span the server names, with its message', async () => {
  const text = 'filter eventName = "StopLogging" | fitler x = 1';
  await setQuery(text);
  await page.getByTestId('query-run').click();
  const err = page.getByTestId('query-error');
  await err.waitFor();
  assert.match(await err.innerText(), /MalformedQueryException/);
  assert.match(await page.getByTestId('query-error-message').innerText(), /Unrecognized command 'fitler' at line 1, column 36/);
  const mark = page.getByTestId('query-error-mark');
  assert.equal(await mark.innerText(), 'fitler');
  assert.equal(Number(await mark.first().getAttribute('data-start')), text.indexOf('fitler'));
  assert.equal(Number(await mark.first().getAttribute('data-end')), text.indexOf('fitler') + 'fitler'.length);
  assert.equal(await editor().getAttribute('aria-invalid'), 'true');
  await shot('syntax-error');

  // An error at a position (the end of the query) is marked there.
  const cut = 'filter eventName = ';
  await setQuery(cut);
  await page.getByTestId('query-run').click();
  await page.getByTestId('query-error-message').filter({ hasText: /end of query/ }).waitFor();
  const point = page.locator('[data-testid="query-error-mark"].qe-err-point');
  await point.waitFor({ state: 'attached' });
  assert.equal(Number(await point.getAttribute('data-start')), cut.trimEnd().length + 1);

  // Editing the text removes the underline (its offsets no longer apply).
  await editor().press('End');
  await editor().pressSequentially('"x"');
  assert.equal(await page.getByTestId('query-error-mark').count(), 0);
});

test('autocomplete offers stats after typing st, then functions and discovered fields', async () => {
  await editor().fill('');
  await editor().pressSequentially('st');
  const list = page.getByTestId('query-suggestions');
  await list.locator('[data-label="stats"]').waitFor();
  assert.equal(await list.isVisible(), true);
  assert.deepEqual(await list.getByTestId('query-suggestion').evaluateAll((els) => els.map((e) => e.getAttribute('data-label'))), ['stats']);
  await shot('autocomplete');
  await editor().press('Enter');
  assert.equal(await editor().inputValue(), 'stats ');
  assert.equal(await list.isVisible(), false);

  await editor().pressSequentially('cou');
  await list.locator('[data-label="count"]').waitFor();
  await editor().press('Enter');
  assert.equal(await editor().inputValue(), 'stats count()');
  await editor().pressSequentially('*');
  await editor().press('End');
  // A field discovered from the group's events (a FilterLogEvents sample, flattened in the browser).
  await editor().pressSequentially(' by eventSo');
  await list.locator('[data-label="eventSource"]').waitFor();
  await list.locator('[data-label="eventSource"]').click();
  assert.equal(await editor().inputValue(), 'stats count(*) by eventSource');
  // Escape closes the list; Ctrl+Space opens it on demand.
  await editor().pressSequentially(' | so');
  await list.locator('[data-label="sort"]').waitFor();
  await editor().press('Escape');
  assert.equal(await list.isVisible(), false);
  await editor().press('Control+Space');
  await list.locator('[data-label="sort"]').waitFor();
  await editor().press('Escape');
});

test('sorts by a column (natural order), both ways', async () => {
  await run('stats count(*) as calls by eventSource');
  const calls = async () => (await columnValues('calls')).map(Number);
  await page.locator('[data-testid="results-header"][data-column="calls"] button').click();
  assert.equal(await page.locator('[data-testid="results-header"][data-column="calls"]').getAttribute('aria-sort'), 'ascending');
  const asc = await calls();
  assert.ok(asc.length > 3);
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
  await page.locator('[data-testid="results-header"][data-column="calls"] button').click();
  assert.equal(await page.locator('[data-testid="results-header"][data-column="calls"]').getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await calls(), [...asc].sort((a, b) => b - a));
  await page.getByTestId('results').scrollIntoViewIfNeeded();
  await shot('sorted');
  await page.locator('[data-testid="results-header"][data-column="eventSource"] button').click();
  const sources = await columnValues('eventSource');
  assert.deepEqual(sources, [...sources].sort());
});

test('saves the query, loads it back and deletes it', async () => {
  await setQuery(STOP_QUERY);
  await page.getByTestId('query-save').click();
  await page.getByTestId('save-name').fill('Trail tampering');
  await page.getByTestId('save-submit').click();
  const item = page.locator('[data-testid="saved-query"][data-name="Trail tampering"]');
  await item.waitFor();
  const defs = await api<{ queryDefinitions: { name: string; queryString: string; logGroupNames: string[] }[] }>('DescribeQueryDefinitions', {});
  assert.deepEqual(defs.queryDefinitions.map((d) => [d.name, d.queryString, d.logGroupNames]), [['Trail tampering', STOP_QUERY, [CT]]]);

  // Something else in the editor and no group: loading brings both back.
  await setQuery('fields @message');
  await page.locator(`[data-testid="group-chip"][data-group-name="${CT}"] button`).click();
  assert.equal(await page.getByTestId('group-chip').count(), 0);
  await item.getByTestId('saved-query-load').click();
  assert.equal(await editor().inputValue(), STOP_QUERY);
  await page.locator(`[data-testid="group-chip"][data-group-name="${CT}"]`).waitFor();
  await shot('saved');

  // Saving again updates the loaded definition rather than adding one.
  await page.getByTestId('query-save').click();
  assert.match(await page.getByTestId('save-submit').innerText(), /Update “Trail tampering”/);
  await page.getByTestId('save-submit').click();
  await page.getByTestId('save-note').waitFor();
  assert.equal((await api<{ queryDefinitions: unknown[] }>('DescribeQueryDefinitions', {})).queryDefinitions.length, 1);

  await item.getByTestId('saved-query-delete').click();
  await item.getByTestId('saved-query-confirm-delete').click();
  await item.waitFor({ state: 'detached' });
  assert.equal((await api<{ queryDefinitions: unknown[] }>('DescribeQueryDefinitions', {})).queryDefinitions.length, 0);
});

test('exports the results as CSV and JSON', async () => {
  await runAndWait(() => page.getByTestId('query-run').click());
  const rows = await page.getByTestId('result-row').count();
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  assert.match(csvDl.suggestedFilename(), /^trailwatch-results-\d{8}-\d{6}\.csv$/);
  const csv = readFileSync((await csvDl.path())!, 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines[0], '@timestamp,userIdentity.arn,eventName');
  assert.equal(lines.length, rows + 1);
  const ts = await columnValues('@timestamp');
  const arns = await columnValues('userIdentity.arn');
  assert.deepEqual(lines.slice(1), ts.map((t, i) => `${t},${arns[i]},StopLogging`));

  const [jsonDl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  const json = JSON.parse(readFileSync((await jsonDl.path())!, 'utf8')) as Record<string, string>[];
  assert.deepEqual(json, ts.map((t, i) => ({ '@timestamp': t, 'userIdentity.arn': arns[i], eventName: 'StopLogging' })));
});

test('recent queries come from DescribeQueries (without the histogram queries) and load into the editor', async () => {
  const recent = page.getByTestId('recent-query');
  await recent.filter({ hasText: 'StopLogging' }).first().waitFor();
  const texts = await recent.allInnerTexts();
  assert.ok(texts.every((t) => !t.includes('trailwatch:histogram')), 'internal histogram queries are not listed');
  assert.ok(texts.some((t) => t.includes('stats count(*) as calls by eventSource')));
  await recent.filter({ hasText: 'stats count(*) as calls by eventSource' }).first().getByRole('button').click();
  assert.equal(await editor().inputValue(), 'stats count(*) as calls by eventSource');
});

test('cancels a running query (StopQuery)', async () => {
  // A query whose work is all in the engine (a couple of seconds over the demo week): the server runs in this
  // process, and a query busy in JavaScript (pattern, say) would hold off StopQuery until it is done.
  let expr = '@message';
  for (let i = 0; i < 30; i++) expr = `regexReplace(${expr}, /([a-z])([0-9])/, "$2$1")`;
  const slow = `filter strlen(${expr}) < 0\n| stats count(*) as n`;
  const url = `${base}/#/explore?${new URLSearchParams([...ALL_GROUPS.map((g) => ['group', g]), ['range', '1w'], ['q', slow]]).toString()}`;
  await page.goto(url);
  await page.waitForFunction(() => ['Scheduled', 'Running'].includes(document.querySelector('[data-testid="query-status"]')?.getAttribute('data-status') ?? ''));
  const cancel = page.getByTestId('query-cancel');
  await page.waitForFunction(() => !(document.querySelector('[data-testid="query-cancel"]') as HTMLButtonElement | null)?.disabled);
  const id = await page.getByTestId('query-status').getAttribute('data-query-id');
  await shot('running');
  await cancel.click();
  await waitForStatus('Cancelled');
  assert.match(await page.getByTestId('results-empty').innerText(), /cancelled/);
  const q = await api<{ queries: { queryId: string; status: string }[] }>('DescribeQueries', {});
  assert.equal(q.queries.find((x) => x.queryId === id)?.status, 'Cancelled');
  assert.equal(await page.getByTestId('group-chip').count(), ALL_GROUPS.length);
  await shot('cancelled');
});

test('"Query this group" on a group page opens the explorer for it', async () => {
  await page.goto(`${base}/#/groups/${encodeURIComponent('/app/checkout-api')}?range=1d`);
  await page.getByTestId('query-group').click();
  await page.waitForURL(/#\/explore\?group=%2Fapp%2Fcheckout-api&range=1d$/);
  await page.locator('[data-testid="group-chip"][data-group-name="/app/checkout-api"]').waitFor();
  assert.equal(await page.getByTestId('group-chip').count(), 1);
  await page.locator('[data-testid="range-1d"][aria-pressed="true"]').waitFor();
  await runAndWait(() => page.getByTestId('query-run').click());
  assert.deepEqual(await headers(), ['@timestamp', '@message', '@logStream', '@log']);
  assert.equal(await page.getByTestId('result-row').count(), 100);
});

test('looks right on a phone-sized screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/#/explore?${new URLSearchParams({ group: CT, range: '1w', q: STOP_QUERY }).toString()}`);
  await waitForStatus('Complete');
  await page.getByTestId('histogram-bar').first().waitFor();
  assert.ok(await page.getByTestId('nav-explore').isVisible(), 'the header keeps the Explore link on a phone');
  // (Charts follow their box's width a frame after a resize.)
  await page.waitForFunction(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth, null, { timeout: 3000 }).catch(() => {});
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await shot('mobile', true);
  await page.getByTestId('result-expand').first().click();
  await page.getByTestId('record-field').first().waitFor();
  await shot('mobile-expanded', true);
  await page.setViewportSize({ width: 1366, height: 900 });
});

test('no script errors or CSP violations', () => {
  assert.deepEqual(pageProblems, []);
});
