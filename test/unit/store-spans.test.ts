// Trace store: lanes, spans (nested, open, closed by an exit or the run end) and the span queries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cat, Kind, Role, Status } from '../../common/schema';
import { TraceStore, forEachSpanIn, type TraceView } from '../../common/store';
import { T0, conn, spanList } from './store-builders';

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
  assert.deepEqual(s.run(), {
    snippet: 'snip.ts',
    runtime: 'node',
    endReason: 'stopped',
    exitCode: 143,
    end: 10,
    cores: 0,
  });
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
