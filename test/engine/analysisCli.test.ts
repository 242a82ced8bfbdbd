/**
 * The analyses under the run summary, as `concurrency-lens run` prints them, on real snippets whose
 * answer is known: a lock convoy (Python: the contention rows, `--verbose`; Node: the same in `--json`), a join
 * before the queue was drained (the lint, its explanation and the sample with the fix), and a
 * lock-order inversion that did not deadlock.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonReport } from '../../engine/cli/jsonReport';
import { CONVOY_PY, CONVOY_TS } from '../analysisSnippets';
import { runCli, snippetFile } from './helpers';

/** stderr with the wrapped headlines of warnings joined back (their continuation lines are indented by 8). */
const unwrapped = (err: string): string => err.replace(/\n {8}(?=\S)/g, ' ');

test('python: a convoy on one lock shows as its contention row, with the waits', async () => {
  const snippet = snippetFile('convoy.py', CONVOY_PY);
  const r = await runCli(['run', snippet, '--cores', '2', '--verbose']);
  assert.equal(r.code, 0, r.err);
  const lines = r.err.split('\n');
  const header = lines.findIndex((l) =>
    /^ {4}object +acq +waited +wait total +p50 +p95 +max +hold total +p50 +p95 +max +convoy +processes +lines$/.test(l),
  );
  assert.ok(header > 0, r.err);
  assert.match(lines[header - 1], /^ {2}contention \(lock and queue waits.*\):$/);
  const row = lines.slice(header + 1).find((l) => l.startsWith('    lock counter_lock '));
  assert.ok(row, r.err);
  const [object, acq, waited, waitTotal, , , waitMax, , holdP50, , , convoy, processes, sites] = row
    .trim()
    .split(/ {2,}/);
  assert.equal(row.indexOf(` ${processes} `), lines[header].indexOf(' processes '), 'columns are aligned');
  assert.equal(row.indexOf(` ${acq} `) + acq.length, lines[header].indexOf(' acq ') + 3, 'numbers are right-aligned');
  assert.equal(object, 'lock counter_lock');
  assert.equal(acq, '12');
  assert.ok(+waited.replace('%', '') >= 50, `${waited} of the acquisitions waited`);
  assert.match(waitTotal, /^[\d.]+ m?s$/);
  assert.match(waitMax, /^[\d.]+ ms$/);
  const holdMs = parseFloat(holdP50);
  assert.ok(holdP50.endsWith(' ms') && holdMs >= 50, `hold p50 ${holdP50}`);
  assert.ok(+convoy >= 2, `convoy ${convoy}`);
  assert.equal(processes.split(',').length, 4, processes);
  assert.match(sites, /^convoy\.py:9\b/);
  // --verbose lists the queue the workers reported ready on too, whether or not a get waited.
  assert.ok(
    lines.slice(header + 1).some((l) => /^ {4}queue ready +4 /.test(l)),
    r.err,
  );
  // The queue the workers reported ready on had no waits worth a row unless its get waited; the lint names the sleep.
  assert.match(
    unwrapped(r.err),
    /warning \[lock-held-across-wait\] lock counter_lock is held across a sleep at \S+convoy\.py:10:\d+ \(12 times/,
  );
  assert.match(r.err, /parallel efficiency: speed-up [\d.]+× on 4 workers/);
});

test('node: --json prints the summary and analyses for scripts; the snippet output goes to stderr', async () => {
  const snippet = snippetFile('convoy.ts', CONVOY_TS);
  const r = await runCli(['run', snippet, '--json', '--cores', '2']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /\[pid \d+\] done\n/);
  const report = JSON.parse(r.out) as JsonReport;
  assert.equal(report.exitCode, 0);
  assert.equal(report.result.reason, 'exit');
  assert.equal(report.summary?.processes, 4);
  assert.equal(report.summary?.cores, 2);
  assert.deepEqual(report.deadlocks, []);
  const row = report.contention?.find((x) => x.name === 'counter_lock');
  assert.ok(row, r.out);
  assert.equal(row.acquisitions, 9);
  assert.equal(row.pids.length, 3);
  assert.ok(row.waited >= 1 && row.wait.total > 0, `waited ${row.waited}`);
  assert.ok(row.hold.p50 >= 40e6, `hold p50 ${row.hold.p50}`);
  assert.equal(report.efficiency?.workers, 3);
  assert.ok(report.lints?.some((l) => l.id === 'lock-held-across-wait'));
});

test('python: joining a producer before draining its queue prints the lint, why, and the sample with the fix', async () => {
  const snippet = snippetFile(
    'drain.py',
    `import time
from multiprocessing import Process, Queue


def produce(q):
    for i in range(3):
        q.put(i)
    time.sleep(0.3)


if __name__ == '__main__':
    q = Queue()
    p = Process(target=produce, args=(q,), name='producer')
    p.start()
    time.sleep(0.1)
    p.join()
    for _ in range(3):
        q.get()
    print('producer', p.pid)
`,
  );
  const r = await runCli(['run', snippet]);
  assert.equal(r.code, 0, r.err);
  const root = /\[pid (\d+)\] producer (\d+)\n/.exec(r.out);
  assert.ok(root, r.out);
  const text = unwrapped(r.err);
  assert.ok(
    text.includes(
      `  warning [join-before-drain] process ${root[1]} joined process ${root[2]} at ${snippet}:16:5 while queue q still held 3 items it had put; 3 were taken only after the join returned\n`,
    ),
    r.err,
  );
  assert.match(text, /\n {6}A process that put items on a queue does not finish until they have been taken out/);
  assert.match(text, /\n {6}fix: see samples\/python\/05_queue_producer_consumer\.py\n/);
});

test('node: the same join before drain prints the lint with the Node sample', async () => {
  const snippet = snippetFile(
    'drain.ts',
    `import { Process, Queue, main, sleep } from 'concurrency-lens';
export async function produce(q: Queue) {
  for (let i = 0; i < 3; i++) await q.put(i);
  sleep(300);
}
main(async () => {
  const q = new Queue();
  const p = new Process({ target: produce, args: [q] });
  p.start();
  await p.join();
  for (let i = 0; i < 3; i++) await q.get();
  console.log('producer ' + p.pid);
});
`,
  );
  const r = await runCli(['run', snippet]);
  assert.equal(r.code, 0, r.err);
  const root = /\[pid (\d+)\] producer (\d+)\n/.exec(r.out);
  assert.ok(root, r.out);
  assert.match(
    unwrapped(r.err),
    new RegExp(
      `\\n {2}warning \\[join-before-drain\\] process ${root[1]} joined process ${root[2]} at \\S+drain\\.ts:10:\\d+ while queue \\S+ still held 3 items it had put; 3 were taken only after the join returned\\n`,
    ),
  );
  assert.match(r.err, /\n {6}fix: see samples\/node\/05_queue_producer_consumer\.ts\n/);
});

test('python: a lock-order inversion that did not deadlock is a warning with both orders and lines', async () => {
  const snippet = snippetFile(
    'inversion.py',
    `from multiprocessing import Lock, Process


def take(first, second):
    with first:
        with second:
            pass


if __name__ == '__main__':
    a = Lock()
    b = Lock()
    for first, second in [(a, b), (b, a)]:
        p = Process(target=take, args=(first, second))
        p.start()
        p.join()
        print('took', p.pid)
`,
  );
  const r = await runCli(['run', snippet]);
  assert.equal(r.code, 0, r.err);
  const [p, q] = [...r.out.matchAll(/took (\d+)\n/g)].map((m) => m[1]);
  const at = (line: number): string => `\\(${snippet.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}:\\d+\\)`;
  assert.match(
    unwrapped(r.err),
    new RegExp(
      `warning \\[lock-order\\] process ${p} took lock a ${at(5)} then lock b ${at(6)}; process ${q} took b ${at(5)} then a ${at(6)}\\n`,
    ),
  );
  assert.match(r.err, /\n {6}These locks were taken in both orders\. It did not deadlock this time/);
  assert.doesNotMatch(r.err, /!! Deadlock/);
  assert.match(
    r.err,
    /\n {2}contention: no process waited for any of its 2 locks and queues \(--verbose lists them\)\n/,
  );
});
