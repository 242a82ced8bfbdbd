// Analyses over a synthetic 1,000,000-event trace: a Pool(8) map, four processes contending for one
// lock around Value updates (a consistent lock schedule), a producer/consumer queue, CPU samples.
// Times the live deadlock detector per event, then each whole-run analysis, brushed-range queries
// and "why waiting" on the worst wait. Goal: all analyses of the finished trace under 1 s.
// Run (bundled, as the panel and CLI run it):
//   npx esbuild bench/analysis-1m.ts --bundle --platform=node --outfile=dist/bench/analysis-1m.js && node dist/bench/analysis-1m.js [events]
import { Cat, Kind, ObjType, Role, Status, type TraceEvent } from '../common/schema';
import { TraceStore } from '../common/store';
import {
  analyzeRun,
  breakdown,
  contentionTable,
  criticalPath,
  DeadlockDetector,
  efficiency,
  factsOf,
  lint,
  whyWaiting,
} from '../common/analysis';

const TARGET = Number(process.argv[2] ?? 1_000_000);
const T0 = 1e13;
const US = 1e3;
const ROOT = 100;
const WORKERS = [101, 102, 103, 104, 105, 106, 107, 108];
const LOCKERS = [201, 202, 203, 204];
const PRODUCER = 301;
const CONSUMER = 302;
const LOCK = 'lock:100:1';
const VALUE = 'value:100:2';
const QUEUE = 'queue:100:3';
const POOL = 'pool:100:4';

function generate(): TraceEvent[] {
  const ev: TraceEvent[] = [];
  const spanIds = new Map<number, number>();
  const push = (e: Record<string, unknown>): void => void ev.push(e as unknown as TraceEvent);
  const begin = (t: number, pid: number, cat: number, name: string, obj = '', loc = ''): number => {
    const span = (spanIds.get(pid) ?? 0) + 1;
    spanIds.set(pid, span);
    push({ kind: Kind.Begin, t, pid, tid: 0, span, cat, name, detail: '', obj, loc });
    return span;
  };
  const end = (t: number, pid: number, span: number): void =>
    push({ kind: Kind.End, t, pid, tid: 0, span, status: Status.Ok });
  push({ kind: Kind.ProcStart, t: T0, pid: ROOT, tid: 0, ppid: 1, name: 'main', role: Role.Root });
  for (const [key, type, name] of [
    [LOCK, ObjType.Lock, 'counter_lock'],
    [VALUE, ObjType.Value, 'counter'],
    [QUEUE, ObjType.Queue, 'jobs'],
    [POOL, ObjType.Pool, 'Pool-1'],
  ] as const)
    push({
      kind: Kind.ObjDecl,
      t: T0,
      pid: ROOT,
      tid: 0,
      obj: key,
      type,
      name,
      capacity: type === ObjType.Pool ? 8 : -1,
      loc: 'bench.py:3:1',
    });
  for (const pid of [...WORKERS, ...LOCKERS, PRODUCER, CONSUMER])
    push({
      kind: Kind.ProcStart,
      t: T0 + 10 * US,
      pid,
      tid: 0,
      ppid: ROOT,
      name: `p${pid}`,
      role: WORKERS.includes(pid) ? Role.PoolWorker : Role.Process,
    });

  // A discrete-event loop: each actor does one step at its next time, in global time order.
  const next = new Map<number, number>([...WORKERS, ...LOCKERS, PRODUCER, CONSUMER].map((p) => [p, T0 + 20 * US]));
  let lockFree = 0;
  let counter = 0;
  let task = 0;
  let item = 0;
  const queued: number[] = [];
  const count = new Map<number, number>();
  while (ev.length < TARGET) {
    let pid = -1;
    let t = Infinity;
    for (const [p, at] of next) if (at < t) [pid, t] = [p, at];
    count.set(pid, (count.get(pid) ?? 0) + 1);
    if (WORKERS.includes(pid)) {
      const id = ++task;
      const dur = (50 + ((id * 7919) % 400)) * US;
      push({
        kind: Kind.TaskSubmit,
        t: t - 5 * US,
        pid: ROOT,
        tid: 0,
        pool: POOL,
        task: id,
        fn: 'work',
        args: `${id}`,
        chunk: 1,
        loc: 'bench.py:20:5',
      });
      push({ kind: Kind.TaskStart, t, pid, tid: 0, pool: POOL, task: id });
      const s = begin(t, pid, Cat.Task, 'work');
      if (id % 3 === 0) end(t + dur / 2, pid, begin(t + dur / 4, pid, Cat.Sleep, 'sleep', '', 'bench.py:9:5'));
      end(t + dur, pid, s);
      push({ kind: Kind.TaskEnd, t: t + dur, pid, tid: 0, pool: POOL, task: id, status: Status.Ok });
      push({ kind: Kind.TaskResult, t: t + dur + 3 * US, pid: ROOT, tid: 0, pool: POOL, task: id, status: Status.Ok });
      next.set(pid, t + dur + 10 * US);
    } else if (LOCKERS.includes(pid)) {
      let at = t;
      if (lockFree > at) {
        const w = begin(at, pid, Cat.WaitLock, 'acquire', LOCK, 'bench.py:30:9');
        at = lockFree;
        end(at, pid, w);
      }
      const waited = at > t ? 1 : 0;
      push({ kind: Kind.LockAcquire, t: at, pid, tid: 0, obj: LOCK, fromPid: 0, waited, loc: 'bench.py:30:9' });
      const h = begin(at, pid, Cat.Hold, 'hold', LOCK, 'bench.py:30:9');
      push({ kind: Kind.ValueWrite, t: at + 2 * US, pid, tid: 0, obj: VALUE, index: -1, value: ++counter });
      const hold = (20 + (counter % 30)) * US;
      end(at + hold, pid, h);
      push({ kind: Kind.LockRelease, t: at + hold, pid, tid: 0, obj: LOCK });
      lockFree = at + hold;
      next.set(pid, at + hold + 150 * US);
    } else if (pid === PRODUCER) {
      push({ kind: Kind.QueuePut, t, pid, tid: 0, obj: QUEUE, item: ++item, depth: queued.length + 1 });
      queued.push(item);
      next.set(pid, t + 120 * US);
    } else {
      let at = t;
      if (!queued.length) {
        const w = begin(at, pid, Cat.WaitQueueGet, 'get', QUEUE, 'bench.py:40:9');
        at = next.get(PRODUCER)! + 1 * US;
        end(at, pid, w);
        next.set(pid, at);
        continue;
      }
      push({
        kind: Kind.QueueGet,
        t: at,
        pid,
        tid: 0,
        obj: QUEUE,
        putPid: PRODUCER,
        item: queued.shift(),
        depth: queued.length,
      });
      next.set(pid, at + 100 * US);
    }
    if (count.get(pid)! % 50 === 0) push({ kind: Kind.Sample, t, pid, tid: 0, cpu: 0.9, elu: 0.9 });
  }
  const last = Math.max(...next.values()) + 100 * US;
  for (const pid of [...WORKERS, ...LOCKERS, PRODUCER, CONSUMER])
    push({ kind: Kind.ProcExit, t: last, pid, tid: 0, code: 0, signal: '' });
  const j = begin(last - 50 * US, ROOT, Cat.WaitJoin, 'join', POOL, 'bench.py:50:5');
  end(last, ROOT, j);
  push({ kind: Kind.ProcExit, t: last + 10 * US, pid: ROOT, tid: 0, code: 0, signal: '' });
  return ev.sort((a, b) => a.t - b.t);
}

/** Runs `fn`, recording wall ms and CPU ms (user + system; the machine is shared, so CPU is the steadier figure). */
function time<T>(label: string, fn: () => T, rows: [string, number, number][]): T {
  const t = performance.now();
  const c = process.cpuUsage();
  const out = fn();
  const cpu = process.cpuUsage(c);
  rows.push([label, performance.now() - t, (cpu.user + cpu.system) / 1e3]);
  return out;
}

function main(): void {
  const events = generate();
  const store = new TraceStore();
  const t0 = performance.now();
  for (const e of events) store.add(e);
  const ingestMs = performance.now() - t0;
  const rows: [string, number, number][] = [];
  // Peer floor: one pass that reads every span's columns once (what any analysis must at least do).
  time(
    'peer: one pass over every span (sum of durations by category)',
    () => {
      const byCat = new Float64Array(32);
      for (const l of store.lanes()) {
        const c = store.spans(l.id);
        for (let i = 0; i < c.count; i++) byCat[c.cat[i]] += c.end[i] - c.start[i];
      }
      return byCat;
    },
    rows,
  );
  // Cold: the first call builds the facts from the store's point records and the shared indexes.
  time(
    'analyzeRun, cold (facts, table, breakdown, path, efficiency, lints)',
    () => analyzeRun(store, { cores: 2 }),
    rows,
  );
  const facts = factsOf(store)!;
  const table = time('contention table', () => contentionTable(store, facts), rows);
  time('breakdown', () => breakdown(store), rows);
  time('critical path', () => criticalPath(store), rows);
  const eff = time('efficiency + limiters', () => efficiency(store, { cores: 2 }, facts), rows);
  const lints = time('lints (all, standalone)', () => lint(store, { cores: 2 }, facts), rows);
  const mid = store.now / 2;
  const range = { t0: mid, t1: mid + store.now / 20 };
  time('contention table, 5% brushed range', () => contentionTable(store, facts, range), rows);
  time('breakdown, 5% brushed range', () => breakdown(store, range), rows);
  const worst = table[0].worst!;
  const why = time('why waiting (worst wait)', () => whyWaiting(store, worst), rows);
  // Warm: the same trace in a second store (fresh caches), after the JIT has seen every analysis once.
  const store2 = new TraceStore();
  for (const e of events) store2.add(e);
  time('analyzeRun, warm JIT, fresh store (same trace)', () => analyzeRun(store2, { cores: 2 }), rows);
  const det = new DeadlockDetector();
  let reports = 0;
  time(
    'live deadlock detector, all events',
    () => {
      for (const e of events) if (det.add(e)) reports++;
    },
    rows,
  );
  const detCpu = rows[rows.length - 1][2];

  const spans = store.lanes().reduce((n, l) => n + store.spans(l.id).count, 0);
  console.log(
    `${events.length.toLocaleString('en')} events, ${spans.toLocaleString('en')} spans, ${store.lanes().length} lanes (store ingest ${ingestMs.toFixed(0)} ms, not counted)`,
  );
  console.log(`${'analysis'.padEnd(70)} ${'wall ms'.padStart(9)} ${'cpu ms'.padStart(9)}`);
  for (const [label, wall, cpu] of rows)
    console.log(`${label.padEnd(70)} ${wall.toFixed(1).padStart(9)} ${cpu.toFixed(1).padStart(9)}`);
  console.log(
    `deadlock detector: ${((detCpu * 1e6) / events.length).toFixed(0)} ns/event (cpu), ${reports} reports (expected 0)`,
  );
  console.log(
    `top row: ${table[0].typeWord} ${table[0].name}: ${table[0].acquisitions} acquisitions, ${(table[0].waitShare * 100).toFixed(0)}% waited, convoy ${table[0].convoy}`,
  );
  console.log(eff.summary);
  console.log(`lints: ${lints.map((l) => l.id).join(', ') || 'none'}`);
  console.log(`why: ${why?.sentence}`);
}

main();
