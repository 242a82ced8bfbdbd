import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criticalPath } from '../../common/analysis/criticalPath';
import { efficiency } from '../../common/analysis/efficiency';
import { lint } from '../../common/analysis/lints';
import { editorHints } from '../../common/analysis/hints';
import { Cat, ObjType, Role, TraceBuilder, ms, stairStep } from './analysis-trace';

test('efficiency: speed-up, efficiency, and the stair-step and serial fraction named with their numbers', () => {
  const { store, facts } = stairStep();
  const e = efficiency(store, { cores: 2 }, facts);
  assert.equal(e.wall, ms(110));
  assert.equal(e.workers, 2);
  assert.equal(e.busy, ms(110));
  assert.equal(e.speedup, 1);
  assert.equal(e.efficiency, 0.5);
  assert.deepEqual(
    e.limiters.map((l) => l.id),
    ['uneven-chunks', 'serial-fraction'],
  );
  assert.equal(
    e.limiters[0].evidence,
    'In pool Pool-1, worker 43 was busy until 100 ms while worker 42 finished at 30 ms; the workers sat idle 39% of the 90 ms the tasks took (tasks 10 ms–80 ms, chunks of 1).',
  );
  assert.equal(
    e.limiters[1].evidence,
    'For 20 ms of the 110 ms run (18%) no worker was busy; with that serial part the speed-up on 2 workers can be at most 1.7×.',
  );
  assert.equal(e.summary, 'speed-up 1.0× on 2 workers (efficiency 50%); limited by uneven chunks, serial fraction');
});

test('a run of one process, or with too little work, says so instead of a speed-up near zero', () => {
  const one = new TraceBuilder().proc(10, 0, 200, { role: Role.Root }).build();
  const alone = efficiency(one.store, { cores: 2 }, one.facts);
  assert.equal(alone.summary, 'nothing ran in parallel (one process, no threads)');
  assert.deepEqual(alone.limiters, []);

  // Two threads computing side by side: in Node they are two workers; under Python's GIL they take turns.
  const twoThreads = (runtime: 'node' | 'python'): ReturnType<TraceBuilder['build']> =>
    new TraceBuilder()
      .run(runtime)
      .proc(11, 0, 100, { role: Role.Root })
      .span(11, Cat.Run, 10, 90, { name: 'Thread-1' }, 501)
      .span(11, Cat.Run, 10, 90, { name: 'Thread-2' }, 502)
      .build();
  const node = twoThreads('node');
  assert.equal(efficiency(node.store, { cores: 4 }, node.facts).summary, 'speed-up 1.8× on 2 workers (efficiency 90%)');
  // Python threads without CPU samples (another platform, another tool's trace) are left out.
  const py = twoThreads('python');
  assert.equal(
    efficiency(py.store, { cores: 4 }, py.facts).summary,
    'nothing ran in parallel (one process; its threads take turns holding the GIL)',
  );
  // With samples: two threads computing under the GIL each get half a core (busy 80 of 160 ms);
  // two threads sleeping on I/O overlap (160 ms).
  const sampled = (work: 'cpu' | 'io'): ReturnType<TraceBuilder['build']> => {
    const b = new TraceBuilder().run('python').proc(11, 0, 100, { role: Role.Root });
    for (const tid of [501, 502]) {
      b.span(11, Cat.Run, 10, 90, { name: `Thread-${tid}` }, tid);
      if (work === 'io') b.span(11, Cat.Sleep, 10, 90, {}, tid).samples(11, tid, 10, 90, 0);
      else b.samples(11, tid, 10, 90, 0.5);
    }
    return b.build();
  };
  const gil = sampled('cpu');
  assert.equal(
    efficiency(gil.store, { cores: 4 }, gil.facts).summary,
    'speed-up 0.8× on 2 workers (efficiency 40%); limited by serial fraction',
  );
  const io = sampled('io');
  assert.equal(
    efficiency(io.store, { cores: 4 }, io.facts).summary,
    'speed-up 1.6× on 2 workers (efficiency 80%); limited by serial fraction',
  );

  const P = 'pool:20:1';
  const b = new TraceBuilder()
    .proc(20, 0, 250, { role: Role.Root })
    .proc(21, 5, 240, { ppid: 20, role: Role.PoolWorker })
    .proc(22, 5, 240, { ppid: 20, role: Role.PoolWorker })
    .obj(20, P, ObjType.Pool, 'Pool-1', 'a.ts:5:16', 2);
  for (let i = 0; i < 10; i++) b.task(P, i + 1, 20, 21 + (i % 2), 100, 100 + i * 0.2, 100.1 + i * 0.2, 103);
  const tiny = b.build();
  const e = efficiency(tiny.store, { cores: 2 }, tiny.facts);
  assert.equal(e.summary, 'too little work to measure a speed-up (the 2 workers were busy 1 ms in a 250 ms run)');
  assert.deepEqual(e.limiters, []);

  const child = new TraceBuilder()
    .proc(30, 0, 300, { role: Role.Root })
    .proc(31, 10, 160, { ppid: 30, role: Role.Process })
    .span(30, Cat.WaitJoin, 10, 160, { detail: 'pid 31' })
    .build();
  assert.equal(
    efficiency(child.store, { cores: 2 }, child.facts).summary,
    'one worker, busy 50% of the 300 ms run (a speed-up needs two or more)',
  );
});

test('more busy workers than cores is named when the run has fewer cores than running processes', () => {
  const { store, facts } = new TraceBuilder()
    .proc(41, 0, 210, { role: Role.Root })
    .proc(42, 1, 204, { ppid: 41, role: Role.PoolWorker })
    .proc(43, 1, 205, { ppid: 41, role: Role.PoolWorker })
    .obj(41, 'pool:41:1', ObjType.Pool, 'Pool-1', 'even.py:8:10', 2)
    .task('pool:41:1', 1, 41, 42, 10, 10, 110, 110)
    .task('pool:41:1', 2, 41, 43, 10, 10, 110, 110)
    .span(41, Cat.WaitResult, 10, 110, { name: 'map', loc: 'even.py:9:5' })
    .span(41, Cat.WaitJoin, 110, 205, { obj: 'pool:41:1', name: 'join' })
    .build();
  const e = efficiency(store, { cores: 1 }, facts);
  const over = e.limiters.find((l) => l.id === 'oversubscription')!;
  assert.equal(e.peakBusy, 2);
  assert.equal(
    over.evidence,
    'Up to 2 processes were running at once on 1 core, for 100 ms (48% of the run); the extra ones only take turns.',
  );
  assert.deepEqual(
    lint(store, { cores: 1 }, facts).map((l) => l.id),
    ['oversubscription'],
  );
});

test('a short overlap of busy workers (20 ms, as processes booting at once) is not named', () => {
  const { store, facts } = stairStep();
  const e = efficiency(store, { cores: 1 }, facts);
  assert.equal(e.peakBusy, 2);
  assert.equal(
    e.limiters.find((l) => l.id === 'oversubscription'),
    undefined,
  );
  assert.deepEqual(
    lint(store, { cores: 1 }, facts).map((l) => l.id),
    ['uneven-chunks'],
  );
});

test('critical path: root start, the long task on worker 43 via its submit, its result; the pool join is shutdown', () => {
  const { store } = stairStep();
  const cp = criticalPath(store);
  const pidOf = (lane: number) => store.lanes()[lane].pid;
  assert.deepEqual(
    cp.segments.map((s) => [s.pid, s.from / 1e6, s.to / 1e6, s.kind]),
    [
      [41, 0, 10, 'running'],
      [43, 10, 20, 'running'],
      [43, 20, 100, 'running'],
      [41, 100, 105, 'waiting'],
      [41, 105, 110, 'running'],
    ],
  );
  assert.deepEqual(
    cp.edges.map((e) => [pidOf(e.fromLane), pidOf(e.toLane), e.t / 1e6, e.via]),
    [
      [41, 43, 10, 'submit'],
      [43, 41, 100, 'task'],
    ],
  );
  assert.equal(cp.summary, 'critical path 110 ms: process 43 90 ms (82%), process 41 20 ms (18%, 5 ms of it waiting)');
});

test('critical path follows lock hand-offs through a convoy', () => {
  const A = 'lock:41:9';
  const { store } = new TraceBuilder()
    .proc(41, 0, 200, { role: Role.Root })
    .proc(42, 0, 120, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A')
    .hold(42, A, 0, 100)
    .contended(41, A, 10, 100, 150, '', 42)
    .span(41, Cat.WaitJoin, 150, 160, { obj: 'proc:42' })
    .build();
  const cp = criticalPath(store);
  const pidOf = (lane: number) => store.lanes()[lane].pid;
  assert.deepEqual(
    cp.edges.map((e) => [pidOf(e.fromLane), pidOf(e.toLane), e.via]),
    [[42, 41, 'lock']],
  );
  // The join ended at 160 but 42 exited at 120: the exit is too early to have released it, so that
  // wait stays on the root as waiting.
  assert.deepEqual(
    cp.segments.map((s) => [s.pid, s.from / 1e6, s.to / 1e6, s.kind]),
    [
      [42, 0, 100, 'running'],
      [41, 100, 150, 'running'],
      [41, 150, 160, 'waiting'],
      [41, 160, 200, 'running'],
    ],
  );
});

test('editor hints for the line that submitted pool tasks: count and task latency, worst task linked', () => {
  const { store } = stairStep();
  const [h] = editorHints(store).filter((x) => x.what === 'pool');
  assert.equal(h.loc, 'snippet.py:9:5');
  assert.equal(h.name, 'Pool-1');
  assert.equal(h.label, '4× · task latency p50 10 ms · p95 90 ms');
  assert.equal(store.lanes()[h.worst!.lane].pid, 43);
  assert.deepEqual([h.worst!.start, h.worst!.end], [ms(20), ms(100)]);
});

test('lock serialisation and queue starvation are named with their evidence', () => {
  const L = 'lock:41:7';
  const Q = 'queue:41:8';
  const b = new TraceBuilder()
    .proc(41, 0, 400, { role: Role.Root })
    .proc(42, 0, 400, { ppid: 41 })
    .proc(43, 0, 400, { ppid: 41 })
    .proc(44, 0, 400, { ppid: 41 })
    .obj(41, L, ObjType.Lock, 'big', 'ser.py:4:5')
    .obj(41, Q, ObjType.Queue, 'jobs', 'ser.py:5:5');
  // 42 and 43 take turns on the lock for the whole run; 44 mostly waits for items.
  for (let t = 0; t < 400; t += 100) {
    b.hold(42, L, t, t + 50, 'ser.py:10:9').contended(43, L, t, t + 50, t + 100, 'ser.py:10:9', 42);
  }
  b.span(44, Cat.WaitQueueGet, 0, 300, { obj: Q, loc: 'ser.py:20:9' });
  const { store } = b.build();
  const e = efficiency(store, { cores: 4 });
  const lock = e.limiters.find((l) => l.id === 'lock-serialisation')!;
  assert.equal(
    lock.evidence,
    'Workers spent 200 ms (17% of their time) waiting for locks, most for lock big (4 waits, longest 50 ms, 1 waiting at once, taken at ser.py:10:9); the work under it runs one process at a time.',
  );
  const starve = e.limiters.find((l) => l.id === 'queue-starvation')!;
  assert.equal(
    starve.evidence,
    'process 44 waited 300 ms (75% of its life) for items from queue jobs: the producers do not keep up.',
  );
});
