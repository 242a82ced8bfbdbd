// The contention table in real headless Chromium, on the fixture trace: toggled next to the chart,
// one row per lock and queue with the contention analysis's columns, sorted by clicking headers;
// clicking a row boxes that object's waits in the chart and zooms to the longest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { fixturePanelPerFile, lens, SHOTS } from './browser';
import { FIXTURE } from './synthTrace';

const fx = fixturePanelPerFile();

/** The table's body as text cells, row by row. */
async function cells(page: Page): Promise<string[][]> {
  return page.$$eval('.contention tbody tr', (trs) =>
    trs.map((tr) => Array.from((tr as HTMLTableRowElement).cells, (td) => td.textContent ?? '')),
  );
}
const col = async (page: Page, header: string): Promise<number> =>
  (await page.$$eval('.contention th', (ths) => ths.map((th) => th.textContent))).indexOf(header);

test('the toggle shows one row per lock and queue, worst waiting first, with the analysis figures', async () => {
  const page = fx.panel.page;
  assert.equal(await page.isVisible('.contention'), false);
  await page.click('button.table-toggle');
  await page.waitForSelector('.contention tbody tr');
  assert.equal(await page.getAttribute('button.table-toggle', 'aria-pressed'), 'true');
  const rows = await cells(page);
  const name = await col(page, 'Object');
  assert.deepEqual(
    rows.map((r) => r[name]),
    ['counter_lock', 'jobs'],
  );
  const lock = rows[0];
  assert.equal(lock[await col(page, 'Kind')], 'lock');
  assert.equal(lock[await col(page, 'Acq.')], '2');
  assert.equal(lock[await col(page, 'Waited')], '50%');
  // The consumer waited from 120 to 300 ms; the producer held it 100–300 ms and the consumer 300–340 ms.
  assert.equal(lock[await col(page, 'Wait max')], `${FIXTURE.lockWait[1] - FIXTURE.lockWait[0]} ms`);
  assert.equal(lock[await col(page, 'Hold total')], '240 ms');
  assert.equal(lock[await col(page, 'Procs')], '2');
  assert.equal(rows[1][await col(page, 'Acq.')], '5');
  await page.screenshot({ path: `${SHOTS}/contention-table.png` });
});

test('clicking a header sorts by it, a second click reverses', async () => {
  const page = fx.panel.page;
  const name = await col(page, 'Object');
  await page.click('.contention th[data-column="waitTotal"]');
  assert.deepEqual(
    (await cells(page)).map((r) => r[name]),
    ['jobs', 'counter_lock'],
  );
  assert.equal(await page.getAttribute('.contention th[data-column="waitTotal"]', 'aria-sort'), 'ascending');
  await page.click('.contention th[data-column="acquisitions"]');
  assert.deepEqual(
    (await cells(page)).map((r) => r[name]),
    ['jobs', 'counter_lock'],
  );
  await page.click('.contention th[data-column="name"]');
  assert.deepEqual(
    (await cells(page)).map((r) => r[name]),
    ['jobs', 'counter_lock'],
  );
  await page.click('.contention th[data-column="name"]');
  assert.deepEqual(
    (await cells(page)).map((r) => r[name]),
    ['counter_lock', 'jobs'],
  );
});

test('clicking a row boxes its waits and zooms the chart to the longest one', async () => {
  const page = fx.panel.page;
  await page.click(`.contention tr[data-obj="${FIXTURE.lock}"]`);
  const d = await lens(page);
  const [a, b] = FIXTURE.lockWait.map((t) => t * 1e6);
  const [w0, w1] = d.window;
  assert.ok(w0 < a && w0 > a - 200e6, `window starts just before the wait (${w0})`);
  assert.ok(w1 > b && w1 < b + 200e6, `window ends just after the wait (${w1})`);
  assert.equal(await page.locator('.overlay .highlight-box').count(), 1);
  assert.equal(await page.getAttribute(`.contention tr[data-obj="${FIXTURE.lock}"]`, 'class'), 'selected');
  await page.screenshot({ path: `${SHOTS}/contention-picked.png` });
  // Clicking it again clears the highlight.
  await page.click(`.contention tr[data-obj="${FIXTURE.lock}"]`);
  await lens(page);
  assert.equal(await page.locator('.overlay .highlight-box').count(), 0);
  assert.deepEqual(fx.panel.errors, []);
});
