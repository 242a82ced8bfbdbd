// The panel's VS Code transport in real Chromium: a stand-in for the webview host API
// (`acquireVsCodeApi`, injected before the page's script) records what the panel posts and keeps
// its state; messages arrive as window `message` events carrying Uint8Array bytes, as in VS Code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { servePanel, type PanelServer } from '../../engine/server';
import { launchBrowser, lens, SHOTS } from './browser';
import { FIXTURE, fixtureChunks } from './synthTrace';

let browser: Browser;
let server: PanelServer;

before(async () => {
  browser = await launchBrowser();
  server = await servePanel([], { title: 'assets only' });
});
after(async () => {
  await server?.close();
  await browser?.close();
});

interface Host {
  posted: { type: string; loc?: string }[];
  state: unknown;
}

/** Opens the panel with a fake VS Code host whose saved state starts as `state`. */
async function openInFakeVsCode(state: unknown): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  // A string, not a function: the test runner's transpiler would add helpers the page lacks.
  await page.addInitScript(`
    const host = { posted: [], state: ${JSON.stringify(state ?? null)} ?? undefined };
    globalThis.__host = host;
    globalThis.acquireVsCodeApi = () => ({
      postMessage: (m) => host.posted.push(m),
      getState: () => host.state,
      setState: (s) => { host.state = s; },
    });
  `);
  await page.goto(server.url);
  return page;
}

const host = (page: Page): Promise<Host> => page.evaluate(() => (globalThis as unknown as { __host: Host }).__host);

/** Sends the fixture the way the extension does: reset, chunks as Uint8Array, then the run state. */
async function feed(page: Page): Promise<void> {
  const chunks = fixtureChunks().map((c) => ({ conn: c.conn, bytes: Array.from(c.bytes) }));
  await page.evaluate(`(() => {
    const chunks = ${JSON.stringify(chunks)};
    const post = (data) => window.dispatchEvent(new MessageEvent('message', { data }));
    post({ type: 'trace/reset', title: 'fixture.py' });
    post({ type: 'trace/append', chunks: chunks.map((c) => ({ conn: c.conn, bytes: new Uint8Array(c.bytes) })) });
    post({ type: 'run/state', phase: 'ended', message: 'exited with code 0', exitCode: 0, canStop: false, canRerun: true });
    post({ type: 'no/such-message' });
  })()`);
}

test('inside VS Code the panel says ready, draws what it is sent, and posts only known requests', async () => {
  const page = await openInFakeVsCode(undefined);
  try {
    await page.waitForFunction(() => (globalThis as unknown as { __host?: Host }).__host?.posted.length === 1);
    assert.deepEqual((await host(page)).posted, [{ type: 'ready' }]);
    await feed(page);
    const d = await lens(page);
    assert.equal(d.rows.filter((r) => r.kind === 'lane').length, 8);
    assert.equal(d.phase, 'ended');
    assert.equal(await page.isEnabled('button.rerun'), true);
    await page.click('button.rerun');
    const p = d.rows.find((r) => r.sub === 'PID 202');
    assert.ok(p);
    const x =
      d.plot.left + ((FIXTURE.taskStart(1) * 1e6 + 50e6 - d.window[0]) / (d.window[1] - d.window[0])) * d.plot.width;
    await page.mouse.click(x, d.plot.top + p.y + p.h / 2);
    await page.waitForFunction(() => (globalThis as unknown as { __host: Host }).__host.posted.length >= 3);
    assert.deepEqual((await host(page)).posted.slice(1), [
      { type: 'run/rerun' },
      { type: 'source/reveal', loc: 'fixture.py:8:1' },
    ]);
    await page.screenshot({ path: `${SHOTS}/vscode-host.png` });
  } finally {
    await page.close();
  }
});

test('the zoom window and selection are kept with setState and restored on reload', async () => {
  const page = await openInFakeVsCode(undefined);
  let saved: unknown;
  try {
    await page.waitForFunction(() => (globalThis as unknown as { __host?: Host }).__host?.posted.length === 1);
    await feed(page);
    await page.focus('.plot');
    await page.keyboard.press('+');
    await page.keyboard.press('Shift+ArrowRight');
    const r = await lens(page);
    await page.mouse.move(r.plot.left + 100, r.plot.top - 12);
    await page.mouse.down();
    await page.mouse.move(r.plot.left + 300, r.plot.top - 12, { steps: 5 });
    await page.mouse.up();
    const d = await lens(page);
    assert.equal(d.mode, 'manual');
    assert.ok(d.selection);
    saved = (await host(page)).state;
    assert.deepEqual((saved as { chart: { window: number[] } }).chart.window, d.window);
  } finally {
    await page.close();
  }
  const again = await openInFakeVsCode(saved);
  try {
    await again.waitForFunction(() => (globalThis as unknown as { __host?: Host }).__host?.posted.length === 1);
    await feed(again);
    const d = await lens(again);
    assert.equal(d.mode, 'manual');
    assert.deepEqual(d.window, (saved as { chart: { window: number[] } }).chart.window);
    assert.deepEqual(d.selection, (saved as { chart: { selection: number[] } }).chart.selection);
    assert.match(d.selectionText, /^Selection /);
  } finally {
    await again.close();
  }
});
