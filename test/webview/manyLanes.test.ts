// A run with more lanes than fit: the lanes scroll under a fixed time ruler (Shift+wheel over the
// chart), and the labels stay aligned with their lanes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Chunk } from '../../common/protocol';
import { Cat, Kind, Role } from '../../common/schema';
import { RecordEncoder } from '../../common/wire';
import { launchBrowser, lens, openPanel, SHOTS, type OpenPanel } from './browser';

let browser: Browser;
let panel: OpenPanel;

/** 60 processes, each running one 10 ms span, children of process 1. */
function manyLanes(): Chunk[] {
  const chunks: Chunk[] = [];
  for (let k = 0; k < 60; k++) {
    const e = new RecordEncoder();
    const pid = k + 1;
    const t = 1e9 + k * 1e6;
    e.add(Kind.ProcStart, t, pid, 0, [k ? 1 : 0, `proc-${k}`, k ? Role.Process : Role.Root]);
    e.add(Kind.Begin, t, pid, 0, [1, Cat.Run, 'run', '', '', 'many.py:1:1']);
    e.add(Kind.End, t + 10e6, pid, 0, [1, 0]);
    e.add(Kind.ProcExit, t + 11e6, pid, 0, [0, '']);
    chunks.push({ conn: k + 1, bytes: e.take() });
  }
  return chunks;
}

before(async () => {
  browser = await launchBrowser();
  panel = await openPanel(browser, manyLanes(), { title: 'many.py', height: 500 });
});
after(async () => {
  await panel?.close();
  await browser?.close();
});

test('Shift+wheel scrolls the lanes under the sticky ruler; labels stay aligned', async () => {
  const page = panel.page;
  const d = await lens(page);
  assert.equal(d.rows.length, 60);
  const rulerTop = await page.$eval('.ruler', (e) => e.getBoundingClientRect().top);
  await page.mouse.move(d.plot.left + 200, d.plot.top + 100);
  assert.match((await lens(page)).tooltip, /proc-/);
  await page.keyboard.down('Shift');
  await page.mouse.wheel(0, 600);
  await page.keyboard.up('Shift');
  await page.waitForFunction(() => (document.querySelector('.chart') as HTMLElement).scrollTop > 0);
  const after = await lens(page);
  assert.ok(after.plot.top < d.plot.top - 100, 'the lanes moved up');
  assert.deepEqual(after.window, d.window, 'Shift+wheel does not zoom');
  assert.equal(after.tooltip, '', 'no stale tooltip from before the scroll');
  assert.equal(await page.$eval('.ruler', (e) => e.getBoundingClientRect().top), rulerTop, 'the ruler stays put');
  const label = await page.$eval('.labels .label:nth-child(30)', (e) => e.getBoundingClientRect().top);
  assert.equal(Math.round(label), Math.round(after.plot.top + after.rows[29].y));
  await page.screenshot({ path: `${SHOTS}/many-lanes-scrolled.png` });
});
