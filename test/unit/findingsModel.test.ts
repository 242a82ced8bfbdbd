import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlockDetector } from '../../common/analysis/deadlock';
import { LOCK_ORDER_EXPLANATION } from '../../common/analysis/lockOrder';
import { findingsOf, hasFindings, locsOf, mergeSegments } from '../../webview/findingsModel';
import { Cat, ObjType, Role, TraceBuilder, ms, stairStep } from './analysis-trace';

const Q = 'queue:41:1';
const A = 'lock:41:1';
const B = 'lock:41:2';

test('efficiency and limiters in the command line\u2019s words; a limiter that is also a lint carries its explanation and sample', () => {
  const { store } = stairStep();
  const f = findingsOf(store, { cores: 2, inversions: [] });
  assert.equal(f.efficiency, 'speed-up 1.0× on 2 workers (efficiency 50%); limited by uneven chunks, serial fraction');
  assert.equal(f.speedup, 1);
  assert.equal(f.workers, 2);
  assert.deepEqual(
    f.limiters.map((l) => [l.title, l.text]),
    [
      [
        'Uneven chunks',
        'In pool Pool-1, worker 43 was busy until 100 ms while worker 42 finished at 30 ms; the workers sat idle 39% of the 90 ms the tasks took (tasks 10 ms–80 ms, chunks of 1).',
      ],
      [
        'Serial fraction',
        'For 20 ms of the 110 ms run (18%) no worker was busy; with that serial part the speed-up on 2 workers can be at most 1.7×.',
      ],
    ],
  );
  const uneven = f.limiters[0];
  assert.match(uneven.explanation, /^Tasks of very different lengths/);
  // No RunStart in the built trace: the runtime is taken as Node's.
  assert.equal(uneven.sample, 'samples/node/09_pool_methods.ts');
  assert.deepEqual(uneven.locs, ['snippet.py:9:5']);
  assert.equal(f.limiters[1].sample, '');
  // The uneven-chunks lint is the limiter: not listed twice.
  assert.deepEqual(f.lints, []);
  assert.equal(hasFindings(f), true);
});

test('the critical path: length against wall time, the stretches per process, the longest ones, boxes for the chart', () => {
  const { store } = stairStep();
  const f = findingsOf(store, { cores: 2, inversions: [] });
  assert.equal(f.criticalHeadline, 'Critical path 110 ms of the 110 ms wall time (100%)');
  assert.equal(f.criticalByLane, 'process 43 90 ms (82%), process 41 20 ms (18%, 5 ms of it waiting)');
  // 43's two stretches (10–20 ms, 20–100 ms) are one.
  assert.deepEqual(f.criticalSegments, [
    'process 41 running 0 – 10 ms (10 ms)',
    'process 43 running 10 ms – 100 ms (90 ms)',
    'process 41 waiting 100 ms – 105 ms (5 ms)',
    'process 41 running 105 ms – 110 ms (5 ms)',
  ]);
  const lane = (pid: number) => store.lanes().find((l) => l.pid === pid)?.id;
  // One box per unbroken stretch on a lane, waiting or not.
  assert.deepEqual(f.criticalBoxes, [
    { lane: lane(41), start: 0, end: ms(10) },
    { lane: lane(43), start: ms(10), end: ms(100) },
    { lane: lane(41), start: ms(100), end: ms(110) },
  ]);
});

test('a lint with its title, message, source line and the sample that shows the fix', () => {
  const { store } = new TraceBuilder()
    .proc(41, 0, 100, { role: Role.Root })
    .proc(42, 1, undefined, { ppid: 41 })
    .obj(41, Q, ObjType.Queue, 'results', 'jbd.py:5:9')
    .put(42, Q, 10, 1)
    .put(42, Q, 20, 2)
    .span(41, Cat.WaitJoin, 50, undefined, { obj: 'proc:42', name: 'join', loc: 'jbd.py:12:5' })
    .build();
  const f = findingsOf(store, { cores: 4, inversions: [] });
  const jbd = f.lints.find((l) => l.key.startsWith('lint:join-before-drain'));
  assert.ok(jbd, JSON.stringify(f.lints));
  assert.equal(jbd.severity, 'error');
  assert.equal(jbd.title, 'Joined before the queue was drained');
  assert.equal(
    jbd.text,
    'process 41 joined process 42 at jbd.py:12:5 while queue results still held 2 items it had put; the join never returned; 2 were never taken',
  );
  assert.deepEqual(jbd.locs, ['jbd.py:12:5']);
  assert.equal(jbd.sample, 'samples/node/05_queue_producer_consumer.ts');
  assert.match(jbd.explanation, /Get every item/);
});

test('a lock-order inversion is listed with both orders and the four source lines', () => {
  const b = new TraceBuilder()
    .proc(41, 0, 100, { role: Role.Root })
    .proc(42, 0, 100, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A', 'inv.py:3:5')
    .obj(41, B, ObjType.Lock, 'B', 'inv.py:4:5')
    .hold(41, A, 10, 30, 'inv.py:5:5')
    .hold(41, B, 12, 20, 'inv.py:6:9')
    .hold(42, B, 50, 70, 'inv.py:12:5')
    .hold(42, A, 55, 60, 'inv.py:13:9');
  const det = new DeadlockDetector();
  for (const e of b.sorted()) det.add(e);
  const { store } = b.build();
  const f = findingsOf(store, { cores: 4, inversions: det.inversions() });
  assert.equal(f.inversions.length, 1);
  const [inv] = f.inversions;
  assert.equal(inv.title, 'Lock-order inversion');
  assert.equal(
    inv.text,
    'process 41 took lock A (inv.py:5:5) then lock B (inv.py:6:9); process 42 took B (inv.py:12:5) then A (inv.py:13:9)',
  );
  assert.deepEqual(inv.locs, ['inv.py:5:5', 'inv.py:6:9', 'inv.py:12:5', 'inv.py:13:9']);
  assert.equal(inv.explanation, LOCK_ORDER_EXPLANATION);
  assert.equal(hasFindings(f), true);
});

test('a run with nothing to report has no findings', () => {
  // The root waits for its one child, which runs: one process busy at a time, even on one core.
  const { store } = new TraceBuilder()
    .proc(41, 0, 101, { role: Role.Root })
    .proc(42, 0, 100, { ppid: 41 })
    .span(41, Cat.WaitJoin, 0, 100, { obj: 'proc:42', name: 'join' })
    .span(42, Cat.Run, 0, 100)
    .build();
  const f = findingsOf(store, { cores: 1, inversions: [] });
  assert.equal(hasFindings(f), false, JSON.stringify(f));
  assert.equal(f.efficiency, 'one worker, busy 99% of the 101 ms run (a speed-up needs two or more)');
});

test('source lines are found in a message after the main one, without repeats; stretches on one lane merge', () => {
  assert.deepEqual(locsOf('a.py:3:5', 'held at a.py:3:5 across a sleep (b.py:9:1); see /x/c.ts:1:2.'), [
    'a.py:3:5',
    'b.py:9:1',
    '/x/c.ts:1:2',
  ]);
  assert.deepEqual(locsOf('', 'no lines here: 3 of 4'), []);
  const spaced = '/Users/ann/My Projects/a.py:3:5';
  assert.deepEqual(locsOf(spaced, `lock L is held across a sleep at ${spaced} (2 times)`), [spaced]);
  const seg = (lane: number, from: number, to: number, kind: 'running' | 'waiting' = 'running') => ({
    lane,
    pid: lane,
    tid: 0,
    from,
    to,
    kind,
  });
  assert.deepEqual(mergeSegments([seg(1, 0, 5), seg(1, 5, 9), seg(1, 9, 12, 'waiting'), seg(2, 12, 20)]), [
    seg(1, 0, 9),
    seg(1, 9, 12, 'waiting'),
    seg(2, 12, 20),
  ]);
});
