import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlockDetector, type DeadlockReport } from '../../common/analysis/deadlock';
import { Cat, Kind, ObjType, Role, TraceBuilder, at } from './analysis-trace';
import type { TraceEvent } from '../../common/schema';
import { StreamsByPid } from '../recordStreams';

const A = 'lock:41:1';
const B = 'lock:41:2';

/** Feeds events one by one, as the live stream would; returns each report with the event that raised it. */
function feed(
  events: TraceEvent[],
  det = new DeadlockDetector(),
): { det: DeadlockDetector; raised: [number, DeadlockReport][] } {
  const raised: [number, DeadlockReport][] = [];
  events.forEach((e, i) => {
    const r = det.add(e);
    if (r) raised.push([i, r]);
  });
  return { det, raised };
}

function twoLocks(): TraceBuilder {
  return new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root })
    .proc(42, 0, undefined, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A', 'deadlock.py:3:5')
    .obj(41, B, ObjType.Lock, 'B', 'deadlock.py:4:5');
}

test('a two-lock deadlock is reported the moment the cycle closes, in words', () => {
  const b = twoLocks()
    .hold(41, A, 1, undefined, 'deadlock.py:8:9')
    .hold(42, B, 2, undefined, 'deadlock.py:14:9')
    .span(41, Cat.WaitLock, 10, undefined, { obj: B, loc: 'deadlock.py:9:13' })
    .span(42, Cat.WaitLock, 11, undefined, { obj: A, loc: 'deadlock.py:15:13' });
  const events = b.sorted();
  const { det, raised } = feed(events);
  assert.equal(raised.length, 1);
  const [index, r] = raised[0];
  // Raised by the last event: 42 starting to wait for A.
  assert.equal(index, events.length - 1);
  assert.equal(r.kind, 'cycle');
  assert.equal(r.t, at(11));
  assert.equal(r.sentence, 'process 41 holds lock A and waits for lock B; process 42 holds B and waits for A');
  assert.deepEqual(
    r.steps.map((s) => [s.pid, s.holds, s.obj, s.loc]),
    [
      [41, [A], B, 'deadlock.py:9:13'],
      [42, [B], A, 'deadlock.py:15:13'],
    ],
  );
  // The same stream as record chunks (one connection per process), as a panel receives it.
  const live = new DeadlockDetector();
  const fromChunks = new StreamsByPid()
    .add(events)
    .take()
    .flatMap((c) => live.ingest(c));
  assert.deepEqual(
    fromChunks.map((x) => x.sentence),
    [r.sentence],
  );
  // The inversion that caused it is not repeated as a warning.
  assert.deepEqual(det.inversions(), []);
  // The graph to draw: each process waits on the other.
  assert.deepEqual(
    det.waitFor().map((e) => [e.from.pid, e.to?.pid, e.obj]),
    [
      [41, 42, B],
      [42, 41, A],
    ],
  );
});

test('a lock-order inversion that did not deadlock is a warning with both orders and their lines', () => {
  const b = twoLocks()
    .hold(41, A, 10, 30, 'inversion.py:5:5')
    .hold(41, B, 12, 20, 'inversion.py:6:9')
    .hold(42, B, 50, 70, 'inversion.py:12:5')
    .contended(42, A, 55, 56, 60, 'inversion.py:13:9');
  const { det, raised } = feed(b.sorted());
  assert.deepEqual(raised, []);
  const inv = det.inversions();
  assert.equal(inv.length, 1);
  assert.equal(
    inv[0].sentence,
    'process 41 took lock A (inversion.py:5:5) then lock B (inversion.py:6:9); process 42 took B (inversion.py:12:5) then A (inversion.py:13:9)',
  );
});

test('a join that waits on a process which waits for a lock the joiner holds is a cycle', () => {
  const b = twoLocks()
    .hold(41, A, 1, undefined, 'join.py:20:5')
    .span(41, Cat.WaitJoin, 5, undefined, { obj: 'proc:42', name: 'join', loc: 'join.py:21:5' })
    .span(42, Cat.WaitLock, 8, undefined, { obj: A, loc: 'join.py:9:9' });
  const { raised } = feed(b.sorted());
  assert.equal(raised.length, 1);
  assert.equal(
    raised[0][1].sentence,
    'process 41 holds lock A and waits for process 42 to exit; process 42 waits for A',
  );
});

test('a wait on a lock whose holder exited is reported, not silently ignored', () => {
  const b = new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root })
    .proc(42, 0, 50, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A')
    .hold(42, A, 10, undefined)
    .span(41, Cat.WaitLock, 60, undefined, { obj: A });
  const { raised } = feed(b.sorted());
  assert.equal(raised.length, 1);
  assert.equal(raised[0][1].kind, 'dead-holder');
  assert.equal(raised[0][1].sentence, 'process 41 waits for lock A; process 42 exited while holding A');
});

test('every live process blocked longer than the threshold is a stall, reported once', () => {
  const b = new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root })
    .proc(42, 0, undefined, { ppid: 41 })
    .obj(41, 'queue:41:1', ObjType.Queue, 'jobs')
    .obj(41, 'event:41:2', ObjType.Event, 'go')
    .span(41, Cat.WaitQueueGet, 100, undefined, { obj: 'queue:41:1' })
    .span(42, Cat.WaitEvent, 200, undefined, { obj: 'event:41:2' });
  const events = b.sorted();
  for (let t = 300; t <= 3000; t += 100) events.push({ kind: Kind.Sample, t: at(t), pid: 41, tid: 0, cpu: 0, elu: 0 });
  const { raised } = feed(events, new DeadlockDetector({ stallNs: 2e9 }));
  assert.equal(raised.length, 1);
  const r = raised[0][1];
  assert.equal(r.kind, 'stall');
  assert.equal(r.t, at(2200));
  assert.equal(
    r.sentence,
    'every live process has been blocked for 2.00 s: process 41 waits for an item from queue jobs; process 42 waits for event go',
  );
});

test('waits that end, and processes that exit, leave no false report', () => {
  const b = twoLocks()
    .hold(41, A, 1, 20)
    .contended(42, A, 5, 20, 30)
    .hold(42, B, 21, 25)
    .span(41, Cat.WaitJoin, 22, 40, { obj: 'proc:42' });
  const events = b.sorted();
  events.push({ kind: Kind.ProcExit, t: at(40), pid: 42, tid: 0, code: 0, signal: '' });
  for (let t = 50; t < 5000; t += 100)
    events.push({ kind: Kind.Sample, t: at(t), pid: 41, tid: 0, cpu: 0.5, elu: 0.5 });
  const { det, raised } = feed(events);
  assert.deepEqual(raised, []);
  assert.equal(det.graph.liveCount, 1);
  assert.equal(det.graph.blockedCount, 0);
});

test('a join on a child that has not reported yet (still starting) is not a stall', () => {
  const b = new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root })
    .span(41, Cat.WaitJoin, 10, undefined, { name: 'join', detail: 'pid 42' });
  const events = b.sorted();
  for (let t = 100; t <= 5000; t += 100) events.push({ kind: Kind.Sample, t: at(t), pid: 41, tid: 0, cpu: 0, elu: 0 });
  assert.deepEqual(feed(events).raised, []);
  // Once the child has started and blocks forever too, it is one.
  events.push({ kind: Kind.ProcStart, t: at(5100), pid: 42, tid: 0, ppid: 41, name: 'p42', role: Role.Process });
  events.push({
    kind: Kind.Begin,
    t: at(5200),
    pid: 42,
    tid: 0,
    span: 1,
    cat: Cat.WaitEvent,
    name: '',
    detail: '',
    obj: 'event:41:9',
    loc: '',
  });
  events.push({ kind: Kind.Sample, t: at(7300), pid: 41, tid: 0, cpu: 0, elu: 0 });
  const { raised } = feed(events);
  assert.equal(raised.length, 1);
  assert.equal(
    raised[0][1].sentence,
    'every live process has been blocked for 2.10 s: process 41 waits for process 42 to exit; process 42 waits for event event:41:9',
  );
});
