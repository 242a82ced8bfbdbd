// "Why was this process waiting?" in real headless Chromium, on the fixture trace: clicking the
// consumer's lock wait shows what it waited for, who held the lock and what it did meanwhile, and who
// released it; clicking a span that is not a wait hides the answer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { fixturePanelPerFile, lens, SHOTS } from './browser';
import { FIXTURE } from './synthTrace';

const fx = fixturePanelPerFile();

/** Clicks the lane of `pid` at time `ms`. */
async function clickAt(page: Page, pid: number, ms: number): Promise<void> {
  const d = await lens(page);
  const row = d.rows.find((r) => r.sub === `PID ${pid}`);
  assert.ok(row, `row of ${pid}`);
  const [t0, t1] = d.window;
  await page.mouse.click(d.plot.left + ((ms * 1e6 - t0) / (t1 - t0)) * d.plot.width, d.plot.top + row.y + row.h / 2);
}

/** The detail list as "label: text" lines. */
const details = (page: Page): Promise<string[]> =>
  page.$$eval('.why dt', (dts) => dts.map((dt) => `${dt.textContent}: ${dt.nextElementSibling?.textContent}`));

test('clicking a lock wait answers what it waited for, who held it, what the holder did, who released it', async () => {
  const page = fx.panel.page;
  assert.equal(await page.isVisible('.why'), false);
  const [a, b] = FIXTURE.lockWait;
  await clickAt(page, FIXTURE.consumer, (a + b) / 2);
  await page.waitForSelector('.why', { state: 'visible' });
  assert.equal(await page.textContent('.why h3'), `Why was process ${FIXTURE.consumer} waiting?`);
  const sentence = (await page.textContent('.why-sentence')) ?? '';
  assert.match(sentence, new RegExp(`waited ${b - a} ms for lock counter_lock at fixture.py:34:9`));
  const lines = await details(page);
  assert.equal(lines[0], `Waited for: lock counter_lock at fixture.py:34:9, ${a} ms – ${b} ms (${b - a} ms)`);
  // The producer held it from before the wait until it released it at 300 ms, sleeping 150–250 ms.
  assert.ok(
    lines.includes(`Held by: process ${FIXTURE.producer}, ${a} ms – ${b} ms, taken at fixture.py:24:9`),
    lines.join('\n'),
  );
  assert.ok(
    lines.some((l) => /^Meanwhile it was: .*sleeping 100 ms/.test(l)),
    lines.join('\n'),
  );
  assert.equal(lines[lines.length - 1], `Released by: process ${FIXTURE.producer} at ${b} ms`);
  await page.screenshot({ path: `${SHOTS}/why-waiting.png` });
});

test('selecting a span that is not a wait hides the answer', async () => {
  const page = fx.panel.page;
  await clickAt(page, FIXTURE.workers[1], FIXTURE.taskStart(1) + 50);
  await page.waitForSelector('.why', { state: 'hidden' });
  assert.deepEqual(fx.panel.errors, []);
});
