import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cat, Kind, ObjType, Role, Status } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { RecordEncoder } from '../../common/wire';
import { formatSummary, summarize } from '../../engine/summary';

const MS = 1e6;

/** A root and two workers: 3 pool tasks, two lock waits of 20 and 30 ms, a queue that reaches depth 2, CPU samples. */
function trace(): TraceStore {
  const e = new RecordEncoder();
  const T = 1e12;
  e.add(Kind.ProcStart, T, 10, 0, [1, 'MainProcess', Role.Root]);
  e.add(Kind.ProcStart, T + 1 * MS, 11, 0, [10, 'Worker-1', Role.PoolWorker]);
  e.add(Kind.ProcStart, T + 1 * MS, 12, 0, [10, 'Worker-2', Role.PoolWorker]);
  e.add(Kind.ThreadStart, T + 2 * MS, 10, 5, ['helper']);
  e.add(Kind.ObjDecl, T, 10, 0, ['pool:10:1', ObjType.Pool, 'Pool-1', 2, 'a.ts:1:1']);
  e.add(Kind.ObjDecl, T, 10, 0, ['queue:10:1', ObjType.Queue, 'jobs', -1, 'a.ts:2:1']);
  for (let task = 0; task < 3; task++)
    e.add(Kind.TaskSubmit, T + 2 * MS, 10, 0, ['pool:10:1', task, 'square', `(${task})`, 0, 'a.ts:3:1']);
  e.add(Kind.Begin, T + 10 * MS, 11, 0, [1, Cat.WaitLock, 'acquire', '', 'lock:10:1', '']);
  e.add(Kind.End, T + 30 * MS, 11, 0, [1, Status.Ok]);
  e.add(Kind.Begin, T + 10 * MS, 12, 0, [1, Cat.WaitLock, 'acquire', '', 'lock:10:1', '']);
  e.add(Kind.End, T + 40 * MS, 12, 0, [1, Status.Ok]);
  e.add(Kind.QueuePut, T + 5 * MS, 10, 0, ['queue:10:1', 1, 1]);
  e.add(Kind.QueuePut, T + 6 * MS, 10, 0, ['queue:10:1', 2, 2]);
  e.add(Kind.QueueGet, T + 7 * MS, 11, 0, ['queue:10:1', 10, 1, 1]);
  // Worker 11 busy at 50% for 100 ms (first sample covers 10 ms), thread at 100% for 20 ms, one unknown (-1).
  for (let i = 0; i <= 10; i++) e.add(Kind.Sample, T + i * 10 * MS, 11, 0, [0.5, -1]);
  e.add(Kind.Sample, T + 10 * MS, 10, 5, [1, -1]);
  e.add(Kind.Sample, T + 20 * MS, 10, 5, [1, -1]);
  e.add(Kind.Sample, T + 30 * MS, 10, 0, [-1, 0.2]);
  const store = new TraceStore();
  store.ingest({ conn: 1, bytes: e.take() });
  return store;
}

test('the summary counts processes, threads and tasks and adds up lock waits, CPU time and queue depth', () => {
  const s = summarize(trace(), 1000 * MS, 2);
  assert.equal(s.processes, 3);
  assert.equal(s.threads, 1);
  assert.equal(s.tasks, 3);
  assert.equal(s.lockWaitNs, 50 * MS);
  assert.equal(s.peakQueueDepth, 2);
  assert.equal(s.peakQueue, 'jobs');
  // 0.5 × (10 ms first + 100 ms) + 1 × (10 ms first + 10 ms) = 75 ms
  assert.ok(Math.abs(s.cpuNs - 75 * MS) < 1, String(s.cpuNs));
  assert.ok(Math.abs(s.cpuUtilisation - 75 / 2000) < 1e-9);
  const text = formatSummary(s).join('\n');
  assert.match(text, /processes +3 \(\+1 thread\)/);
  assert.match(text, /tasks +3/);
  assert.match(text, /wall time +1\.00 s/);
  assert.match(text, /CPU +4% of 2 cores \(75\.0 ms busy\)/);
  assert.match(text, /lock wait +50\.0 ms total/);
  assert.match(text, /peak queue +2 \(jobs\)/);
});
