// The Findings pane and the host's chart/focus message in real headless Chromium. On the fixture
// trace: efficiency and its limiters in the command line's words, the critical path (boxed in the
// chart on request), the lint with its source line (revealed on click or Enter) and its sample (text
// in the standalone page, a button that asks the VS Code host to open it). A clean trace says "No
// findings in this run"; a lock-order inversion lists both orders and their lines. A `chart/focus`
// zooms to the consumer's lock wait, selects it and shows why it waited.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Chunk } from '../../common/protocol';
import { RecordEncoder } from '../../common/wire';
import { StreamsByPid } from '../recordStreams';
import { Kind } from '../../common/schema';
import { Cat, ObjType, Role, TraceBuilder } from '../unit/analysis-trace';
import { fixturePanelPerFile, lens, openPanel, SHOTS } from './browser';
import { FIXTURE, fixtureChunks, T0 } from './synthTrace';

const revealed: string[] = [];
const fx = fixturePanelPerFile({ onReveal: (loc) => revealed.push(loc) });

/** A built trace as record streams, one connection per process. */
function chunksOf(b: TraceBuilder): Chunk[] {
  return new StreamsByPid().add(b.sorted()).take((_, i) => i + 1);
}

const texts = (page: Page, sel: string): Promise<string[]> =>
  page.$$eval(sel, (els) => els.map((e) => (e.textContent ?? '').trim()));

async function showFindings(page: Page): Promise<void> {
  await page.click('button.findings-toggle');
  await page.waitForSelector('.findings', { state: 'visible' });
  assert.equal(await page.getAttribute('button.findings-toggle', 'aria-pressed'), 'true');
}

test('the findings pane shows efficiency, its limiters, the critical path and the lint with its source line', async () => {
  const page = fx.panel.page;
  assert.equal(await page.isVisible('.findings'), false);
  await showFindings(page);
  // Efficiency depends on the machine's cores only through "more busy workers than cores".
  const summary = (await page.textContent('.findings-summary')) ?? '';
  assert.match(
    summary,
    /^Parallel efficiency: speed-up 0\.9× on 3 workers \(efficiency 30%\); limited by serial fraction(, more busy workers than cores)?$/,
  );
  const limiters = await texts(page, '.findings-efficiency .finding-title');
  assert.equal(
    limiters[0],
    'Note Serial fraction: For 695 ms of the 995 ms run (70%) no worker was busy; with that serial part the speed-up on 3 workers can be at most 1.3×.',
  );
  assert.equal(await page.textContent('.critical-headline'), 'Critical path 995 ms of the 995 ms wall time (100%)');
  assert.equal(
    await page.textContent('.critical-lanes'),
    'Per process: process 100 627 ms (63%, 183 ms of it waiting), process 203 368 ms (37%, 18 ms of it waiting)',
  );
  assert.deepEqual(await texts(page, '.critical-segments li'), [
    'process 100 running 0 – 22 ms (22 ms)',
    'process 203 waiting 22 ms – 40 ms (18 ms)',
    'process 203 running 40 ms – 390 ms (350 ms)',
    'process 100 running 393 ms – 800 ms (407 ms)',
    'process 100 waiting 800 ms – 980 ms (180 ms)',
  ]);
  const lint = page.locator('.findings-list li.finding');
  assert.equal(await lint.count(), 1);
  assert.equal(
    (await lint.locator('.finding-title').textContent())?.trim(),
    'Warning Lock held across a blocking call: lock counter_lock is held across a sleep at fixture.py:25:13 (1 time, 100 ms in total); processes waited 180 ms in total for it',
  );
  assert.match(
    (await lint.locator('.finding-explanation').textContent()) ?? '',
    /^While a lock is held across a sleep/,
  );
  // The standalone page cannot open files: the sample is plain text, not a button.
  assert.equal(await lint.locator('button.sample-link').count(), 0);
  assert.equal(await lint.locator('code.sample-path').textContent(), 'samples/python/07_lock_counter.py');
  await lint.locator('button.source-link').click();
  await page.waitForFunction(() => true);
  await waitFor(() => revealed.length === 1);
  assert.deepEqual(revealed, ['fixture.py:25:13']);
  // Keyboard: the same button by focus and Enter.
  await lint.locator('button.source-link').focus();
  await page.keyboard.press('Enter');
  await waitFor(() => revealed.length === 2);
  assert.deepEqual(revealed, ['fixture.py:25:13', 'fixture.py:25:13']);
  await page.screenshot({ path: `${SHOTS}/findings.png` });
});

test('"Highlight in chart" boxes the critical path; picking a contention row takes the highlight over', async () => {
  const page = fx.panel.page;
  const toggle = page.locator('button.critical-toggle');
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.deepEqual((await lens(page)).highlight, []);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  const d = await lens(page);
  const lane = (pid: number) => d.lanes.find((l) => l.pid === pid)?.id;
  assert.deepEqual(
    d.highlight.map((h) => [h.lane, h.start / 1e6, h.end / 1e6]),
    [
      [lane(100), 0, 22],
      [lane(203), 22, 390],
      [lane(100), 390, 995],
    ],
  );
  assert.equal(await page.locator('.overlay .highlight-box').count(), 3);
  await page.screenshot({ path: `${SHOTS}/findings-critical-path.png` });
  await page.click('button.table-toggle');
  await page.click(`.contention tr[data-obj="${FIXTURE.lock}"]`);
  const after = await lens(page);
  assert.equal(after.highlight.length, 1);
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  await page.click(`.contention tr[data-obj="${FIXTURE.lock}"]`);
  await page.click('button.table-toggle');
  assert.deepEqual(fx.panel.errors, []);
});

test('a clean run says "No findings in this run"; a lock-order inversion lists both orders and their lines', async () => {
  // The root waits for its one child, which runs: one process busy at a time, whatever the cores.
  const clean = new TraceBuilder()
    .proc(41, 0, 101, { role: Role.Root })
    .proc(42, 0, 100, { ppid: 41 })
    .span(41, Cat.WaitJoin, 0, 100, { obj: 'proc:42', name: 'join' })
    .span(42, Cat.Run, 0, 100);
  const p1 = await openPanel(fx.browser, chunksOf(clean));
  try {
    await showFindings(p1.page);
    assert.deepEqual(await texts(p1.page, '.findings-list p.findings-empty'), ['No findings in this run.']);
    assert.equal(await p1.page.locator('.findings li.finding').count(), 0);
  } finally {
    await p1.close();
  }
  const [A, B] = ['lock:41:1', 'lock:41:2'];
  const inverted = new TraceBuilder()
    .proc(41, 0, 100, { role: Role.Root })
    .proc(42, 0, 100, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A', 'inv.py:3:5')
    .obj(41, B, ObjType.Lock, 'B', 'inv.py:4:5')
    .hold(41, A, 10, 30, 'inv.py:5:5')
    .hold(41, B, 12, 20, 'inv.py:6:9')
    .hold(42, B, 50, 70, 'inv.py:12:5')
    .hold(42, A, 55, 60, 'inv.py:13:9');
  const p2 = await openPanel(fx.browser, chunksOf(inverted));
  try {
    await showFindings(p2.page);
    const row = p2.page.locator('.findings-list li.finding');
    assert.equal(await row.count(), 1);
    assert.equal(
      (await row.locator('.finding-title').textContent())?.trim(),
      'Warning Lock-order inversion: process 41 took lock A (inv.py:5:5) then lock B (inv.py:6:9); process 42 took B (inv.py:12:5) then A (inv.py:13:9)',
    );
    assert.deepEqual(await texts(p2.page, '.findings-list button.source-link'), [
      'inv.py:5',
      'inv.py:6',
      'inv.py:12',
      'inv.py:13',
    ]);
    assert.match((await row.locator('.finding-explanation').textContent()) ?? '', /Take them in one fixed order/);
  } finally {
    await p2.close();
  }
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

interface FakeHost {
  posted: { type: string; id?: string }[];
}

/**
 * The panel with a stand-in for VS Code's webview API (as in vscodeHost.test.ts), fed `chunks` (the
 * fixture); the run is `phase`; `cores` stands in for the browser's `navigator.hardwareConcurrency`.
 */
async function openInFakeVsCode(
  phase: 'running' | 'ended' = 'ended',
  chunks = fixtureChunks(),
  cores = 0,
): Promise<Page> {
  const page = await fx.browser.newPage({ viewport: { width: 1200, height: 700 } });
  if (cores)
    await page.addInitScript(`Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => ${cores} });`);
  await page.addInitScript(`
    const host = { posted: [] };
    globalThis.__host = host;
    globalThis.acquireVsCodeApi = () => ({ postMessage: (m) => host.posted.push(m), getState: () => undefined, setState: () => {} });
  `);
  await page.goto(fx.panel.server.url);
  await page.waitForFunction(() => (globalThis as unknown as { __host?: FakeHost }).__host?.posted.length === 1);
  const plain = chunks.map((c) => ({ conn: c.conn, bytes: Array.from(c.bytes) }));
  await page.evaluate(`(() => {
    const chunks = ${JSON.stringify(plain)};
    const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
    post({ type: 'trace/reset', title: 'fixture.py' });
    post({ type: 'trace/append', chunks: chunks.map((c) => ({ conn: c.conn, bytes: new Uint8Array(c.bytes) })) });
    post(${JSON.stringify(phase)} === 'ended'
      ? { type: 'run/state', phase: 'ended', message: 'exited with code 0', exitCode: 0, canStop: false, canRerun: true }
      : { type: 'run/state', phase: 'running', message: 'running', canStop: true, canRerun: false });
  })()`);
  await page.waitForFunction(() => (window as unknown as { __lens: { rows: unknown[] } }).__lens.rows.length > 0);
  return page;
}

const posted = (page: Page): Promise<FakeHost['posted']> =>
  page.evaluate(() => (globalThis as unknown as { __host: FakeHost }).__host.posted);

test('inside VS Code the sample that shows the fix is a button that asks the host to open it', async () => {
  const page = await openInFakeVsCode();
  try {
    await showFindings(page);
    const b = page.locator('.findings-list button.sample-link');
    assert.equal(await b.textContent(), 'samples/python/07_lock_counter.py');
    await b.click();
    await page.waitForFunction(() => (globalThis as unknown as { __host: FakeHost }).__host.posted.length === 2);
    assert.deepEqual((await posted(page))[1], { type: 'sample/open', id: 'samples/python/07_lock_counter.py' });
  } finally {
    await page.close();
  }
});

test('a chart/focus from the host zooms to the wait, selects it and shows why it waited', async () => {
  const page = await openInFakeVsCode();
  try {
    assert.equal(await page.isVisible('.why'), false);
    const [a, b] = FIXTURE.lockWait.map((t) => t * 1e6);
    const focus = { type: 'chart/focus', pid: FIXTURE.consumer, tid: 0, start: a, end: b };
    await page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(focus)} }))`);
    await page.waitForSelector('.why', { state: 'visible' });
    const d = await lens(page);
    const lane = d.lanes.find((l) => l.pid === FIXTURE.consumer && l.tid === 0)?.id;
    assert.deepEqual(d.focus && [d.focus.lane, d.focus.start, d.focus.end], [lane, a, b]);
    assert.equal(d.rows[d.focusRow]?.lane, lane);
    // The wait fills the middle third of the window.
    assert.deepEqual(d.window, [a - (b - a), b + (b - a)]);
    assert.equal(await page.textContent('.why h3'), `Why was process ${FIXTURE.consumer} waiting?`);
    const first = await page.$eval('.why dd', (dd) => dd.textContent);
    assert.equal(first, `lock counter_lock at fixture.py:34:9, ${a / 1e6} ms – ${b / 1e6} ms (${(b - a) / 1e6} ms)`);
    await page.screenshot({ path: `${SHOTS}/chart-focus.png` });
    // A wait that is not in this trace leaves the selection and says so.
    const missing = { ...focus, start: a + 1 };
    await page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(missing)} }))`);
    await page.waitForFunction(
      () =>
        (window as unknown as { __lens: { status: string } }).__lens.status ===
        'That wait is not in the trace this panel shows.',
    );
    assert.deepEqual(((await lens(page)).focus ?? { start: 0 }).start, a);
  } finally {
    await page.close();
  }
});

test('during a live run a focused source-line button keeps the keyboard focus when the findings change', async () => {
  const page = await openInFakeVsCode('running');
  try {
    await showFindings(page);
    const key = 'lint:lock-held-across-wait:0|loc|fixture.py:25:13';
    const button = page.locator(`.findings-list button.source-link[data-focus="${key}"]`);
    await button.focus();
    const focused = (): Promise<string | undefined> =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.focus);
    assert.equal(await focused(), key);
    // A new process holds the same lock across another sleep: a second lint row appears.
    const w = new RecordEncoder();
    const t = (ms: number): number => T0 + ms * 1e6;
    w.add(Kind.ProcStart, t(900), 500, 0, [100, 'late', Role.Process]);
    w.add(Kind.Begin, t(900), 500, 0, [1, Cat.Hold, 'counter_lock', '', FIXTURE.lock, 'fixture.py:50:9']);
    w.add(Kind.Begin, t(910), 500, 0, [2, Cat.Sleep, 'sleep', '', '', 'fixture.py:51:13']);
    w.add(Kind.End, t(960), 500, 0, [2, 0]);
    w.add(Kind.End, t(970), 500, 0, [1, 0]);
    const bytes = Array.from(w.take());
    await page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: {
      type: 'trace/append', chunks: [{ conn: 50, bytes: new Uint8Array(${JSON.stringify(bytes)}) }] } }))`);
    // While live the pane recomputes at most every 250 ms; a skipped recompute is retried by itself,
    // so this one append (and no further message) must be enough for the new row to show.
    await page.waitForFunction(() => document.querySelectorAll('.findings-list li.finding').length === 2, undefined, {
      timeout: 10_000,
    });
    assert.equal(await page.locator('.findings-list li.finding').count(), 2);
    const rebuilt = await page.evaluate(() => document.querySelectorAll('.findings-list button.source-link').length);
    assert.equal(rebuilt, 2);
    assert.equal(await focused(), key, 'the button with the same key has the focus after the rebuild');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (globalThis as unknown as { __host: FakeHost }).__host.posted.length === 2);
    assert.deepEqual((await posted(page))[1], { type: 'source/reveal', loc: 'fixture.py:25:13' });
  } finally {
    await page.close();
  }
});

test('the panel compares busy processes with the cores of the machine that ran the trace, not the browser\u2019s', async () => {
  const words = async (page: Page): Promise<[string, string | undefined]> => {
    await showFindings(page);
    const limiter = (await texts(page, '.findings-efficiency .finding-title')).find((t) => t.includes('More busy'));
    return [(await page.textContent('.summary')) ?? '', limiter];
  };
  // Recorded on one core, viewed where the browser says 64.
  const one = await openInFakeVsCode('ended', fixtureChunks(1), 64);
  try {
    const [summary, limiter] = await words(one);
    assert.equal(
      limiter,
      'Note More busy workers than cores: Up to 5 processes were running at once on 1 core, for 618 ms (62% of the run); the extra ones only take turns.',
    );
    assert.match(summary, /CPU \d\.\d\d cores \(\d+% of 1\)/);
  } finally {
    await one.close();
  }
  // Recorded on 64 cores, viewed where the browser says 1: nothing was oversubscribed.
  const many = await openInFakeVsCode('ended', fixtureChunks(64), 1);
  try {
    const [summary, limiter] = await words(many);
    assert.equal(limiter, undefined);
    assert.match(summary, /\(\d+% of 64\)/);
  } finally {
    await many.close();
  }
  // A trace that does not say: this machine's count, named as such.
  const unsaid = await openInFakeVsCode('ended', fixtureChunks(0), 1);
  try {
    const [summary, limiter] = await words(unsaid);
    assert.match(
      limiter ?? '',
      /^Note More busy workers than cores: Up to 5 processes were running at once on 1 core of this machine, /,
    );
    assert.match(summary, /\(\d+% of 1 core of this machine\)/);
  } finally {
    await unsaid.close();
  }
});
