import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cat, Kind, Role, Status } from '../../common/schema';
import { RecordEncoder } from '../../common/wire';
import { TraceStore, forEachSpanIn, type TraceView } from '../../common/store';

const T0 = 5e12; // a realistic monotonic ns value

/** Writes records for one connection; times are given relative to T0. */
function conn(): {
  enc: RecordEncoder;
  at: (kind: number, t: number, pid: number, tid: number, f: (number | string)[]) => void;
} {
  const enc = new RecordEncoder();
  return { enc, at: (kind, t, pid, tid, f) => enc.add(kind, T0 + t, pid, tid, f) };
}

function spanList(s: TraceStore, lane: number): { start: number; end: number; name: string; depth: number }[] {
  const c = s.spans(lane);
  return Array.from({ length: c.count }, (_, i) => ({
    start: c.start[i],
    end: c.end[i],
    name: s.str(c.name[i]),
    depth: c.depth[i],
  }));
}

test('lanes, nested spans and spanRange at the boundaries', () => {
  const { enc, at } = conn();
  at(Kind.ProcStart, 0, 100, 0, [1, 'MainProcess', Role.Root]);
  at(Kind.Begin, 10, 100, 0, [1, Cat.Run, 'main', '', '', 'a.ts:1:1']);
  for (let i = 0; i < 200; i++) {
    at(Kind.Begin, 20 + i * 10, 100, 0, [2 + i, Cat.Sleep, `s${i}`, '', '', '']);
    at(Kind.End, 25 + i * 10, 100, 0, [2 + i, Status.Ok]);
  }
  at(Kind.End, 5000, 100, 0, [1, Status.Ok]);
  const s = new TraceStore();
  s.ingest({ conn: 1, bytes: enc.take() });
  assert.equal(s.origin, T0);
  assert.equal(s.lanes().length, 1);
  assert.equal(s.lanes()[0].name, 'MainProcess');
  const spans = spanList(s, 0);
  assert.equal(spans.length, 201);
  // The outer span ended last but sorts first, at depth 0; the sleeps sit at depth 1.
  assert.deepEqual(spans[0], { start: 10, end: 5000, name: 'main', depth: 0 });
  assert.deepEqual(spans[1], { start: 20, end: 25, name: 's0', depth: 1 });
  // [25, 25] touches s0's end and nothing else but main.
  const hits = (t0: number, t1: number): string[] => {
    const out: string[] = [];
    s.forEachSpan(0, t0, t1, (i) => out.push(s.str(s.spans(0).name[i])));
    return out;
  };
  assert.deepEqual(hits(25, 25), ['main', 's0']);
  assert.deepEqual(hits(26, 29), ['main']);
  assert.deepEqual(hits(1000, 1030), ['main', 's98', 's99', 's100', 's101']);
  assert.deepEqual(hits(6000, 7000), []);
  assert.deepEqual(hits(0, 9), []);
  const [lo, hi] = s.spanRange(0, 1000, 1030);
  assert.ok(lo === 0 && hi === 103, `range ${lo}..${hi}`);
  const [lo2, hi2] = s.spanRange(0, 6000, 7000);
  assert.equal(hi2 - lo2 <= 201, true);
  assert.equal(s.spanRange(0, 0, 9)[1], 0);
});

test('forEachSpan finds exactly the overlapping spans of a random lane', () => {
  const { enc, at } = conn();
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const truth: [number, number][] = [];
  for (let i = 0; i < 3000; i++) {
    const start = Math.floor(rnd() * 100000);
    const end = start + Math.floor(rnd() < 0.02 ? rnd() * 50000 : rnd() * 50);
    truth.push([start, end]);
  }
  // Emitted in start order per span id, ends in arbitrary order: each span opens and closes at once.
  truth.forEach(([a, b], i) => {
    at(Kind.Begin, a, 1, 0, [i + 1, Cat.User, 'x', '', '', '']);
    at(Kind.End, b, 1, 0, [i + 1, Status.Ok]);
  });
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: enc.take() });
  const base = s.origin - T0;
  const c = s.spans(0);
  for (let i = 1; i < c.count; i++) assert.ok(c.start[i - 1] <= c.start[i]);
  for (let q = 0; q < 200; q++) {
    const t0 = rnd() * 100000;
    const t1 = t0 + rnd() * 2000;
    const want = truth.filter(([a, b]) => a - base <= t1 && b - base >= t0).length;
    let got = 0;
    s.forEachSpan(0, t0, t1, () => got++);
    assert.equal(got, want, `query ${t0}..${t1}`);
    const [lo, hi] = s.spanRange(0, t0, t1);
    let inRange = 0;
    for (let i = lo; i < hi; i++) if (c.end[i] >= t0 && c.start[i] <= t1) inRange++;
    assert.equal(inRange, want);
  }
});

test('out-of-order arrival across connections keeps spans and queue depth sorted', () => {
  const a = conn();
  const b = conn();
  a.at(Kind.ProcStart, 0, 1, 0, [0, 'root', Role.Root]);
  a.at(Kind.ObjDecl, 1, 1, 0, ['queue:1:1', 5, 'q', 2, 'a.ts:3:1']);
  b.at(Kind.ProcStart, 5, 2, 0, [1, 'consumer', Role.Process]);
  b.at(Kind.Begin, 6, 2, 0, [1, Cat.WaitQueueGet, 'get', '', 'queue:1:1', '']);
  b.at(Kind.QueueGet, 30, 2, 0, ['queue:1:1', 1, 1, -1]);
  b.at(Kind.End, 30, 2, 0, [1, Status.Ok]);
  a.at(Kind.QueuePut, 20, 1, 0, ['queue:1:1', 1, -1]);
  a.at(Kind.QueuePut, 40, 1, 0, ['queue:1:1', 2, -1]);
  const s = new TraceStore();
  // The consumer's connection is delivered first, although the root started earlier.
  s.ingest({ conn: 2, bytes: b.enc.take() });
  const v1 = s.version;
  s.ingest({ conn: 1, bytes: a.enc.take() });
  assert.ok(s.version > v1);
  assert.equal(s.origin, T0 + 5);
  assert.equal(s.lanes()[1].start, -5, 'earlier events get negative relative times');
  const d = s.queueDepth('queue:1:1');
  assert.deepEqual(Array.from(d.t.subarray(0, d.count)), [15, 25, 35]);
  assert.deepEqual(Array.from(d.v.subarray(0, d.count)), [1, 0, 1]);
  const f = s.flows().filter((x) => x.kind === 'queue');
  assert.deepEqual(f, [{ kind: 'queue', obj: 'queue:1:1', fromLane: 1, fromT: 15, toLane: 0, toT: 25 }]);
  assert.equal(
    s
      .laneTree()
      .map((r) => s.lanes()[r.lane].name)
      .join(','),
    'root,consumer',
  );
  assert.deepEqual(
    s.laneTree().map((r) => r.level),
    [0, 1],
  );
  assert.equal(s.object('queue:1:1')?.capacity, 2);
});

test('reported queue depth wins over counting', () => {
  const { enc, at } = conn();
  at(Kind.QueuePut, 0, 1, 0, ['q', 1, 3]);
  at(Kind.QueuePut, 1, 1, 0, ['q', 2, -1]);
  at(Kind.QueueGet, 2, 2, 0, ['q', 1, 1, 7]);
  at(Kind.QueueGet, 3, 2, 0, ['q', 1, 2, -1]);
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: enc.take() });
  const d = s.queueDepth('q');
  assert.deepEqual(Array.from(d.v.subarray(0, d.count)), [3, 4, 7, 6]);
  assert.equal(s.queueDepth('nope').count, 0);
});

test('open spans are listed, and close at process exit', () => {
  const { enc, at } = conn();
  at(Kind.ProcStart, 0, 9, 0, [1, 'worker', Role.PoolWorker]);
  at(Kind.Begin, 1, 9, 0, [1, Cat.Run, 'run', '', '', '']);
  at(Kind.Begin, 2, 9, 0, [2, Cat.WaitLock, 'acquire', '', 'lock:1:1', 'x.ts:2:2']);
  at(Kind.Begin, 3, 9, 7, [1, Cat.Sleep, 'sleep', '', '', '']);
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: enc.take() });
  const open = s.openSpans();
  assert.equal(open.length, 3);
  assert.deepEqual(
    open.map((o) => [s.lanes()[o.lane].tid, o.name, o.depth, o.obj]),
    [
      [0, 'run', 0, ''],
      [0, 'acquire', 1, 'lock:1:1'],
      [7, 'sleep', 0, ''],
    ],
  );
  assert.equal(s.lanes()[1].role, Role.PoolWorker, 'threads inherit the role');
  const w = s.lockWaiters('lock:1:1');
  assert.deepEqual(Array.from(w.v.subarray(0, w.count)), [1]);
  at(Kind.ProcExit, 50, 9, 0, [-1, 'SIGKILL']);
  s.ingest({ conn: 0, bytes: enc.take() });
  assert.equal(s.openSpans().length, 0);
  assert.deepEqual(
    spanList(s, 0).map((x) => [x.name, x.end]),
    [
      ['run', 50],
      ['acquire', 50],
    ],
  );
  assert.equal(s.spans(0).status[0], Status.Error);
  assert.equal(s.lanes()[0].signal, 'SIGKILL');
  assert.equal(s.lanes()[1].end, 50);
  const w2 = s.lockWaiters('lock:1:1');
  assert.deepEqual(Array.from(w2.v.subarray(0, w2.count)), [1, 0]);
});

test('lock hand-offs: named by fromPid, or the release that ended the wait when the runtime cannot tell', () => {
  const a = conn();
  const b = conn();
  const c = conn();
  a.at(Kind.LockAcquire, 0, 1, 0, ['L', 0, 0, '']);
  a.at(Kind.LockRelease, 10, 1, 0, ['L']);
  b.at(Kind.LockAcquire, 11, 2, 0, ['L', 1, 1, '']); // named hand-off 1 → 2
  b.at(Kind.LockRelease, 20, 2, 0, ['L']);
  // c waits from 15 (while b holds it); fromPid 0: the release during its wait (b's, at 20) handed it over.
  c.at(Kind.Begin, 15, 3, 0, [1, Cat.WaitLock, 'acquire', '', 'L', '']);
  c.at(Kind.End, 21, 3, 0, [1, Status.Ok]);
  c.at(Kind.LockAcquire, 21, 3, 0, ['L', 0, 1, '']);
  c.at(Kind.LockRelease, 30, 3, 0, ['L']);
  // a asks again after c released: it waited (a broker round trip) but the lock was free, so no arrow.
  a.at(Kind.Begin, 99, 1, 0, [2, Cat.WaitLock, 'acquire', '', 'L', '']);
  a.at(Kind.End, 100, 1, 0, [2, Status.Ok]);
  a.at(Kind.LockAcquire, 100, 1, 0, ['L', 0, 1000, '']);
  const s = new TraceStore();
  // c's acquire arrives before b's release: the hand-off is still found once b's events arrive.
  s.ingest({ conn: 1, bytes: a.enc.take() });
  s.ingest({ conn: 3, bytes: c.enc.take() });
  const before = s.flows().filter((f) => f.kind === 'lock').length;
  s.ingest({ conn: 2, bytes: b.enc.take() });
  const lanes = s.lanes();
  const flows = s.flows().map((f) => [lanes[f.fromLane].pid, f.fromT, lanes[f.toLane].pid, f.toT]);
  assert.deepEqual(flows, [
    [1, 10, 2, 11],
    [2, 20, 3, 21],
  ]);
  assert.equal(before, 0, 'a released before c began waiting: not a hand-off');
  const h = s.lockHolders('L');
  assert.deepEqual(Array.from(h.v.subarray(0, h.count)), [1, 0, 1, 0, 1, 0, 1]);
  const w = s.lockWaiters('L');
  assert.deepEqual(Array.from(w.v.subarray(0, w.count)), [1, 0, 1, 0]);
});

test('tasks join submit, start, end and result from different processes', () => {
  const root = conn();
  const w = conn();
  root.at(Kind.TaskSubmit, 0, 1, 0, ['pool:1:1', 0, 'square', '[3]', 0, 'a.ts:9:3']);
  root.at(Kind.TaskSubmit, 0, 1, 0, ['pool:1:1', 1, 'square', '[4]', 0, 'a.ts:9:3']);
  root.at(Kind.TaskResult, 50, 1, 0, ['pool:1:1', 0, Status.Ok]);
  root.at(Kind.TaskResult, 60, 1, 0, ['pool:1:1', 1, Status.Error]);
  w.at(Kind.TaskStart, 5, 2, 0, ['pool:1:1', 0]);
  w.at(Kind.Begin, 5, 2, 0, [1, Cat.Task, 'square', '3', 'pool:1:1', '']);
  w.at(Kind.End, 40, 2, 0, [1, Status.Ok]);
  w.at(Kind.TaskEnd, 40, 2, 0, ['pool:1:1', 0, Status.Ok]);
  w.at(Kind.Begin, 41, 2, 0, [2, Cat.Task, 'square', '4', 'pool:1:1', '']);
  w.at(Kind.TaskStart, 41, 2, 0, ['pool:1:1', 1]);
  w.at(Kind.End, 55, 2, 0, [2, Status.Error]);
  w.at(Kind.TaskEnd, 55, 2, 0, ['pool:1:1', 1, Status.Error]);
  const s = new TraceStore();
  s.ingest({ conn: 1, bytes: root.enc.take() });
  s.ingest({ conn: 2, bytes: w.enc.take() });
  const rows = s
    .tasks()
    .map((r) => [r.task, r.fn, r.args, r.submitPid, r.workerPid, r.submit, r.start, r.end, r.result, r.status]);
  assert.deepEqual(rows, [
    [0, 'square', '[3]', 1, 2, 0, 5, 40, 50, Status.Ok],
    [1, 'square', '[4]', 1, 2, 0, 41, 55, 60, Status.Error],
  ]);
  const c = s.spans(1);
  assert.deepEqual(Array.from(c.task.subarray(0, c.count)), [0, 1], 'task spans point at their rows, either order');
  const tf = s.flows().filter((f) => f.kind === 'task');
  assert.deepEqual(
    tf.map((f) => [f.fromLane, f.fromT, f.toLane, f.toT]),
    [
      [0, 0, 1, 5],
      [1, 40, 0, 50],
      [0, 0, 1, 41],
      [1, 55, 0, 60],
    ],
  );
});

test('a corrupt stream is dropped and reported; what was decoded stays', () => {
  const { enc, at } = conn();
  at(Kind.Mark, 1, 4, 0, ['before']);
  const good = enc.take();
  const s = new TraceStore();
  s.ingest({ conn: 3, bytes: good });
  s.ingest({ conn: 3, bytes: new Uint8Array([2, 0, 0, 0, 9, 9]) });
  at(Kind.Mark, 2, 4, 0, ['after']);
  s.ingest({ conn: 3, bytes: enc.take() });
  assert.deepEqual(
    s.marks().map((m) => m.name),
    ['before'],
  );
  assert.equal(s.problems.length, 1);
  assert.match(s.problems[0].message, /corrupt record length 2/);
  assert.equal(s.problems[0].conn, 3);
  // Other connections still work.
  const other = conn();
  other.at(Kind.Mark, 3, 5, 0, ['other']);
  s.ingest({ conn: 4, bytes: other.enc.take() });
  assert.equal(s.marks().length, 2);
});

test('output is split into lines; partial writes join the open line', () => {
  const { enc, at } = conn();
  at(Kind.Output, 1, 4, 0, [1, 'a\nb']);
  at(Kind.Output, 2, 4, 0, [2, 'err\r\n']);
  at(Kind.Output, 3, 4, 0, [1, 'c\n']);
  at(Kind.Output, 4, 4, 0, [1, '.']);
  at(Kind.RunStart, 0, 0, 0, ['snip.ts', 'node']);
  at(Kind.RunEnd, 9, 0, 0, ['exit', 3]);
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: enc.take() });
  assert.deepEqual(
    s.output().map((l) => [l.stream, l.text]),
    [
      [1, 'a'],
      [1, 'bc'],
      [2, 'err'],
      [1, '.'],
    ],
  );
  assert.deepEqual(s.run(), { snippet: 'snip.ts', runtime: 'node', endReason: 'exit', exitCode: 3, end: 9 });
});

test('run end closes what is still open; a process exit that arrives later still sets its code', () => {
  const runner = conn();
  const child = conn();
  runner.at(Kind.RunStart, 0, 0, 0, ['snip.ts', 'node']);
  child.at(Kind.ProcStart, 1, 7, 0, [1, 'child', Role.Process]);
  child.at(Kind.Begin, 2, 7, 0, [1, Cat.WaitJoin, 'join', '', '', '']);
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: runner.enc.take() });
  s.ingest({ conn: 1, bytes: child.enc.take() });
  assert.equal(s.lanes().length, 1, 'the runner’s own records make no lane');
  assert.equal(s.openSpans().length, 1);
  runner.at(Kind.RunEnd, 10, 0, 0, ['stopped', 143]);
  s.ingest({ conn: 0, bytes: runner.enc.take() });
  assert.equal(s.openSpans().length, 0);
  assert.deepEqual(spanList(s, 0), [{ start: 2, end: 10, name: 'join', depth: 0 }]);
  assert.equal(s.spans(0).status[0], Status.Cancelled);
  assert.equal(s.lanes()[0].end, 10);
  child.at(Kind.ProcExit, 9, 7, 0, [-1, 'SIGKILL']);
  s.ingest({ conn: 1, bytes: child.enc.take() });
  assert.equal(s.lanes()[0].end, 9);
  assert.equal(s.lanes()[0].signal, 'SIGKILL');
  assert.deepEqual(s.run(), { snippet: 'snip.ts', runtime: 'node', endReason: 'stopped', exitCode: 143, end: 10 });
});

test('the lane tree nests children under parents and threads under their process', () => {
  const { enc, at } = conn();
  at(Kind.ProcStart, 0, 10, 0, [1, 'root', Role.Root]);
  at(Kind.ProcStart, 5, 30, 0, [10, 'second child', Role.Process]);
  at(Kind.ProcStart, 3, 20, 0, [10, 'first child', Role.Process]);
  at(Kind.ProcStart, 7, 40, 0, [20, 'grandchild', Role.Process]);
  at(Kind.Mark, 8, 10, 3, ['from a thread never announced']);
  at(Kind.ThreadStart, 9, 20, 5, ['worker thread']);
  at(Kind.ProcStart, 9, 99, 0, [77, 'orphan (parent unknown)', Role.Other]);
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: enc.take() });
  const rows = s.laneTree().map((r) => `${'  '.repeat(r.level)}${s.lanes()[r.lane].name}`);
  assert.deepEqual(rows, [
    'root',
    '  thread 3',
    '  first child',
    '    worker thread',
    '    grandchild',
    '  second child',
    'orphan (parent unknown)',
  ]);
  assert.equal(s.lanes().find((l) => l.tid === 3)!.ppid, 10);
});

test('a span closed by the runner’s record of its process’s exit takes its own End when that arrives later', () => {
  const runner = conn();
  const child = conn();
  child.at(Kind.ProcStart, 0, 5, 0, [1, 'child', Role.Process]);
  child.at(Kind.Begin, 1, 5, 0, [1, Cat.Run, 'run', '', '', '']);
  child.at(Kind.Begin, 2, 5, 0, [2, Cat.WaitLock, 'acquire', '', 'L', '']);
  const early = child.enc.take();
  child.at(Kind.End, 6, 5, 0, [2, Status.Timeout]);
  child.at(Kind.End, 8, 5, 0, [1, Status.Ok]);
  runner.at(Kind.ProcExit, 9, 5, 0, [0, '']);
  const s = new TraceStore();
  s.ingest({ conn: 1, bytes: early });
  s.ingest({ conn: 0, bytes: runner.enc.take() }); // the exit overtakes the child's last records
  assert.deepEqual(
    spanList(s, 0).map((x) => [x.name, x.end]),
    [
      ['run', 9],
      ['acquire', 9],
    ],
  );
  s.ingest({ conn: 1, bytes: child.enc.take() });
  assert.deepEqual(
    spanList(s, 0).map((x) => [x.name, x.end]),
    [
      ['run', 8],
      ['acquire', 6],
    ],
  );
  assert.deepEqual(Array.from(s.spans(0).status.subarray(0, 2)), [Status.Ok, Status.Timeout]);
  assert.equal(s.skipped, 0);
  let n = 0;
  s.forEachSpan(0, 8.5, 8.7, () => n++);
  assert.equal(n, 0, 'the range index follows the corrected ends');
  const w = s.lockWaiters('L');
  const at6 = w.v[w.count - 1];
  assert.equal(at6, 0);
  assert.deepEqual(Array.from(w.t.subarray(0, w.count)).slice(0, 2), [2, 6]);
});

test('forEachSpanIn gives the same spans through the fast path and through spanRange', () => {
  const { enc, at } = conn();
  at(Kind.Begin, 0, 1, 0, [1, Cat.Run, 'run', '', '', '']);
  for (let i = 0; i < 500; i++) {
    at(Kind.Begin, 10 + i * 10, 1, 0, [2 + i, Cat.Sleep, `s${i}`, '', '', '']);
    at(Kind.End, 14 + i * 10, 1, 0, [2 + i, Status.Ok]);
  }
  at(Kind.End, 6000, 1, 0, [1, Status.Ok]);
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: enc.take() });
  // A view without the fast path: only the required queries.
  const plain = {
    spans: (l: number) => s.spans(l),
    spanRange: (l: number, a: number, b: number) => s.spanRange(l, a, b),
  } as unknown as TraceView;
  const viaFast: number[] = [];
  const viaRange: number[] = [];
  forEachSpanIn(s, 0, 2004, 2030, (i) => viaFast.push(i));
  forEachSpanIn(plain, 0, 2004, 2030, (i) => viaRange.push(i));
  assert.deepEqual(viaFast, viaRange);
  assert.deepEqual(
    viaFast.map((i) => s.str(s.spans(0).name[i])),
    ['run', 's199', 's200', 's201', 's202'],
  );
});

test('a RunStart that arrives after other records still fixes time 0', () => {
  const runner = conn();
  const child = conn();
  runner.at(Kind.RunStart, 0, 0, 0, ['snip.ts', 'node']);
  child.at(Kind.ProcStart, 40, 7, 0, [1, 'child', Role.Process]);
  child.at(Kind.Begin, 41, 7, 0, [1, Cat.Sleep, 'sleep', '', '', '']);
  child.at(Kind.End, 50, 7, 0, [1, Status.Ok]);
  child.at(Kind.Begin, 51, 7, 0, [2, Cat.Sleep, 'still sleeping', '', '', '']);
  child.at(Kind.QueuePut, 52, 7, 0, ['q', 1, 1]);
  const s = new TraceStore();
  s.ingest({ conn: 1, bytes: child.enc.take() });
  assert.equal(s.lanes()[0].start, 0, 'until the RunStart comes, the first record is time 0');
  s.ingest({ conn: 0, bytes: runner.enc.take() });
  assert.equal(s.origin, T0);
  assert.equal(s.lanes()[0].start, 40);
  assert.deepEqual(spanList(s, 0), [{ start: 41, end: 50, name: 'sleep', depth: 0 }]);
  assert.equal(s.openSpans()[0].start, 51);
  assert.equal(s.queueDepth('q').t[0], 52);
  assert.equal(s.now, 52);
  let n = 0;
  s.forEachSpan(0, 45, 45, () => n++);
  assert.equal(n, 1, 'the range index follows the shifted times');
});
