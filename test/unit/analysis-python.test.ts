/**
 * The analyses on real Python programs run through the engine and the Python hook: a two-lock
 * deadlock caught live, a lock-order inversion that did not deadlock, a convoy, a lost update on a
 * Value, a join before drain. Answers are asserted in the words the panel shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentionTable } from '../../common/analysis/contention';
import { DeadlockDetector, type DeadlockReport } from '../../common/analysis/deadlock';
import { lint } from '../../common/analysis/lints';
import { Kind, type TraceEvent } from '../../common/schema';
import { CONVOY_PY } from '../analysisSnippets';
import { runPython, sample } from '../python/harness';

const dir = mkdtempSync(join(tmpdir(), 'cl-analysis-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function program(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body.trimStart());
  return file;
}

/** Pid of the process the program named `name`. */
function pidOf(events: TraceEvent[], name: string): number {
  const e = events.find((x) => x.kind === Kind.ProcStart && x.name === name);
  assert.ok(e, `no process named ${name}`);
  return e.pid;
}

const TAKE = `
from multiprocessing import Barrier, Lock, Process


def take(first, second, both=None):
    with first:
        if both:
            both.wait()
        with second:
            pass
`;

test('python: a two-lock deadlock is caught live, named in words, and the run stopped', async () => {
  const file = program(
    'deadlock.py',
    `${TAKE}

if __name__ == '__main__':
    a = Lock()
    b = Lock()
    both = Barrier(2)
    p = Process(target=take, args=(a, b, both), name='P')
    q = Process(target=take, args=(b, a, both), name='Q')
    p.start()
    q.start()
    p.join()
    q.join()
`,
  );
  const det = new DeadlockDetector();
  let fed = 0;
  let report: DeadlockReport | undefined;
  const run = await runPython(file, {
    timeoutMs: 20_000,
    stopWhen: (events) => {
      for (; fed < events.length; fed++) report ??= det.add(events[fed]) ?? undefined;
      return report !== undefined;
    },
  });
  assert.equal(run.reason, 'stopped', 'stopped by the detector, not by the time limit');
  assert.ok(report);
  assert.equal(report.kind, 'cycle');
  const p = pidOf(run.events, 'P');
  const q = pidOf(run.events, 'Q');
  assert.ok(
    [
      `process ${p} holds lock a and waits for lock b; process ${q} holds b and waits for a`,
      `process ${q} holds lock b and waits for lock a; process ${p} holds a and waits for b`,
    ].includes(report.sentence),
    report.sentence,
  );
  assert.match(report.steps[0].loc, /deadlock\.py:8:\d+$/);
});

test('python: a lock-order inversion that did not deadlock is a warning with both orders and lines', async () => {
  const file = program(
    'inversion.py',
    `${TAKE}

if __name__ == '__main__':
    a = Lock()
    b = Lock()
    p = Process(target=take, args=(a, b), name='P')
    p.start()
    p.join()
    q = Process(target=take, args=(b, a), name='Q')
    q.start()
    q.join()
`,
  );
  const run = await runPython(file, { timeoutMs: 20_000 });
  assert.equal(run.code, 0);
  const det = new DeadlockDetector();
  for (const e of run.events) assert.equal(det.add(e), null);
  const [inv, ...more] = det.inversions();
  assert.deepEqual(more, []);
  const p = pidOf(run.events, 'P');
  const q = pidOf(run.events, 'Q');
  assert.match(
    inv.sentence,
    new RegExp(
      `^process ${p} took lock a \\(.*inversion\\.py:5:\\d+\\) then lock b \\(.*inversion\\.py:8:\\d+\\); ` +
        `process ${q} took b \\(.*inversion\\.py:5:\\d+\\) then a \\(.*inversion\\.py:8:\\d+\\)$`,
    ),
  );
});

test('python: a convoy on one lock, and the lock held across a sleep', async () => {
  const file = program('convoy.py', CONVOY_PY);
  const run = await runPython(file, { timeoutMs: 20_000 });
  assert.equal(run.code, 0);
  const row = contentionTable(run.store).find((r) => r.name === 'counter_lock');
  assert.ok(row);
  assert.equal(row.typeWord, 'lock');
  assert.equal(row.acquisitions, 12);
  assert.equal(row.hold.count, 12);
  assert.ok(row.hold.p50 >= 50e6, `hold p50 ${row.hold.p50}`);
  assert.ok(row.waited >= 6, `waited ${row.waited}`);
  assert.ok(row.convoy >= 2, `convoy ${row.convoy}`);
  assert.equal(row.pids.length, 4);
  assert.match(row.sites[0].loc, /convoy\.py:9:\d+$/);
  const held = lint(run.store, { cores: 2 }).filter((l) => l.id === 'lock-held-across-wait');
  assert.equal(held.length, 1);
  assert.match(
    held[0].message,
    /^lock counter_lock is held across a sleep at .*convoy\.py:10:\d+ \(12 times, [\d.]+ m?s in total\); processes waited .+ in total for it$/,
  );
});

test('python: a print while holding a lock is I/O under the lock, placed by the time and thread of the write', async () => {
  const file = program(
    'printlock.py',
    `
import time
from multiprocessing import Lock, Process


def work(lock, n):
    for i in range(3):
        with lock:
            print(f"worker {n} step {i}")
            time.sleep(0.002)
        time.sleep(0.01)
        print(f"worker {n} outside {i}")


if __name__ == '__main__':
    lock = Lock()
    ps = [Process(target=work, args=(lock, n)) for n in range(2)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
`,
  );
  const run = await runPython(file, { timeoutMs: 20_000 });
  assert.equal(run.code, 0);
  const printed = lint(run.store, { cores: 2 }).filter(
    (l) => l.id === 'lock-held-across-wait' && l.message.includes('output'),
  );
  assert.equal(printed.length, 1);
  // Only the prints inside \`with lock:\`, one per hold; the hold's own line is named.
  assert.match(
    printed[0].message,
    /^lock lock is held while writing output: "worker [01] step 0" to stdout and 5 more lines inside the hold taken at .*printlock\.py:7:\d+ \(6 times\)(; processes waited .+ in total for it)?$/,
  );
  assert.match(printed[0].loc, /printlock\.py:7:\d+$/);
  // The lines themselves still reach the output, each once, with the thread that wrote them.
  const lines = run.store.output().filter((o) => o.text.startsWith('worker'));
  assert.equal(lines.length, 12);
  assert.ok(lines.every((o) => o.tid === 0));
});

test('python: Value += without its lock loses updates, and the lint shows one that happened', async () => {
  const file = program(
    'lost.py',
    `
from multiprocessing import Event, Process, Queue, Value


def bump(v, ready, go):
    ready.put(1)
    go.wait()
    for _ in range(20000):
        v.value += 1


if __name__ == '__main__':
    counter = Value('i', 0)
    ready = Queue()
    go = Event()
    ps = [Process(target=bump, args=(counter, ready, go)) for _ in range(4)]
    for p in ps:
        p.start()
    for p in ps:
        ready.get()
    go.set()
    for p in ps:
        p.join()
    print(counter.value)
`,
  );
  const run = await runPython(file, { timeoutMs: 30_000 });
  assert.equal(run.code, 0);
  const final = Number(run.lines.find((l) => l.stream === 'stdout')?.text);
  assert.ok(final < 80000, `the race lost updates (final ${final})`);
  const [l, ...more] = lint(run.store, { cores: 2 }).filter((x) => x.id === 'value-lost-update');
  assert.deepEqual(more, []);
  assert.ok(l, 'lost update reported');
  assert.match(
    l.message,
    /^value counter: 4 processes wrote it \d+ times without holding its lock around the update; \d+ writes? did not advance it/,
  );
  assert.match(l.loc, /lost\.py:12:\d+$/);
});

const PRODUCE = `
import time
from multiprocessing import Process, Queue


def produce(q, size):
    for i in range(3):
        q.put('x' * size)
    time.sleep(0.5)
`;

test('python: joining a producer before draining its queue is reported with the item count', async () => {
  const file = program(
    'drain.py',
    `${PRODUCE}

if __name__ == '__main__':
    q = Queue()
    p = Process(target=produce, args=(q, 10), name='producer')
    p.start()
    time.sleep(0.2)
    p.join()
    for _ in range(3):
        q.get()
`,
  );
  const run = await runPython(file, { timeoutMs: 20_000 });
  assert.equal(run.code, 0);
  const found = lint(run.store, { cores: 2 }).filter((x) => x.id === 'join-before-drain');
  const producer = pidOf(run.events, 'producer');
  assert.deepEqual(
    found.map((f) => [f.severity, f.message.replace(/ at \S+drain\.py:(\d+):\d+/, ' at drain.py:$1')]),
    [
      [
        'warning',
        `process ${run.rootPid} joined process ${producer} at drain.py:16 while queue q still held 3 items it had put; 3 were taken only after the join returned`,
      ],
    ],
  );
});

test('python: the classic join deadlock (items too big for the pipe) is an error: the join never returned', async () => {
  const file = program(
    'hang.py',
    `${PRODUCE}

if __name__ == '__main__':
    q = Queue()
    p = Process(target=produce, args=(q, 1 << 20), name='producer')
    p.start()
    p.join()
    for _ in range(3):
        q.get()
`,
  );
  const run = await runPython(file, { timeoutMs: 2500 });
  assert.equal(run.reason, 'timeout');
  const found = lint(run.store, { cores: 2 }).filter((x) => x.id === 'join-before-drain');
  const producer = pidOf(run.events, 'producer');
  assert.deepEqual(
    found.map((f) => [f.severity, f.message.replace(/ at \S+hang\.py:(\d+):\d+/, ' at hang.py:$1')]),
    [
      [
        'error',
        `process ${run.rootPid} joined process ${producer} at hang.py:15 while queue q still held 3 items it had put; the join never returned; 3 were never taken`,
      ],
    ],
  );
});

test('python: the samples the lints link to do not trigger those lints', async () => {
  for (const name of ['05_queue_producer_consumer', '07_lock_counter', '09_pool_methods']) {
    const run = await runPython(sample(`${name}.py`), { timeoutMs: 30_000 });
    assert.equal(run.code, 0, name);
    const ids = lint(run.store, { cores: 2 }).map((l) => l.id);
    for (const id of ['join-before-drain', 'pool-not-joined', 'value-lost-update', 'lock-held-across-wait'] as const)
      assert.ok(!ids.includes(id), `${name}: ${id}`);
  }
});
