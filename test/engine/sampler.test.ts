import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Series } from '../../common/store/api';
import { startRun } from '../../engine/runner';
import { snippetFile } from './helpers';

/** Two threads spin for 0.4 s each and print the CPU time the OS gave them (`time.thread_time`). */
const THREADS = `
import os, threading, time
def spin():
    end = time.monotonic() + 0.4
    while time.monotonic() < end:
        pass
    os.write(1, ('cpu %s %f\\n' % (threading.current_thread().name, time.thread_time())).encode())
ts = [threading.Thread(target=spin, name='spin-%d' % i) for i in range(2)]
for t in ts: t.start()
for t in ts: t.join()
time.sleep(0.2)
`;

/** CPU seconds in a series of samples (each the share since the previous one; the first covers 10 ms). */
function cpuSeconds(s: Series): number {
  let ns = s.count > 0 ? s.v[0] * 10e6 : 0;
  for (let i = 1; i < s.count; i++) ns += s.v[i] * (s.t[i] - s.t[i - 1]);
  return ns / 1e9;
}

test(
  'Python threads get CPU samples from /proc that add up to the CPU time they used',
  { skip: process.platform !== 'linux' },
  async () => {
    const run = startRun({ snippet: snippetFile('threads.py', THREADS) });
    const used = new Map<string, number>();
    run.onOutput((l) => {
      const m = /^cpu (\S+) ([\d.]+)/.exec(l.text);
      if (m) used.set(m[1], Number(m[2]));
    });
    const r = await run.done;
    assert.equal(r.reason, 'exit', r.message);
    const store = run.store;
    const threads = store.lanes().filter((l) => l.tid !== 0);
    assert.deepEqual(threads.map((l) => l.name).sort(), ['spin-0', 'spin-1']);
    for (const lane of store.lanes()) {
      const cpu = store.cpu(lane.id);
      assert.ok(cpu.count >= 3, `samples for ${lane.name}`);
      for (let i = 0; i < cpu.count; i++) assert.ok(cpu.v[i] >= 0 && cpu.v[i] <= 1);
    }
    // What the samples add up to matches what the thread itself measured; the sampler only misses the
    // moments before it first saw the thread and after its last tick.
    for (const lane of threads) {
      const sampled = cpuSeconds(store.cpu(lane.id));
      const actual = used.get(lane.name)!;
      assert.ok(actual > 0, `${lane.name} reported its CPU time`);
      assert.ok(
        sampled >= 0.5 * actual - 0.03 && sampled <= 1.2 * actual + 0.03,
        `${lane.name}: sampled ${sampled} s, used ${actual} s`,
      );
    }
  },
);
