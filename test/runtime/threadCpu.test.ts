import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';

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
    const dir = mkdtempSync(join(tmpdir(), 'cl-thread-cpu-'));
    try {
      const snippet = join(dir, 'spin.ts');
      writeFileSync(snippet, SPIN);
      const run = startRun({ snippet });
      const r = await run.done;
      assert.equal(r.reason, 'exit', r.message);
      const lane = run.store.lanes().find((l) => l.name === 'spinner');
      assert.ok(lane, 'the thread has a lane');
      assert.notEqual(lane.tid, 0);
      const cpu = run.store.cpu(lane.id);
      let busy = 0;
      for (let i = 0; i < cpu.count; i++) if (cpu.v[i] > 0.5) busy++;
      // 0.6 s of spinning at 10 ms per sample; a loaded machine may take some of the core away.
      assert.ok(busy >= 10, `samples with the thread on a core: ${busy} of ${cpu.count}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
