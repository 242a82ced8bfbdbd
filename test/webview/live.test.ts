// The panel live, on real runs through the standalone server: lanes appear while the run goes on,
// follow-live keeps the newest events in view, Stop and Rerun act on the run; plus the empty and
// error states, and the server's token, Host, Origin and CSP checks.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startRun, type Run } from '../../engine/runner';
import { servePanel } from '../../engine/server';
import { launchBrowser, lens, openPanel, SHOTS, type LensDebug } from './browser';
import { fixtureChunks } from './synthTrace';

const samples = join(__dirname, '..', '..', 'samples', 'python');
let browser: Browser;
const runs: Run[] = [];

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  for (const r of runs) await r.stop();
  await browser?.close();
});

/** Polls the panel's debug snapshot until `pred` holds (string predicates would need eval, which the CSP forbids). */
async function waitLens(page: Page, pred: (d: LensDebug) => boolean, timeout = 30_000): Promise<LensDebug> {
  const end = Date.now() + timeout;
  for (;;) {
    const d = await lens(page);
    if (pred(d)) return d;
    if (Date.now() > end)
      throw new Error(
        `timed out; panel: ${JSON.stringify({ phase: d.phase, message: d.message, lanes: d.lanes.length })}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a live run grows in the panel, follows the clock, and stops and reruns from its buttons', async () => {
  const launch = (): Run => {
    const r = startRun({ snippet: join(samples, '11_endless_producers.py'), timeoutMs: 60_000 });
    runs.push(r);
    return r;
  };
  const first = launch();
  const p = await openPanel(browser, first, { title: '11_endless_producers.py', rerun: launch, waitRows: false });
  try {
    await waitLens(p.page, (d) => d.phase === 'running' && d.rows.filter((r) => r.kind === 'lane').length >= 4);
    assert.equal(await p.page.textContent('.phase'), '● live');
    assert.equal(await p.page.isEnabled('button.stop'), true);
    assert.equal(await p.page.isEnabled('button.rerun'), false);
    const pids = (await lens(p.page)).lanes.map((l) => l.pid);
    await p.page.click('button.follow');
    const a = await lens(p.page);
    assert.equal(a.mode, 'follow');
    await waitLens(p.page, (d) => d.window[1] > a.window[1] + 300e6 && d.frames > a.frames);
    const b = await lens(p.page);
    assert.ok(Math.abs(b.window[1] - b.window[0] - (a.window[1] - a.window[0])) < 1e3, 'following keeps the zoom');
    assert.ok(
      b.rows.some((r) => r.kind === 'queue'),
      'the queue has its depth row',
    );
    await p.page.screenshot({ path: `${SHOTS}/live-following.png` });
    await p.page.click('button.stop');
    const result = await first.done;
    assert.equal(result.reason, 'stopped');
    await waitLens(p.page, (d) => d.phase === 'ended');
    assert.match((await p.page.textContent('.phase')) ?? '', /^ended — /);
    assert.equal(await p.page.isEnabled('button.stop'), false);
    assert.equal(await p.page.isEnabled('button.rerun'), true);
    assert.equal((await lens(p.page)).mode, 'manual', 'follow ends with the run');
    assert.equal(await p.page.isEnabled('button.follow'), false, 'nothing to follow once the run ended');
    await p.page.click('button.rerun');
    await waitLens(p.page, (d) => d.phase === 'running' && d.lanes.length >= 2);
    assert.equal(p.server.current(), runs[runs.length - 1], 'the server reports the rerun as current');
    const again = await lens(p.page);
    assert.ok(
      again.lanes.every((l) => !pids.includes(l.pid)),
      'the rerun shows a fresh trace',
    );
    await p.page.click('button.stop');
    await waitLens(p.page, (d) => d.phase === 'ended');
  } finally {
    await p.close();
  }
});

test('a real Pool.map run: one lane per worker PID, five labelled tasks, the speed-up in the summary', async () => {
  const r = startRun({ snippet: join(samples, '04_pool_map.py') });
  runs.push(r);
  const p = await openPanel(browser, r, { title: '04_pool_map.py', waitRows: false });
  try {
    const result = await r.done;
    assert.equal(result.exitCode, 0, result.message);
    const d = await waitLens(p.page, (d) => d.phase === 'ended' && (d.report?.labels.length ?? 0) === 5);
    const workers = d.lanes.filter((l) => /PoolWorker/.test(l.name));
    assert.equal(workers.length, 3);
    const labels = await p.page.$$eval('.labels .label.kind-lane', (els) => els.map((e) => e.textContent ?? ''));
    for (const w of workers)
      assert.ok(
        labels.some((l) => l.includes(`PID ${w.pid}`)),
        `a label for worker ${w.pid}`,
      );
    assert.deepEqual(d.report?.labels.map((l) => l.replace(/[^0-9]/g, '')).sort(), ['0', '1', '2', '3', '4']);
    assert.ok(d.report?.labels.every((l) => l.startsWith('square(')));
    assert.match(d.summary, /tasks 5\/5/);
    const speedup = Number(/speed-up ([0-9.]+)×/.exec(d.summary)?.[1]);
    assert.ok(speedup > 1.2 && speedup <= 3.05, `speed-up ${speedup} for 5 one-second tasks on 3 workers`);
    await p.page.screenshot({ path: `${SHOTS}/real-pool-map.png` });
  } finally {
    await p.close();
  }
});

test('a snippet that fails shows the error state with what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lens-broken-'));
  writeFileSync(join(dir, 'broken.py'), 'def f(:\n    pass\n');
  const r = startRun({ snippet: join(dir, 'broken.py') });
  runs.push(r);
  const p = await openPanel(browser, r, { title: 'broken.py', waitRows: false });
  try {
    await waitLens(p.page, (d) => d.phase === 'failed');
    const d = await lens(p.page);
    assert.equal(d.messageKind, 'error');
    assert.match(d.message, /The run failed/);
    assert.match(d.message, /Fix the problem/);
    await p.page.screenshot({ path: `${SHOTS}/state-error.png` });
  } finally {
    await p.close();
  }
});

test('a damaged record stream is reported, and what was read before it is still shown', async () => {
  const chunks = fixtureChunks();
  // A record that claims to be 3 bytes long cannot exist: the decoder gives up on that connection.
  chunks.push({ conn: 99, bytes: new Uint8Array([3, 0, 0, 0, 1, 0, 0, 0]) });
  const p = await openPanel(browser, chunks, { title: 'damaged.trace' });
  try {
    const d = await waitLens(p.page, (d) => d.messageKind === 'error');
    assert.match(d.message, /Part of the trace could not be read/);
    assert.match(d.message, /corrupt record length 3/);
    assert.equal(d.rows.filter((r) => r.kind === 'lane').length, 8);
  } finally {
    await p.close();
  }
});

test('with no trace the panel says how to get one', async () => {
  const p = await openPanel(browser, [], { title: 'empty', waitRows: false });
  try {
    await waitLens(p.page, (d) => d.messageKind === 'empty');
    const d = await lens(p.page);
    assert.match(d.message, /No trace yet/);
    assert.match(d.message, /Run and Visualize/);
    assert.match(d.message, /npx concurrency-lens run/);
    assert.equal(await p.page.isVisible('.chart'), false);
    await p.page.screenshot({ path: `${SHOTS}/state-empty.png` });
  } finally {
    await p.close();
  }
});

function raw(
  url: URL,
  opts: { method?: string; host?: string; origin?: string; body?: string },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: opts.method ?? 'GET',
        headers: {
          host: opts.host ?? url.host,
          ...(opts.origin ? { origin: opts.origin } : {}),
          'content-type': 'application/json',
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

test('the server needs its token and a loopback Host, sends a nonce CSP, and refuses unknown messages', async () => {
  const server = await servePanel(fixtureChunks(), { title: 'fixture.py' });
  try {
    const url = new URL(server.url);
    assert.equal(url.hostname, '127.0.0.1');
    const ok = await raw(url, {});
    assert.equal(ok.status, 200);
    const csp = String(ok.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.ok(!/unsafe|\*/.test(csp), csp);
    assert.match(csp, /default-src 'none'/);
    assert.ok(ok.body.includes(`<script nonce="${nonce}"`));
    assert.ok(!/<script(?![^>]*src=)/.test(ok.body), 'no inline script');
    assert.ok(!/style=/.test(ok.body), 'no inline style');
    const noToken = new URL(url);
    noToken.search = '';
    assert.equal((await raw(noToken, {})).status, 403);
    const wrong = new URL(url);
    wrong.searchParams.set('token', 'x'.repeat(32));
    assert.equal((await raw(wrong, {})).status, 403);
    assert.equal(
      (await raw(new URL(`/panel.js${url.search.replace(/^\?token=[^&]*/, '?token=bad')}`, url), {})).status,
      403,
    );
    assert.equal((await raw(url, { host: `evil.example:${url.port}` })).status, 403);
    const msg = new URL(`/message${url.search}`, url);
    assert.equal((await raw(msg, { method: 'POST', body: '{"type":"run/stop"}' })).status, 204);
    assert.equal((await raw(msg, { method: 'POST', body: '{"type":"run/stop","x":1}' })).status, 400);
    assert.equal((await raw(msg, { method: 'POST', body: '{"type":"shell","cmd":"rm"}' })).status, 400);
    assert.equal(
      (await raw(msg, { method: 'POST', body: '{"type":"run/stop"}', origin: 'http://evil.example' })).status,
      403,
    );
    assert.equal((await raw(msg, { method: 'POST', body: 'x'.repeat(70_000) })).status, 413);
  } finally {
    await server.close();
  }
});
