// The live deadlock banner in real headless Chromium: a run whose two processes each hold one lock
// and wait for the other's. The banner names the cycle in words once the closing wait arrives,
// the blocked waits are marked with arrows between them, Stop stops the run, Dismiss hides it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Chunk } from '../../common/protocol';
import type { LiveSource } from '../../engine/server';
import { launchBrowser, lens, openPanel, SHOTS, type OpenPanel } from './browser';
import { deadlockChunks } from './deadlockTrace';

/** A live run that delivers chunks when told and records whether it was stopped. */
class FakeRun implements LiveSource {
  readonly chunks: Chunk[] = [];
  stopped = 0;
  private listeners: ((c: Chunk) => void)[] = [];
  private finish: (r: { exitCode: number; reason: string; message: string }) => void = () => {};
  readonly done = new Promise<{ exitCode: number; reason: string; message: string }>((r) => (this.finish = r));
  onChunk(cb: (c: Chunk) => void): () => void {
    this.listeners.push(cb);
    return () => (this.listeners = this.listeners.filter((l) => l !== cb));
  }
  push(c: Chunk): void {
    this.chunks.push(c);
    for (const l of this.listeners) l(c);
  }
  async stop(): Promise<void> {
    this.stopped++;
    this.finish({ exitCode: 0, reason: 'stopped', message: 'Stopped' });
  }
}

let browser: Browser;
let panel: OpenPanel;
const run = new FakeRun();
const trace = deadlockChunks();

before(async () => {
  browser = await launchBrowser();
  for (const c of trace.first) run.push(c);
  panel = await openPanel(browser, run, { title: 'deadlock.py' });
});
after(async () => {
  await panel?.close();
  await browser?.close();
});

test('no banner while only one process waits; the closing wait raises it in words with both locks', async () => {
  const page = panel.page;
  assert.equal((await lens(page)).deadlock.banner, '');
  assert.equal(await page.isVisible('.deadlock-banner'), false);
  run.push(trace.closing);
  await page.waitForSelector('.deadlock-banner', { state: 'visible' });
  const text = await page.textContent('.deadlock-banner .deadlock-text');
  assert.equal(text, 'Process 41 holds lock A and waits for lock B; process 42 holds B and waits for A.');
  assert.equal(await page.textContent('.deadlock-banner strong'), 'Deadlock');
  const d = await lens(page);
  assert.equal(d.deadlock.kind, 'cycle');
  // Both waits are boxed and each points at the other process's lane.
  const laneOf = (pid: number): number => d.lanes.find((l) => l.pid === pid)?.id ?? -2;
  assert.deepEqual(
    d.deadlock.marks.map((m) => [m.lane, m.waitsFor]),
    [
      [laneOf(41), laneOf(42)],
      [laneOf(42), laneOf(41)],
    ],
  );
  assert.equal(await page.locator('.overlay .deadlock-box').count(), 2);
  assert.equal(await page.locator('.overlay .flow.deadlock').count(), 2);
  await page.screenshot({ path: `${SHOTS}/deadlock-banner.png` });
  assert.deepEqual(panel.errors, []);
});

test('Dismiss hides the banner and the marks; Stop in the banner stops the run', async () => {
  const page = panel.page;
  await page.click('.deadlock-banner .deadlock-stop');
  await page.waitForFunction(() => document.querySelector('.phase')?.textContent?.startsWith('ended'));
  assert.equal(run.stopped, 1);
  // The run is over: the banner stays as the explanation, without a Stop button.
  assert.equal(await page.isVisible('.deadlock-banner'), true);
  assert.equal(await page.isVisible('.deadlock-banner .deadlock-stop'), false);
  await page.click('.deadlock-banner .deadlock-dismiss');
  assert.equal(await page.isVisible('.deadlock-banner'), false);
  const d = await lens(page);
  assert.equal(d.deadlock.banner, '');
  assert.deepEqual(d.deadlock.marks, []);
  assert.equal(await page.locator('.overlay .deadlock-box').count(), 0);
});
