// The per-process time breakdown in real headless Chromium, on the fixture trace: one stacked bar per
// lane for the whole run, and the same bars recomputed for a range brushed on the ruler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { fixturePanelPerFile, lens, SHOTS } from './browser';
import { FIXTURE } from './synthTrace';

const fx = fixturePanelPerFile();

/** The figures line and segment widths (% of the bar) of the lane of `pid`. */
async function bar(page: Page, pid: number): Promise<{ text: string; segs: Record<string, number> }> {
  return page.$eval(`.breakdown-row[data-pid="${pid}"][data-tid="0"]`, (row) => {
    const segs: Record<string, number> = {};
    const total = (row.querySelector('.breakdown-bar') as HTMLElement).clientWidth;
    for (const s of Array.from(row.querySelectorAll<HTMLElement>('.breakdown-seg')))
      segs[s.dataset.state ?? ''] = (s.getBoundingClientRect().width / total) * 100;
    return { text: row.querySelector('.breakdown-text')?.textContent ?? '', segs };
  });
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

test('whole run: one bar per lane, the consumer split into running, waiting for the lock and sleeping', async () => {
  const page = fx.panel.page;
  await page.click('button.breakdown-toggle');
  await page.waitForSelector('.breakdown-row');
  assert.equal(await page.textContent('.breakdown h3'), 'Time breakdown, whole run');
  const names = await page.$$eval('.breakdown-name', (els) => els.map((e) => e.textContent));
  assert.ok(names.includes('consumer (PID 301)') && names.includes('producer (PID 300)'), names.join());
  const c = await bar(page, FIXTURE.consumer);
  // Consumer: alive 60–760 ms, waits for the lock 120–300 ms.
  const life = 760 - 60;
  const lockWait = FIXTURE.lockWait[1] - FIXTURE.lockWait[0];
  assert.match(c.text, new RegExp(`waiting \\(lock\\) ${pct(lockWait / life)}`));
  const lockSeg = Object.entries(c.segs).find(([k]) => k.includes('lock'));
  assert.ok(lockSeg && Math.abs(lockSeg[1] - (lockWait / life) * 100) < 2, JSON.stringify(c.segs));
  await page.screenshot({ path: `${SHOTS}/breakdown-whole.png` });
});

test('the bars follow the brushed range', async () => {
  const page = fx.panel.page;
  const d0 = await lens(page);
  const x = (ms: number): number =>
    d0.plot.left + ((ms * 1e6 - d0.window[0]) / (d0.window[1] - d0.window[0])) * d0.plot.width;
  const y = d0.plot.top - 12;
  await page.mouse.move(x(100), y);
  await page.mouse.down();
  await page.mouse.move(x(300), y, { steps: 8 });
  await page.mouse.up();
  const d = await lens(page);
  assert.ok(d.selection);
  const [s0, s1] = d.selection.map((t) => t / 1e6);
  await page.waitForFunction(() => document.querySelector('.breakdown h3')?.textContent?.includes('–'));
  // Within the range the consumer is alive throughout and waits from 120 ms to the end of the wait.
  const waited = Math.min(s1, FIXTURE.lockWait[1]) - Math.max(s0, FIXTURE.lockWait[0]);
  const c = await bar(page, FIXTURE.consumer);
  assert.match(
    c.text,
    new RegExp(`^running ${pct(1 - waited / (s1 - s0))} · waiting \\(lock\\) ${pct(waited / (s1 - s0))}`),
  );
  await page.screenshot({ path: `${SHOTS}/breakdown-brushed.png` });
  await page.focus('.plot');
  await page.keyboard.press('Escape');
  await page.waitForFunction(
    () => document.querySelector('.breakdown h3')?.textContent === 'Time breakdown, whole run',
  );
  assert.deepEqual(fx.panel.errors, []);
});
