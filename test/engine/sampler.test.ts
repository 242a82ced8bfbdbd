import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';
import { snippetFile } from './helpers';

const THREADS = `
import threading, time
def spin():
    end = time.monotonic() + 0.4
    while time.monotonic() < end:
        pass
ts = [threading.Thread(target=spin, name='spin-%d' % i) for i in range(2)]
for t in ts: t.start()
for t in ts: t.join()
time.sleep(0.2)
`;

test(
  'Python processes and their threads get CPU samples from /proc, one series per lane',
  { skip: process.platform !== 'linux' },
  async () => {
    const run = startRun({ snippet: snippetFile('threads.py', THREADS) });
    const r = await run.done;
    assert.equal(r.reason, 'exit', r.message);
    const store = run.store;
    const lanes = store.lanes();
    const threads = lanes.filter((l) => l.tid !== 0);
    assert.equal(threads.length, 2, 'two thread lanes');
    for (const lane of lanes) {
      const cpu = store.cpu(lane.id);
      assert.ok(cpu.count >= 5, `samples for ${lane.name}`);
      for (let i = 0; i < cpu.count; i++) assert.ok(cpu.v[i] >= 0 && cpu.v[i] <= 1);
    }
    // Each spinning thread is seen busy for a while; the main thread mostly waits in join.
    for (const lane of threads) {
      const cpu = store.cpu(lane.id);
      assert.ok(Math.max(...cpu.v.subarray(0, cpu.count)) > 0.3, `${lane.name} was busy`);
    }
  },
);
