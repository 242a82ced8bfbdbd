// The panel in real headless Chromium, fed a recorded-style trace through the standalone server:
// lanes, spans and their colours, tooltips, hand-off arrows, flows, source reveal, queue and lock
// lanes, zoom, the range brush, themes, and the empty and error states.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { State } from '../../webview/states';
import { fixturePanelPerFile, lens, SHOTS } from './browser';
import { FIXTURE } from './synthTrace';

const revealed: string[] = [];
const fx = fixturePanelPerFile({ onReveal: (loc) => revealed.push(loc) });

/** Page coordinates of time `ms` on the row whose sub-label is `sub` (or whose kind is `sub`). */
async function at(page: Page, sub: string, ms: number): Promise<{ x: number; y: number }> {
  const d = await lens(page);
  const row = d.rows.find((r) => r.sub === sub || r.kind === sub);
  assert.ok(row, `row ${sub}`);
  const [t0, t1] = d.window;
  return { x: d.plot.left + ((ms * 1e6 - t0) / (t1 - t0)) * d.plot.width, y: d.plot.top + row.y + row.h / 2 };
}

/** The canvas pixel (r, g, b) at page coordinates. */
async function pixel(page: Page, p: { x: number; y: number }): Promise<[number, number, number]> {
  return page.evaluate(({ x, y }) => {
    const c = document.querySelector('.plot canvas') as HTMLCanvasElement;
    const r = c.getBoundingClientRect();
    const k = c.width / r.width;
    const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(
      Math.round((x - r.left) * k),
      Math.round((y - r.top) * k),
      1,
      1,
    ).data;
    return [d[0], d[1], d[2]] as [number, number, number];
  }, p);
}

const rgb = (hex: string): [number, number, number] => {
  const h = hex.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
};

test('one lane per process, nested under its parent, with names and PIDs; lock and queue rows below', async () => {
  const labels = await fx.panel.page.$$eval('.labels .label', (els) =>
    els.map((e) => `${e.className.includes('i1') ? '  ' : ''}${e.textContent}`),
  );
  assert.deepEqual(labels, [
    'MainProcessPID 100',
    '  watcherTID 1 · PID 100',
    '  ForkPoolWorker-1PID 201',
    '  ForkPoolWorker-2PID 202',
    '  ForkPoolWorker-3PID 203',
    '  producerPID 300',
    '  consumerPID 301',
    '  crasherPID 400',
    'counter_locklock',
    'jobsmaxsize 4',
  ]);
  const crashed = await fx.panel.page.$$eval('.label.crashed', (els) => els.map((e) => e.textContent));
  assert.deepEqual(crashed, ['crasherPID 400']);
  const d = await lens(fx.panel.page);
  for (const b of ['stop', 'rerun', 'follow'])
    assert.equal(await fx.panel.page.isEnabled(`button.${b}`), false, `${b} is off for a saved trace`);
  assert.match(d.summary, /wall 1 s/);
  assert.match(d.summary, /7 processes · 1 threads/);
  assert.match(d.summary, /tasks 6\/6/);
  assert.match(d.summary, /speed-up 0\.90×/);
  await fx.panel.page.screenshot({ path: `${SHOTS}/panel-dark.png` });
});

test('spans are drawn in their state colours, tasks labelled fn(args), the crash marked', async () => {
  const d = await lens(fx.panel.page);
  assert.ok(d.report);
  assert.equal(d.report.byState[State.Task], 6);
  assert.equal(d.report.byState[State.WaitLock], 1);
  assert.deepEqual(d.report.labels.slice().sort(), [
    'square(0)',
    'square(1)',
    'square(2)',
    'square(3)',
    'square(4)',
    'square(5)',
  ]);
  assert.deepEqual(d.report.crashes, ['✕ SIGKILL']);
  // A pixel inside task 4's span (worker 202, lower half to miss the label) has the task colour.
  const p = await at(fx.panel.page, 'PID 202', FIXTURE.taskStart(4) + 100);
  assert.deepEqual(await pixel(fx.panel.page, { x: p.x, y: p.y + 4 }), rgb(d.theme.colors[State.Task]));
  // Between tasks the worker is idle in the pool.
  const idle = await at(fx.panel.page, 'PID 202', FIXTURE.taskStart(0) + FIXTURE.taskMs + 25);
  assert.deepEqual(await pixel(fx.panel.page, idle), rgb(d.theme.colors[State.Idle]));
});

test('hovering a span shows its name, times and PID', async () => {
  const p = await at(fx.panel.page, 'PID 203', FIXTURE.taskStart(5) + 50);
  await fx.panel.page.mouse.move(p.x, p.y);
  await fx.panel.page.waitForSelector('.tooltip:not([hidden])');
  const tip = await fx.panel.page.textContent('.tooltip');
  assert.match(tip ?? '', /^square\(5\)/);
  assert.match(tip ?? '', /240 ms → 390 ms \(150 ms\)/);
  assert.match(tip ?? '', /ForkPoolWorker-3 · PID 203/);
  assert.match(tip ?? '', /fixture\.py:8:1/);
});

test('marks and uncaught errors sit on their lanes with a tooltip', async () => {
  const e = await at(fx.panel.page, `PID ${FIXTURE.crasher}`, 390);
  await fx.panel.page.mouse.move(e.x, e.y);
  await fx.panel.page.waitForSelector('.tooltip:not([hidden])');
  assert.match(
    (await fx.panel.page.textContent('.tooltip')) ?? '',
    /^error: MemoryError: out of memory\nat 390 ms\ncrasher · PID 400\nTraceback/,
  );
  const m = await at(fx.panel.page, 'PID 100', 500);
  await fx.panel.page.mouse.move(m.x, m.y - 6);
  assert.match((await lens(fx.panel.page)).tooltip, /^mark: phase 2\nat 500 ms\nMainProcess · PID 100/);
  const crash = await fx.panel.page.evaluate(() =>
    getComputedStyle(document.body).getPropertyValue('--lens-crash').trim(),
  );
  assert.deepEqual(await pixel(fx.panel.page, e), rgb(crash), 'the error dot is drawn in the error colour');
  await fx.panel.page.mouse.move(5, 5);
});

test('hovering a lock wait draws the hand-off arrow from the process that released the lock', async () => {
  const p = await at(fx.panel.page, `PID ${FIXTURE.consumer}`, 200);
  await fx.panel.page.mouse.move(p.x, p.y);
  await fx.panel.page.waitForSelector('.overlay path.handoff', { state: 'attached' });
  const d = await lens(fx.panel.page);
  assert.equal(d.handoff.length, 1);
  const lanes = d.lanes;
  assert.equal(lanes[d.handoff[0].fromLane].pid, FIXTURE.producer);
  assert.equal(lanes[d.handoff[0].toLane].pid, FIXTURE.consumer);
  assert.match(d.tooltip, /waiting for lock/);
  assert.match(d.tooltip, /handed over by PID 300 \(producer\)/);
  await fx.panel.page.screenshot({ path: `${SHOTS}/panel-handoff.png` });
  await fx.panel.page.mouse.move(5, 5);
});

test('clicking a task reveals its source line and draws submit → run → result', async () => {
  revealed.length = 0;
  const p = await at(fx.panel.page, 'PID 201', FIXTURE.taskStart(3) + 20);
  await fx.panel.page.mouse.click(p.x, p.y);
  await fx.panel.page.waitForFunction(() => document.querySelectorAll('.overlay path.flow:not(.handoff)').length === 2);
  for (let i = 0; i < 250 && revealed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(revealed, ['fixture.py:8:1']);
  const d = await lens(fx.panel.page);
  assert.deepEqual(
    d.flows.map((f) => [d.lanes[f.fromLane].pid, d.lanes[f.toLane].pid]),
    [
      [100, 201],
      [201, 100],
    ],
  );
  await fx.panel.page.screenshot({ path: `${SHOTS}/panel-task-flow.png` });
});

test('queue depth series with its maxsize, and the lock lane with holders and waiters', async () => {
  const d = await lens(fx.panel.page);
  assert.ok(d.report);
  assert.deepEqual(d.report.queues[FIXTURE.queue], { steps: 10, max: 4, capacity: 4 });
  assert.equal(d.report.lockHolds[FIXTURE.lock], 2);
  const q = await at(fx.panel.page, 'queue', 420);
  await fx.panel.page.mouse.move(q.x, q.y);
  await fx.panel.page.waitForSelector('.tooltip:not([hidden])');
  assert.match(
    (await fx.panel.page.textContent('.tooltip')) ?? '',
    /jobs \(queue\)\nat 4\d\d ms: 4 item\(s\) of maxsize 4/,
  );
  const l = await at(fx.panel.page, 'lock', 200);
  await fx.panel.page.mouse.move(l.x, l.y);
  assert.match((await lens(fx.panel.page)).tooltip, /counter_lock \(lock\)\nat \d+ ms: held \(1\), 1 waiting/);
  // Clicking the queue row shows the nearest item's path from producer to consumer.
  const g = await at(fx.panel.page, 'queue', 451);
  await fx.panel.page.mouse.click(g.x, g.y);
  const after = await lens(fx.panel.page);
  assert.equal(after.flows.length, 1);
  assert.equal(after.flows[0].kind, 'queue');
  assert.deepEqual(
    [after.lanes[after.flows[0].fromLane].pid, after.lanes[after.flows[0].toLane].pid],
    [FIXTURE.producer, FIXTURE.consumer],
  );
  await fx.panel.page.mouse.move(5, 5);
});

test('zoom and pan with the mouse wheel, drag and keyboard; 0 fits the whole run again', async () => {
  const page = fx.panel.page;
  const before = (await lens(page)).window;
  const c = await at(page, 'PID 201', 500);
  await page.mouse.move(c.x, c.y);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(
    (w) =>
      (window as unknown as { __lens: { window: number[] } }).__lens.window[1] -
        (window as unknown as { __lens: { window: number[] } }).__lens.window[0] <
      w,
    before[1] - before[0],
  );
  const zoomed = await lens(page);
  assert.equal(zoomed.mode, 'manual');
  assert.ok(zoomed.window[0] < 500e6 && zoomed.window[1] > 500e6, 'zoom keeps the point under the pointer in view');
  const width = zoomed.window[1] - zoomed.window[0];
  await page.mouse.move(c.x, c.y);
  await page.mouse.down();
  await page.mouse.move(c.x - 200, c.y, { steps: 5 });
  await page.mouse.up();
  const panned = await lens(page);
  assert.ok(panned.window[0] > zoomed.window[0], 'dragging left moves later times into view');
  assert.ok(Math.abs(panned.window[1] - panned.window[0] - width) < width * 1e-6);
  await page.focus('.plot');
  await page.keyboard.press('+');
  const keyZoom = await lens(page);
  assert.ok(Math.abs(keyZoom.window[1] - keyZoom.window[0] - width / 2) < width * 1e-6);
  await page.keyboard.press('Shift+ArrowRight');
  const keyPan = await lens(page);
  assert.ok(Math.abs(keyPan.window[0] - keyZoom.window[0] - width / 8) < width * 1e-6);
  await page.screenshot({ path: `${SHOTS}/panel-zoomed.png` });
  await page.keyboard.press('0');
  const fit = await lens(page);
  assert.equal(fit.mode, 'fit');
  assert.deepEqual(fit.window, before);
});

test('keyboard moves across lanes and spans and announces them', async () => {
  const page = fx.panel.page;
  await page.focus('.plot');
  await page.keyboard.press('Escape');
  await page.click('.labels .label:has-text("consumer")');
  assert.equal(await page.textContent('.label.selected .name'), 'consumer');
  await page.keyboard.press('Home');
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown');
  let d = await lens(page);
  assert.equal(d.rows[d.focusRow].sub, 'PID 201');
  assert.equal(await page.textContent('.label.selected .name'), 'ForkPoolWorker-1');
  // Spans in start order: square(0), the sleep inside it, square(3).
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  d = await lens(page);
  assert.match(d.tooltip, /^square\(3\)/);
  assert.match((await page.textContent('.sr-only')) ?? '', /square\(3\)/);
  revealed.length = 0;
  await page.keyboard.press('Enter');
  for (let i = 0; i < 250 && revealed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(revealed, ['fixture.py:8:1']);
  await page.keyboard.press('Escape');
});

test('a range brushed on the ruler shows statistics of the selection', async () => {
  const page = fx.panel.page;
  const a = await at(page, 'PID 100', 100);
  const b = await at(page, 'PID 100', 300);
  const d0 = await lens(page);
  const y = d0.plot.top - 12;
  await page.mouse.move(a.x, y);
  await page.mouse.down();
  await page.mouse.move(b.x, y, { steps: 8 });
  await page.mouse.up();
  const d = await lens(page);
  assert.ok(d.selection);
  assert.ok(Math.abs(d.selection[0] - 100e6) < 2e6 && Math.abs(d.selection[1] - 300e6) < 2e6, `${d.selection}`);
  assert.match(d.selectionText, /^Selection (99\.\d|10\d) ms – (29\d|30\d) ms/);
  assert.match(d.selectionText, /8 lanes · 6 tasks · CPU \d\.\d\d cores/);
  assert.match(d.selectionText, /waiting for lock \d+\.\d%/);
  assert.match(d.selectionText, /pool task \d+\.\d%/);
  await page.screenshot({ path: `${SHOTS}/panel-selection.png` });
  await page.focus('.plot');
  await page.keyboard.press('Escape');
  assert.equal((await lens(page)).selection, null);
});

test('theme switching: light and high contrast redraw with their own colours', async () => {
  const page = fx.panel.page;
  const dark = await lens(page);
  const p = await at(page, 'PID 202', FIXTURE.taskStart(4) + 100);
  const seen = new Set<string>([dark.theme.bg]);
  for (const theme of ['vscode-light', 'vscode-high-contrast'] as const) {
    await page.selectOption('select.theme', theme);
    const d = await lens(page);
    assert.equal(d.theme.kind, theme);
    assert.ok(!seen.has(d.theme.bg), `${theme} has its own background`);
    seen.add(d.theme.bg);
    assert.deepEqual(await pixel(page, { x: p.x, y: p.y + 4 }), rgb(d.theme.colors[State.Task]));
    if (theme === 'vscode-high-contrast') {
      // Spans carry the contrast border on their top edge (2 px below the row top).
      const row = d.rows.find((r) => r.sub === 'PID 202');
      assert.ok(row && d.theme.contrast);
      assert.deepEqual(await pixel(page, { x: p.x, y: d.plot.top + row.y + 2 }), rgb(d.theme.contrast));
    }
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.notEqual(bg, 'rgb(30, 30, 30)');
    await page.screenshot({ path: `${SHOTS}/panel-${theme.replace('vscode-', '')}.png` });
  }
  await page.selectOption('select.theme', 'vscode-dark');
  assert.equal((await lens(page)).theme.kind, 'vscode-dark');
});

test('the page loads with no console errors or CSP violations', () => {
  assert.deepEqual(fx.panel.errors, []);
});
