import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';

/** Runs `code` through the engine's runner (the CLI's and the extension's), returning its store. */
async function runThroughRunner(code: string): Promise<ReturnType<typeof startRun>['store']> {
  const dir = mkdtempSync(join(tmpdir(), 'cl-threads-'));
  try {
    const snippet = join(dir, 'snippet.ts');
    writeFileSync(snippet, code);
    const run = startRun({ snippet });
    const r = await run.done;
    assert.equal(r.reason, 'exit', r.message);
    return run.store;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Thread that spins for 0.6 s while the main thread waits for it. */
const SPIN = `
import { Thread, busy, main } from 'concurrency-lens';
export function spin() {
  busy(600);
}
main(async () => {
  const t = new Thread({ target: spin, name: 'spinner' });
  t.start();
  await t.join();
});
`;

test(
  "a busy Node Thread's lane gets CPU samples from the runner's /proc sampler",
  { skip: process.platform !== 'linux' },
  async () => {
    const store = await runThroughRunner(SPIN);
    const lane = store.lanes().find((l) => l.name === 'spinner');
    assert.ok(lane, 'the thread has a lane');
    assert.notEqual(lane.tid, 0);
    const cpu = store.cpu(lane.id);
    let busy = 0;
    for (let i = 0; i < cpu.count; i++) if (cpu.v[i] > 0.5) busy++;
    // 0.6 s of spinning at 10 ms per sample; a loaded machine may take some of the core away.
    assert.ok(busy >= 10, `samples with the thread on a core: ${busy} of ${cpu.count}`);
  },
);

/** Four Threads started while the flusher thread already sends the process's records. */
const FOUR = `
import { Thread, main, sleep } from 'concurrency-lens';
export function io() {
  sleep(150);
}
main(async () => {
  sleep(80); // long enough to hand sending over to the flusher thread
  const threads = [1, 2, 3, 4].map(() => new Thread({ target: io }));
  for (const t of threads) t.start();
  for (const t of threads) await t.join();
});
`;

test('Threads started while the flusher runs get one lane each, named by the thread, and no other', async () => {
  const store = await runThroughRunner(FOUR);
  const threads = store.lanes().filter((l) => l.tid !== 0);
  assert.deepEqual(threads.map((l) => l.name).sort(), ['Thread-1', 'Thread-2', 'Thread-3', 'Thread-4']);
});
