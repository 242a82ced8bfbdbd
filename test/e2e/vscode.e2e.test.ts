// End to end in a real VS Code: code-server (installed by scripts/setup.sh into .e2e/) with the
// packaged .vsix, driven by headless Chromium. Open a sample, run a snippet, see one lane per PID
// appear live, press Stop and find no process of the run left in /proc, export the trace and open it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { ROOT, findCodeServer, startCodeServer, type CodeServer } from './codeServer';
import { packageVsix } from './packageVsix';
import { findRunProcesses } from './runProcesses';
import {
  ARTIFACTS,
  activeTab,
  answerFileDialog,
  launchBrowser,
  openFromExplorer,
  openWorkbench,
  panelFrame,
  pickQuickItem,
  runCommand,
  screenshot,
} from './workbench';

// Screenshots of an earlier run would mislead: start with an empty artefacts folder.
rmSync(ARTIFACTS, { recursive: true, force: true });
const t0 = Date.now();
const log = (s: string) => console.log(`# [e2e +${((Date.now() - t0) / 1000).toFixed(1)}s] ${s}`);

/** The samples that loop until stopped: two producers, one consumer, a queue. */
const NODE_SAMPLE = '11_endless_producers.ts';
const PYTHON_SAMPLE = '11_endless_producers.py';
/** A snippet with a syntax error on line 3, column 7. */
const BROKEN = 'import os\n\ndef f(:\n    pass\n';

/** PIDs of the process lanes (tid 0) the panel lists, from the lane labels' keys (`lane:<pid>:<tid>`). */
async function lanePids(panel: FrameLocator): Promise<number[]> {
  const keys = await panel
    .locator('.label.kind-lane')
    .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.key ?? ''));
  return [
    ...new Set(
      keys
        .map((k) => /^lane:(\d+):0$/.exec(k)?.[1])
        .filter(Boolean)
        .map(Number),
    ),
  ].sort((a, b) => a - b);
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let vsixPath: string | undefined;
/** The .vsix of the current build, packaged once for all tests of this file. */
function sharedVsix(): string {
  if (!vsixPath) {
    vsixPath = packageVsix(join(mkdtempSync(join(tmpdir(), 'cl-vsix-')), 'concurrency-lens.vsix'));
    log(`packaged ${vsixPath}`);
  }
  return vsixPath;
}

const python = (() => {
  try {
    return execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
})();

test(
  'in code-server: Node and Python samples live with a lane per PID, Stop leaves nothing, click reveals source, export, open, restore, syntax error',
  {
    timeout: 480_000,
    skip: findCodeServer() ? false : 'code-server is not installed (run: bash scripts/setup.sh)',
  },
  async () => {
    const vsix = sharedVsix();
    let server: CodeServer | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    try {
      // The profile's HOME is private, so a version manager's shim would not find its interpreters.
      server = await startCodeServer(vsix, {
        'concurrencyLens.pythonPath': python,
        'concurrencyLens.tracesFolder': 'traces',
        'concurrencyLens.timeLimitSeconds': 120,
      });
      log(`code-server up (pid ${server.pid})`);
      writeFileSync(join(server.workspace, 'notes.txt'), 'hide the panel\n');
      writeFileSync(join(server.workspace, 'broken.py'), BROKEN);
      browser = await launchBrowser();
      page = await openWorkbench(browser, server.url, log);
      log('workbench up');

      const panel = panelFrame(page);

      /** Opens a bundled sample with Open Sample…, runs it and waits for one lane per live process. */
      const runSampleLive = async (file: string, names: string[]): Promise<number[]> => {
        await runCommand(page!, 'Concurrency Lens: Open Sample', log);
        await page!
          .locator('.quick-input-list .monaco-list-row', { hasText: /\d\d_\w+\.(?:ts|js|py)/ })
          .first()
          .waitFor();
        await pickQuickItem(page!, file);
        await activeTab(page!, file).waitFor({ timeout: 15_000 });
        log(`sample ${file} opened`);
        await runCommand(page!, 'Concurrency Lens: Run and Visualize', log);
        await statusItem(file).waitFor({ timeout: 30_000 });
        const pids = await until(`a lane for each process of ${file}`, 60_000, async () => {
          const procs = findRunProcesses(server!.dir)
            .map((p) => p.pid)
            .sort((a, b) => a - b);
          const lanes = await lanePids(panel).catch((): number[] => []);
          return procs.length >= names.length + 1 && JSON.stringify(procs) === JSON.stringify(lanes)
            ? lanes
            : undefined;
        });
        log(`live lanes of ${file} for pids ${pids.join(', ')}`);
        assert.ok(await statusItem(file).isVisible(), 'the run is still live while its lanes are shown');
        for (const name of names) {
          assert.equal(await panel.locator('.label.kind-lane', { hasText: name }).count(), 1, `a lane named ${name}`);
        }
        assert.ok((await panel.locator('.label.kind-queue').count()) >= 1, 'the queue has its own row');
        return pids;
      };
      const statusItem = (file: string) => page!.locator('#workbench\\.parts\\.statusbar', { hasText: file });

      /** Waits until no process of the run is left and the panel and status bar say it ended. */
      const expectStopped = async (file: string, pids: number[]): Promise<void> => {
        const left = await until('the run to end after Stop', 20_000, () => {
          const procs = findRunProcesses(server!.dir);
          return procs.length === 0 ? procs : undefined;
        });
        assert.deepEqual(left, []);
        for (const pid of pids) assert.ok(!isRunProcess(pid), `pid ${pid} is gone`);
        await statusItem(file).waitFor({ state: 'hidden', timeout: 15_000 });
        await panel.locator('button.stop[disabled]').waitFor({ timeout: 15_000 });
        log(`${file} stopped: no process of the run is left`);
      };

      // Node (TypeScript, transpiled by the esbuild inside the .vsix).
      const nodePids = await runSampleLive(NODE_SAMPLE, ['ProducerA', 'ProducerB', 'Consumer']);
      await screenshot(page, '1-live-lanes-node');

      // Hide the panel behind another editor and show it again: no retained context, so the webview is
      // a fresh document (our marker is gone) that gets the whole trace again as a snapshot.
      await panel.locator('body').evaluate((b) => (b.dataset.e2eMarker = 'before-hide'));
      await page.locator('.tabs-container .tab', { hasText: 'Concurrency Lens:' }).click();
      await openFromExplorer(page, 'notes.txt');
      await activeTab(page, 'notes.txt').waitFor({ timeout: 15_000 });
      await page.locator('.tabs-container .tab', { hasText: 'Concurrency Lens:' }).click();
      await until('the panel to come back with a snapshot', 30_000, async () => {
        const marker = await panel
          .locator('body')
          .evaluate((b) => b.dataset.e2eMarker ?? '')
          .catch(() => 'gone');
        const lanes = await lanePids(panel).catch((): number[] => []);
        return marker === '' && nodePids.every((p) => lanes.includes(p)) ? lanes : undefined;
      });
      assert.ok(await statusItem(NODE_SAMPLE).isVisible(), 'still live after the panel came back');
      log('hidden and shown again: fresh webview, full snapshot');

      // Stop from the panel's button.
      await panel.locator('button.stop:not([disabled])').click();
      await expectStopped(NODE_SAMPLE, nodePids);
      await screenshot(page, '2-stopped-node');

      // Python (real multiprocessing under the hook), stopped with the Stop command.
      const pids = await runSampleLive(PYTHON_SAMPLE, ['Process0', 'Process1', 'Consumer 1']);
      await screenshot(page, '3-live-lanes-python');
      await runCommand(page, 'Concurrency Lens: Stop', log);
      await expectStopped(PYTHON_SAMPLE, pids);

      // Clicking a span of a producer's lane opens the source line it came from (a blocking call).
      const row = await panel.locator('.label.kind-lane', { hasText: 'Process0' }).boundingBox();
      const plot = await panel.locator('.plot').boundingBox();
      assert.ok(row && plot, 'lane label and plot are laid out');
      await page.mouse.click(plot.x + plot.width * 0.6, row.y + row.height / 2);
      await activeTab(page, PYTHON_SAMPLE).waitFor({ timeout: 15_000 });
      const cursor = await until('the cursor on the revealed line', 15_000, async () => {
        const text = (await page!.locator('#workbench\\.parts\\.statusbar').textContent()) ?? '';
        const m = /Ln (\d+), Col (\d+)/.exec(text);
        return m && Number(m[1]) > 1 ? Number(m[1]) : undefined;
      });
      const sampleLines = readFileSync(join(ROOT, 'samples', 'python', PYTHON_SAMPLE), 'utf8').split('\n');
      assert.match(sampleLines[cursor - 1], /sleep|get|put|join|qsize/, `line ${cursor} is a blocking call`);
      log(`clicked span revealed ${PYTHON_SAMPLE}:${cursor}`);

      // The finished run was saved to the traces folder; Export Trace… writes what the panel shows.
      const saved = await until('the saved trace', 15_000, () => {
        const dir = join(server!.workspace, 'traces');
        return existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.trace.json')) : undefined;
      });
      log(`saved ${saved}`);
      // Export proposes <workspace>/<snippet>.trace.json; the user accepts it.
      const exported = join(server.workspace, PYTHON_SAMPLE.replace(/\.py$/, '.trace.json'));
      await runCommand(page, 'Concurrency Lens: Export Trace', log);
      assert.equal(await answerFileDialog(page), exported);
      const trace = await until('the exported trace', 15_000, () =>
        existsSync(exported)
          ? (JSON.parse(readFileSync(exported, 'utf8')) as { traceEvents: { pid: number }[] })
          : undefined,
      );
      const tracePids = new Set(trace.traceEvents.map((e) => e.pid));
      for (const pid of pids) assert.ok(tracePids.has(pid), `exported trace has pid ${pid}`);

      // Open Trace…: the exported file shows the same process lanes.
      await runCommand(page, 'Concurrency Lens: Open Trace', log);
      await answerFileDialog(page, exported);
      const exportedName = basename(exported);
      await page.locator('.tab', { hasText: `Concurrency Lens: ${exportedName}` }).waitFor({ timeout: 20_000 });
      await panel.locator('.toolbar .title', { hasText: exportedName }).waitFor({ timeout: 20_000 });
      const reopened = await until('lanes of the opened trace', 20_000, async () => {
        const lanes = await lanePids(panel).catch((): number[] => []);
        return JSON.stringify(lanes) === JSON.stringify(pids) ? lanes : undefined;
      });
      assert.deepEqual(reopened, pids);
      log('opened the exported trace with the same lanes');
      await screenshot(page, '4-opened-trace');

      // Reopening the window restores the panel (WebviewPanelSerializer) with what it showed.
      // Reload through the workbench, as a user does: VS Code saves its editor state on the way down,
      // whereas a bare page reload can race the periodic state save.
      const reloaded = page.waitForEvent('domcontentloaded', { timeout: 90_000 });
      await runCommand(page, 'Developer: Reload Window', log);
      await reloaded;
      await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
      const restored = panelFrame(page);
      await restored.locator('.toolbar .title', { hasText: exportedName }).waitFor({ timeout: 60_000 });
      assert.deepEqual(
        await until('lanes of the restored panel', 20_000, async () => {
          const lanes = await lanePids(restored).catch(() => []);
          return lanes.length === pids.length ? lanes : undefined;
        }),
        pids,
      );
      log('reload restored the panel with the opened trace');
      await screenshot(page, '5-restored');

      // A syntax error: nothing starts; the Problems panel and a notification point at line 3, column 7.
      await openFromExplorer(page, 'broken.py');
      await activeTab(page, 'broken.py').waitFor({ timeout: 15_000 });
      await runCommand(page, 'Concurrency Lens: Run and Visualize', log);
      await page
        .locator('.notifications-toasts .notification-toast', { hasText: /SyntaxError: invalid syntax \(3:7\)/ })
        .waitFor({ timeout: 30_000 });
      await runCommand(page, 'View: Focus Problems', log);
      await page
        .locator('.markers-panel .monaco-list-row', { hasText: 'SyntaxError: invalid syntax' })
        .first()
        .waitFor({ timeout: 15_000 });
      assert.match(
        (await page.locator('.markers-panel .monaco-list-row', { hasText: 'invalid syntax' }).first().textContent()) ??
          '',
        /\[Ln 3, Col 7\]/,
      );
      assert.deepEqual(findRunProcesses(server.dir), [], 'a snippet with a syntax error starts no process');
      log('syntax error shown as a notification and in the Problems panel');
      await screenshot(page, '6-syntax-error');
    } catch (e) {
      if (page) await screenshot(page, 'failure').catch(() => undefined);
      throw e;
    } finally {
      await browser?.close();
      await server?.stop();
      if (server) log(`code-server log: ${server.log}`);
    }
  },
);

/** True while `pid` is a live process of a run (a reused pid or a zombie is not). */
function isRunProcess(pid: number): boolean {
  return findRunProcesses().some((p) => p.pid === pid);
}

test(
  'in code-server, Restricted Mode: Run refuses with why and how to trust; once trusted the CodeLens runs, output has PIDs',
  {
    timeout: 240_000,
    skip: findCodeServer() ? false : 'code-server is not installed (run: bash scripts/setup.sh)',
  },
  async () => {
    const server = await startCodeServer(sharedVsix(), { 'concurrencyLens.pythonPath': python }, true);
    const browser = await launchBrowser();
    let page: Page | undefined;
    try {
      writeFileSync(join(server.workspace, 'hello.py'), "if __name__ == '__main__':\n    print('hello')\n");
      page = await openWorkbench(browser, server.url, log);
      await openFromExplorer(page, 'hello.py');
      await runCommand(page, 'Concurrency Lens: Run and Visualize', log);
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Restricted Mode' });
      await toast.waitFor({ timeout: 30_000 });
      assert.match((await toast.textContent()) ?? '', /executes its code.*trust the workspace/s);
      assert.equal(await page.locator('iframe.webview').count(), 0, 'no panel was opened');
      assert.deepEqual(findRunProcesses(server.dir), [], 'nothing was started');
      await screenshot(page, 'restricted-refused');
      // The notification's button leads to where the workspace can be trusted.
      await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click();
      await page.getByText('You are in Restricted Mode').waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Trust', exact: true }).click();
      await page.locator('#workbench\\.parts\\.statusbar', { hasText: 'Restricted Mode' }).waitFor({ state: 'hidden' });
      log('restricted mode: refused with a reason; trusted through the button');
      // Once trusted, the CodeLens over the main guard runs the snippet.
      await page.getByText('You trust this folder').waitFor({ timeout: 15_000 });
      await page.locator('.modal-editor-action-container .codicon-close').click();
      await page.getByText('You trust this folder').waitFor({ state: 'hidden', timeout: 15_000 });
      await page.locator('.codelens-decoration a', { hasText: 'Run and Visualize' }).first().click();
      await panelFrame(page).locator('.toolbar .title', { hasText: 'hello.py' }).waitFor({ timeout: 30_000 });
      await panelFrame(page).locator('.label.kind-lane').first().waitFor({ timeout: 30_000 });
      // The snippet's output is in the output channel, prefixed with the PID of the process that wrote it.
      const pid = (await panelFrame(page).locator('.label.kind-lane').first().getAttribute('data-key'))?.split(':')[1];
      await runCommand(page, 'Output: Show Output Channels', log);
      await pickQuickItem(page, 'Concurrency Lens');
      await page.locator('.output-view', { hasText: `[${pid}] hello` }).waitFor({ timeout: 15_000 });
      await screenshot(page, 'restricted-then-trusted');
    } catch (e) {
      if (page) await screenshot(page, 'restricted-failure').catch(() => undefined);
      throw e;
    } finally {
      await browser.close();
      await server.stop();
    }
  },
);
