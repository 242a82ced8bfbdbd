// Trace store: queue depth and lock holder/waiter series, lock hand-off and task flows, task rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cat, Kind, Status } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { conn } from './store-builders';

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
