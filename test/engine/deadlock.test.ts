import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Cat } from '../../common/schema';
import { startRun, type Run, type RunDeadlock } from '../../engine/runner';
import { delay, processesWithEnv, snippetFile } from './helpers';

/** Two processes that each hold one lock and wait for the other's: a real deadlock, in each runtime. */
const NODE_DEADLOCK = `
import { Event, Lock, Process, main } from 'concurrency-lens';
export async function grab(first: Lock, second: Lock, mine: Event, other: Event) {
  await first.acquire();
  mine.set();
  await other.wait();
  console.log('waiting ' + process.pid);
  await second.acquire();
}
main(async () => {
  const [a, b, ea, eb] = [new Lock(), new Lock(), new Event(), new Event()];
  const ps = [new Process({ target: grab, args: [a, b, ea, eb] }), new Process({ target: grab, args: [b, a, eb, ea] })];
  ps.forEach((p) => p.start());
  for (const p of ps) await p.join();
});
`;

const PYTHON_DEADLOCK = `
import multiprocessing as mp, os
def grab(first, second, mine, other):
    first.acquire()
    mine.set()
    other.wait()
    print('waiting', os.getpid(), flush=True)
    second.acquire()
if __name__ == '__main__':
    a, b, ea, eb = mp.Lock(), mp.Lock(), mp.Event(), mp.Event()
    ps = [mp.Process(target=grab, args=(a, b, ea, eb)), mp.Process(target=grab, args=(b, a, eb, ea))]
    for p in ps: p.start()
    for p in ps: p.join()
`;

/** Waits for both processes to report that they are about to block; returns their pids. */
async function bothWaiting(run: Run): Promise<number[]> {
  const pids: number[] = [];
  run.onOutput((l) => {
    const m = /^waiting (\d+)/.exec(l.text);
    if (m) pids.push(+m[1]);
  });
  for (let i = 0; i < 1000 && pids.length < 2; i++) await delay(20);
  assert.equal(pids.length, 2, 'both processes reached the second acquire');
  return pids;
}

for (const [name, file, text] of [
  ['Node', 'deadlock.ts', NODE_DEADLOCK],
  ['Python', 'deadlock.py', PYTHON_DEADLOCK],
] as const) {
  test(`a ${name} deadlock is reported live (cycle, sentence, graph) without stopping the run; stop() ends every process`, async () => {
    const tag = randomBytes(8).toString('hex');
    const run = startRun({ snippet: snippetFile(file, text), env: { CL_TEST_TAG: tag }, timeoutMs: 30_000 });
    const reports: RunDeadlock[] = [];
    run.onDeadlock((d) => reports.push(d));
    let ended = false;
    void run.done.then(() => (ended = true));
    const pids = await bothWaiting(run);
    for (let i = 0; i < 500 && !run.deadlock; i++) await delay(20);
    const d = run.deadlock;
    assert.ok(d, 'deadlock reported');
    assert.deepEqual(reports, [d]);
    assert.equal(d.kind, 'cycle');
    assert.deepEqual(d.steps.map((s) => s.pid).sort(), [...pids].sort());
    assert.ok(d.steps.every((s) => s.alive && s.cat === Cat.WaitLock && s.holds.length === 1));
    assert.match(
      d.sentence,
      /^process \d+ holds lock \S+ and waits for lock \S+; process \d+ holds \S+ and waits for \S+$/,
    );
    // The graph has each process waiting for the other.
    const [p, q] = pids;
    for (const [from, to] of [
      [p, q],
      [q, p],
    ]) {
      assert.ok(
        d.graph.some((e) => e.from.pid === from && e.to?.pid === to && e.cat === Cat.WaitLock),
        `${from} → ${to}`,
      );
    }
    assert.ok(d.atNs > 0 && d.atNs < 30e9);
    await delay(300);
    assert.equal(ended, false, 'the run goes on until the user stops it');
    await run.stop();
    const r = await run.done;
    assert.equal(r.reason, 'stopped');
    assert.deepEqual(processesWithEnv(`CL_TEST_TAG=${tag}`), []);
    const store = run.store;
    for (const pid of pids) {
      const lanes = store.lanes().filter((l) => l.pid === pid);
      assert.ok(lanes.length > 0, `lane of ${pid}`);
      const waits = lanes.flatMap((l) => {
        const s = store.spans(l.id);
        return Array.from(s.cat.subarray(0, s.count)).filter((c) => c === Cat.WaitLock);
      });
      const open = store.openSpans().filter((o) => lanes.some((l) => l.id === o.lane) && o.cat === Cat.WaitLock);
      assert.ok(waits.length + open.length >= 1, `a lock wait of ${pid} is in the trace`);
      const proc = lanes.find((l) => l.tid === 0)!;
      assert.ok(!Number.isNaN(proc.end), `the lane of ${pid} is ended`);
      assert.match(proc.signal, /^SIG(TERM|KILL)$/, 'the lane says how the process was ended');
    }
  });
}

test('every process blocked on an event nobody sets is reported as a stall after deadlockStallMs', async () => {
  const snippet = snippetFile(
    'stall.py',
    [
      'import multiprocessing as mp',
      "if __name__ == '__main__':",
      '    never = mp.Event()',
      "    print('blocking', flush=True)",
      '    never.wait()',
      '',
    ].join('\n'),
  );
  const run = startRun({ snippet, timeoutMs: 20_000, deadlockStallMs: 400 });
  for (let i = 0; i < 500 && !run.deadlock; i++) await delay(20);
  const d = run.deadlock;
  await run.stop();
  assert.ok(d, 'stall reported');
  assert.equal(d.kind, 'stall');
  assert.match(d.sentence, /^every live process has been blocked for [\d.]+ m?s: process \d+ waits for event never$/);
  assert.match(d.steps[0].loc, /stall\.py:5:\d+$/);
  assert.equal((await run.done).reason, 'stopped');
});
