/**
 * A recorded-style trace for the panel tests, synthesised with `RecordEncoder` exactly as the
 * runtimes write it (one connection per process, strings interned per connection): a root process
 * with a thread, a pool of three workers running six `square(i)` tasks, a producer and a consumer
 * contending for a lock and passing items through a bounded queue, and a process killed by SIGKILL.
 * Times are in ms from `T0`; the expected facts are exported for the assertions.
 */
import type { Chunk } from '../../common/protocol';
import { Cat, Kind, ObjType, Role } from '../../common/schema';
import { RecordEncoder } from '../../common/wire';

/** Monotonic ns of time 0 of the trace. */
export const T0 = 5_000_000_000;
const ms = (t: number): number => T0 + t * 1e6;

/** Keys and names the assertions refer to. */
export const FIXTURE = {
  lock: 'lock:100:1',
  queue: 'queue:100:1',
  pool: 'pool:100:1',
  workers: [201, 202, 203],
  producer: 300,
  consumer: 301,
  crasher: 400,
  /** Consumer waits for the lock (ms); the producer releases it at the end. */
  lockWait: [120, 300] as const,
  /** Task i runs on worker 201 + (i % 3) from `taskStart(i)` for 150 ms. */
  taskStart: (i: number): number => 40 + Math.floor(i / 3) * 200,
  taskMs: 150,
  runEnd: 1000,
};

class Proc {
  readonly enc = new RecordEncoder();
  private span = 0;
  constructor(readonly pid: number) {}
  rec(kind: Kind, t: number, fields: (number | string)[], tid = 0): this {
    this.enc.add(kind, ms(t), this.pid, tid, fields);
    return this;
  }
  /** A closed span [a, b] with category, name, obj and loc. */
  spanOf(a: number, b: number, cat: Cat, name: string, obj = '', loc = '', tid = 0): this {
    const id = ++this.span;
    this.rec(Kind.Begin, a, [id, cat, name, '', obj, loc], tid);
    return this.rec(Kind.End, b, [id, 0], tid);
  }
  begin(t: number, cat: Cat, name: string, obj = '', loc = ''): number {
    const id = ++this.span;
    this.rec(Kind.Begin, t, [id, cat, name, '', obj, loc]);
    return id;
  }
  end(t: number, id: number): this {
    return this.rec(Kind.End, t, [id, 0]);
  }
}

/**
 * The trace as record streams, one chunk per connection (connection 0 is the runner's). `cores`: of
 * the machine that ran it, in the runner's RunStart (0: not said, as in traces from before the field).
 */
export function fixtureChunks(cores = 0): Chunk[] {
  const { lock, queue, pool } = FIXTURE;
  const runner = new Proc(100);
  runner.rec(Kind.RunStart, 0, ['fixture.py', 'python', cores]);

  const root = new Proc(100);
  root.rec(Kind.ProcStart, 0, [1, 'MainProcess', Role.Root]);
  const main = root.begin(0, Cat.Run, 'main', '', 'fixture.py:30:1');
  root.rec(Kind.ObjDecl, 1, [pool, ObjType.Pool, 'Pool(3)', 3, 'fixture.py:12:10']);
  root.rec(Kind.ObjDecl, 1, [lock, ObjType.Lock, 'counter_lock', -1, 'fixture.py:5:8']);
  root.rec(Kind.ObjDecl, 1, [queue, ObjType.Queue, 'jobs', 4, 'fixture.py:6:7']);
  root.rec(Kind.ThreadStart, 5, ['watcher'], 1);
  root.spanOf(10, 100, Cat.Sleep, 'sleep', '', 'fixture.py:20:5', 1);
  root.spanOf(110, 200, Cat.Sleep, 'sleep', '', 'fixture.py:20:5', 1);
  root.rec(Kind.ThreadEnd, 300, [], 1);
  for (let i = 0; i < 6; i++) root.rec(Kind.TaskSubmit, 20 + i, [pool, i, 'square', String(i), 0, 'fixture.py:14:12']);
  const wait = root.begin(30, Cat.WaitResult, 'map', pool, 'fixture.py:14:12');
  for (let i = 0; i < 6; i++) root.rec(Kind.TaskResult, FIXTURE.taskStart(i) + FIXTURE.taskMs + 2, [pool, i, 0]);
  root.end(FIXTURE.taskStart(5) + FIXTURE.taskMs + 3, wait);
  root.rec(Kind.Mark, 500, ['phase 2']);
  root.spanOf(800, 980, Cat.WaitJoin, 'join', '', 'fixture.py:40:5');
  root.end(990, main);
  root.rec(Kind.ProcExit, 995, [0, '']);

  const procs = [runner, root];
  for (const [k, pid] of FIXTURE.workers.entries()) {
    const w = new Proc(pid);
    w.rec(Kind.ProcStart, 10, [100, `ForkPoolWorker-${k + 1}`, Role.PoolWorker]);
    for (let i = k; i < 6; i += 3) {
      const s = FIXTURE.taskStart(i);
      w.rec(Kind.TaskStart, s, [pool, i]);
      if (i === 0) {
        // Task 0 sleeps inside: [60, 160] ms.
        const id = w.begin(s, Cat.Task, 'square', pool, 'fixture.py:8:1');
        w.spanOf(60, 160, Cat.Sleep, 'sleep', '', 'fixture.py:9:5');
        w.end(s + FIXTURE.taskMs, id);
      } else w.spanOf(s, s + FIXTURE.taskMs, Cat.Task, 'square', pool, 'fixture.py:8:1');
      w.rec(Kind.TaskEnd, s + FIXTURE.taskMs, [pool, i, 0]);
    }
    for (let t = 50; t <= 750; t += 50) {
      const busy = Math.floor((t - 41) / 200) * 200 + 40 + 150 >= t && t > 40 ? 0.95 : 0.03;
      w.rec(Kind.Sample, t, [busy, -1]);
    }
    w.rec(Kind.ProcExit, 750, [0, '']);
    procs.push(w);
  }

  const prod = new Proc(FIXTURE.producer);
  prod.rec(Kind.ProcStart, 50, [100, 'producer', Role.Process]);
  const prun = prod.begin(50, Cat.Run, 'producer', '', 'fixture.py:22:1');
  prod.rec(Kind.LockAcquire, 100, [lock, 0, 0, 'fixture.py:24:9']);
  const hold = prod.begin(100, Cat.Hold, 'counter_lock', lock, 'fixture.py:24:9');
  prod.spanOf(150, 250, Cat.Sleep, 'sleep', '', 'fixture.py:25:13');
  prod.end(300, hold);
  prod.rec(Kind.LockRelease, 300, [lock]);
  for (let i = 1; i <= 4; i++) prod.rec(Kind.QueuePut, 350 + 10 * i, [queue, i, i]);
  prod.spanOf(395, 450, Cat.WaitQueuePut, 'put', queue, 'fixture.py:27:9');
  prod.rec(Kind.QueuePut, 451, [queue, 5, 4]);
  prod.end(700, prun);
  prod.rec(Kind.ProcExit, 705, [0, '']);
  procs.push(prod);

  const cons = new Proc(FIXTURE.consumer);
  cons.rec(Kind.ProcStart, 60, [100, 'consumer', Role.Process]);
  const crun = cons.begin(60, Cat.Run, 'consumer', '', 'fixture.py:32:1');
  cons.spanOf(FIXTURE.lockWait[0], FIXTURE.lockWait[1], Cat.WaitLock, 'acquire', lock, 'fixture.py:34:9');
  cons.rec(Kind.LockAcquire, 300, [lock, FIXTURE.producer, 1, 'fixture.py:34:9']);
  cons.spanOf(300, 340, Cat.Hold, 'counter_lock', lock, 'fixture.py:34:9');
  cons.rec(Kind.LockRelease, 340, [lock]);
  cons.spanOf(340, 445, Cat.Sleep, 'sleep', '', 'fixture.py:35:9');
  for (let i = 1; i <= 5; i++) cons.rec(Kind.QueueGet, 400 + 50 * i, [queue, FIXTURE.producer, i, 5 - i]);
  cons.spanOf(660, 700, Cat.WaitQueueGet, 'get', queue, 'fixture.py:36:16');
  cons.end(755, crun);
  cons.rec(Kind.ProcExit, 760, [0, '']);
  procs.push(cons);

  const crash = new Proc(FIXTURE.crasher);
  crash.rec(Kind.ProcStart, 100, [100, 'crasher', Role.Process]);
  crash.begin(100, Cat.Run, 'crasher', '', 'fixture.py:44:1');
  crash.begin(150, Cat.Sleep, 'sleep', '', 'fixture.py:45:5');
  crash.rec(Kind.Error, 390, [
    'MemoryError: out of memory',
    'Traceback (most recent call last):\n  File "fixture.py", line 46',
  ]);
  crash.rec(Kind.ProcExit, 400, [-9, 'SIGKILL']);
  procs.push(crash);

  const chunks = procs.map((p, conn) => ({ conn, bytes: p.enc.take() }));
  runner.rec(Kind.RunEnd, FIXTURE.runEnd, ['exit', 0]);
  chunks.push({ conn: 0, bytes: runner.enc.take() });
  return chunks;
}
