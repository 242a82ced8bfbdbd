// The same scenario as test/e2e, inside desktop VS Code through @vscode/test-cli (`npm run
// test:vscode`, needs VS Code downloadable): run a sample, see one lane per PID while it is live,
// stop it and find nothing left in /proc, export the trace and open it again. Assertions go through
// the extension's exports, since a desktop test cannot look into the webview.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { TraceStore } from '../../common/store';
import type { LensController } from '../../extension/controller';
import { findRunProcesses } from '../e2e/runProcesses';

declare function suite(name: string, fn: () => void): void;
declare function test(name: string, fn: () => Promise<void>): void;

async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** PIDs of the process lanes in what the panel was fed. */
function lanePids(controller: LensController): number[] {
  const store = new TraceStore();
  for (const c of controller.shown?.chunks ?? []) store.ingest(c);
  return [
    ...new Set(
      store
        .lanes()
        .filter((l) => l.tid === 0)
        .map((l) => l.pid),
    ),
  ].sort((a, b) => a - b);
}

suite('Concurrency Lens in desktop VS Code', () => {
  test('run a sample live, stop it, export and open its trace', async () => {
    const ext = vscode.extensions.getExtension<{ controller: LensController }>('concurrency-lens.concurrency-lens');
    assert.ok(ext, 'the extension is installed');
    const { controller } = await ext.activate();
    const sample = vscode.Uri.joinPath(ext.extensionUri, 'samples', 'python', '11_endless_producers.py');
    await vscode.window.showTextDocument(sample);
    const running = vscode.commands.executeCommand('concurrencyLens.run', sample);

    const pids = await until('one lane per process of the run', 60_000, () => {
      const procs = findRunProcesses()
        .map((p) => p.pid)
        .sort((a, b) => a - b);
      const lanes = lanePids(controller);
      return procs.length >= 4 && JSON.stringify(procs) === JSON.stringify(lanes) ? lanes : undefined;
    });
    assert.equal(controller.shown?.state.phase, 'running');

    await vscode.commands.executeCommand('concurrencyLens.stop');
    await running;
    assert.deepEqual(findRunProcesses(), [], 'no process of the run is left');
    assert.equal(controller.shown?.state.phase, 'ended');

    const out = vscode.Uri.file(join(mkdtempSync(join(tmpdir(), 'cl-suite-')), 'run.trace.json'));
    await vscode.commands.executeCommand('concurrencyLens.exportTrace', out);
    const trace = JSON.parse(readFileSync(out.fsPath, 'utf8')) as { traceEvents: { pid: number }[] };
    for (const pid of pids)
      assert.ok(
        trace.traceEvents.some((e) => e.pid === pid),
        `pid ${pid} exported`,
      );

    await vscode.commands.executeCommand('concurrencyLens.openTrace', out);
    assert.equal(controller.shown?.title, 'run.trace.json');
    assert.deepEqual(lanePids(controller), pids);
  });
});
