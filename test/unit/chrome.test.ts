import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cat, Kind, ObjType, Role, Status, Stream } from '../../common/schema';
import { RecordEncoder } from '../../common/wire';
import { TraceStore } from '../../common/store';
import { toChromeTrace } from '../../common/chrome/export';
import { fromChromeTrace } from '../../common/chrome/import';
import type { ChromeEvent } from '../../common/chrome/format';

const T0 = 7.5e12;
const MS = 1e6;

/** Feeds each connection's bytes to the store in some interleaving. */
type Deliver = (bytes: Uint8Array[], s: TraceStore) => void;

/** 97-byte slices, round robin over the connections, as a collector would forward them. */
const roundRobin: Deliver = (bytes, s) => {
  for (let off = 0; bytes.some((b) => off < b.length); off += 97) {
    bytes.forEach((b, conn) => off < b.length && s.ingest({ conn, bytes: b.subarray(off, off + 97) }));
  }
};

/** A run with a root, two pool workers, a process with a thread, a queue, a lock, a pipe and a value. */
function syntheticRun(deliver: Deliver = roundRobin): TraceStore {
  const root = new RecordEncoder();
  const w1 = new RecordEncoder();
  const w2 = new RecordEncoder();
  const p = new RecordEncoder();
  const at = (enc: RecordEncoder, kind: number, ms: number, pid: number, tid: number, f: (number | string)[]): void =>
    enc.add(kind, T0 + ms * MS + (ms % 3) * 0.37, pid, tid, f); // fractional ns, as a real clock gives
  at(root, Kind.RunStart, 0, 0, 0, ['demo.ts', 'node']);
  at(root, Kind.ProcStart, 1, 100, 0, [1, 'MainProcess', Role.Root]);
  at(root, Kind.Begin, 1, 100, 0, [1, Cat.Run, 'main', '', '', 'demo.ts:1:1']);
  at(root, Kind.ObjDecl, 2, 100, 0, ['pool:100:1', ObjType.Pool, 'Pool(2)', 2, 'demo.ts:3:1']);
  at(root, Kind.ObjDecl, 2, 100, 0, ['queue:100:1', ObjType.Queue, 'jobs', 0, 'demo.ts:4:1']);
  at(root, Kind.ObjDecl, 2, 100, 0, ['lock:100:1', ObjType.Lock, 'counter lock', -1, 'demo.ts:5:1']);
  for (const [pid, enc] of [
    [201, w1],
    [202, w2],
  ] as const) {
    at(enc, Kind.ProcStart, 3, pid, 0, [100, `PoolWorker-${pid - 200}`, Role.PoolWorker]);
  }
  for (let task = 0; task < 6; task++) {
    const [pid, enc] = task % 2 ? [202, w2] : [201, w1];
    const s = 10 + task * 20;
    at(root, Kind.TaskSubmit, 5, 100, 0, ['pool:100:1', task, 'square', `[${task}]`, 0, 'demo.ts:8:3']);
    at(enc, Kind.TaskStart, s, pid, 0, ['pool:100:1', task]);
    at(enc, Kind.Begin, s, pid, 0, [task + 1, Cat.Task, 'square', `${task}`, 'pool:100:1', '']);
    at(enc, Kind.Begin, s + 2, pid, 0, [100 + task, Cat.WaitLock, 'acquire', '', 'lock:100:1', 'demo.ts:12:5']);
    at(enc, Kind.End, s + 4, pid, 0, [100 + task, Status.Ok]);
    at(enc, Kind.LockAcquire, s + 4, pid, 0, ['lock:100:1', task > 0 ? (task % 2 ? 201 : 202) : 0, 1, 'demo.ts:12:5']);
    at(enc, Kind.Begin, s + 4, pid, 0, [200 + task, Cat.Hold, 'hold', '', 'lock:100:1', '']);
    at(enc, Kind.End, s + 9, pid, 0, [200 + task, Status.Ok]);
    at(enc, Kind.LockRelease, s + 9, pid, 0, ['lock:100:1']);
    at(enc, Kind.End, s + 15, pid, 0, [task + 1, task === 5 ? Status.Error : Status.Ok]);
    at(enc, Kind.TaskEnd, s + 15, pid, 0, ['pool:100:1', task, task === 5 ? Status.Error : Status.Ok]);
    at(root, Kind.TaskResult, s + 16, 100, 0, ['pool:100:1', task, task === 5 ? Status.Error : Status.Ok]);
    at(enc, Kind.Sample, s + 10, pid, 0, [0.9, 0.5]);
  }
  at(w2, Kind.Error, 126, 202, 0, ['boom', 'Error: boom\n    at square (demo.ts:9:9)']);
  // Process 300 with a thread: two overlapping async waits (not nested), queue traffic, a pipe.
  at(p, Kind.ProcStart, 4, 300, 0, [100, 'Consumer', Role.Process]);
  at(p, Kind.Begin, 4, 300, 0, [1, Cat.Run, 'consume', '', '', 'demo.ts:20:1']);
  at(p, Kind.ThreadStart, 6, 300, 1, ['Thread-1']);
  at(p, Kind.Begin, 7, 300, 1, [1, Cat.Sleep, 'sleep', '', '', '']);
  at(p, Kind.End, 57, 300, 1, [1, Status.Ok]);
  at(p, Kind.ThreadEnd, 58, 300, 1, []);
  at(p, Kind.Begin, 10, 300, 0, [2, Cat.WaitQueueGet, 'get', '', 'queue:100:1', 'demo.ts:22:3']);
  at(p, Kind.Begin, 12, 300, 0, [3, Cat.WaitRecv, 'recv', '', 'pipe:100:1', 'demo.ts:23:3']);
  at(root, Kind.QueuePut, 15, 100, 0, ['queue:100:1', 1, 1]);
  at(root, Kind.QueuePut, 16, 100, 0, ['queue:100:1', 2, -1]);
  at(p, Kind.QueueGet, 20, 300, 0, ['queue:100:1', 100, 1, -1]);
  at(p, Kind.End, 20, 300, 0, [2, Status.Ok]);
  at(root, Kind.PipeSend, 25, 100, 0, ['pipe:100:1', 1]);
  at(p, Kind.PipeRecv, 30, 300, 0, ['pipe:100:1', 100, 1]);
  at(p, Kind.End, 30, 300, 0, [3, Status.Ok]);
  at(p, Kind.ValueWrite, 31, 300, 0, ['value:100:1', 2, 42.5]);
  at(p, Kind.Output, 32, 300, 0, [Stream.Stdout, 'got 1\ngot 2\n']);
  at(p, Kind.Output, 33, 300, 0, [Stream.Stderr, 'warn\n']);
  at(p, Kind.Mark, 34, 300, 0, ['halfway']);
  at(p, Kind.Begin, 40, 300, 0, [4, Cat.WaitQueueGet, 'get', '', 'queue:100:1', 'demo.ts:22:3']);
  at(p, Kind.ProcExit, 140, 300, 0, [-1, 'SIGTERM']);
  // The root is still running: its Run span stays open.
  at(w1, Kind.ProcExit, 150, 201, 0, [0, '']);
  at(w2, Kind.ProcExit, 151, 202, 0, [0, '']);
  const s = new TraceStore();
  deliver(
    [root, w1, w2, p].map((e) => e.take()),
    s,
  );
  return s;
}

// The export keeps whole nanoseconds.
const r3 = (x: number): number | null => (x === x ? Math.round(x) : null);

/** Everything the panel shows, keyed by pid/tid instead of lane ids, times rounded to whole ns. */
function snapshot(s: TraceStore): unknown {
  const lanes = s.lanes();
  const key = (lane: number): string => `${lanes[lane].pid}:${lanes[lane].tid}`;
  const series = (x: { count: number; t: Float64Array; v: Float64Array }): number[][] =>
    Array.from({ length: x.count }, (_, i) => [r3(x.t[i])!, r3(x.v[i])!]);
  const byLane = [...lanes].sort((a, b) => a.pid - b.pid || a.tid - b.tid);
  return {
    origin: s.origin,
    run: s.run(),
    lanes: byLane.map((l) => ({ ...l, id: 0, start: r3(l.start), end: r3(l.end) })),
    tree: s.laneTree().map((r) => [key(r.lane), r.level]),
    spans: byLane.map((l) => {
      const c = s.spans(l.id);
      return Array.from({ length: c.count }, (_, i) => [
        r3(c.start[i]),
        r3(c.end[i]),
        c.cat[i],
        c.status[i],
        c.depth[i],
        s.str(c.name[i]),
        s.str(c.detail[i]),
        s.str(c.obj[i]),
        s.str(c.loc[i]),
        c.task[i] >= 0 ? s.tasks()[c.task[i]].task : -1,
      ]);
    }),
    open: s
      .openSpans()
      .map((o) => ({ ...o, lane: key(o.lane), start: r3(o.start), task: o.task >= 0 ? s.tasks()[o.task].task : -1 })),
    objects: [...s.objects()].sort((a, b) => a.key.localeCompare(b.key)),
    tasks: s
      .tasks()
      .map((r) => [
        r.pool,
        r.task,
        r.fn,
        r.args,
        r.chunk,
        r.submitPid,
        r.workerPid,
        r3(r.submit),
        r3(r.start),
        r3(r.end),
        r3(r.result),
        r.status,
        r.loc,
      ])
      .sort((a, b) => Number(a[1]) - Number(b[1])),
    flows: s
      .flows()
      .map((f) => `${f.kind} ${f.obj} ${key(f.fromLane)}@${r3(f.fromT)} -> ${key(f.toLane)}@${r3(f.toT)}`)
      .sort(),
    depth: series(s.queueDepth('queue:100:1')),
    holders: series(s.lockHolders('lock:100:1')),
    waiters: series(s.lockWaiters('lock:100:1')),
    cpu: byLane.map((l) => series(s.cpu(l.id))),
    elu: byLane.map((l) => series(s.elu(l.id))),
    values: series(s.values('value:100:1', 2)),
    output: s.output().map((o) => ({ ...o, t: r3(o.t) })),
    marks: s.marks().map((m) => [key(m.lane), r3(m.t), m.name]),
    errors: s.errors().map((m) => [key(m.lane), r3(m.t), m.message, m.stack]),
  };
}

test('export → JSON → import rebuilds the same trace', () => {
  const a = syntheticRun();
  assert.equal(a.problems.length, 0);
  assert.equal(a.openSpans().length, 1, 'the root is still running');
  assert.equal(a.tasks().length, 6);
  const json = JSON.parse(JSON.stringify(toChromeTrace(a)));
  const { chunks, warnings } = fromChromeTrace(json);
  assert.deepEqual(warnings, []);
  const b = new TraceStore();
  for (const c of chunks) b.ingest(c);
  assert.equal(b.problems.length, 0);
  const sa = snapshot(a) as Record<string, unknown>;
  const sb = snapshot(b) as Record<string, unknown>;
  for (const k of Object.keys(sa)) assert.deepEqual(sb[k], sa[k], `${k} differs after the round trip`);
  // Sanity: the snapshot is not trivially empty.
  assert.equal((sa.flows as string[]).filter((f) => f.startsWith('lock')).length, 5);
  assert.ok((sa.flows as string[]).some((f) => f.startsWith('queue queue:100:1 100:0')));
  assert.ok((sa.flows as string[]).some((f) => f.startsWith('pipe pipe:100:1 100:0')));
});

test('the store holds the same trace whatever the interleaving of its connections', () => {
  const sorted = (x: unknown[]): unknown[] => x.map((v) => JSON.stringify(v)).sort();
  const normal = (s: TraceStore): Record<string, unknown> => {
    const snap = snapshot(s) as Record<string, unknown[]>;
    // Lists kept in arrival order: compare them as sets.
    return {
      ...snap,
      output: sorted(snap.output),
      marks: sorted(snap.marks),
      errors: sorted(snap.errors),
      open: sorted(snap.open),
    };
  };
  const whole: Deliver = (bytes, s) => bytes.forEach((b, conn) => s.ingest({ conn, bytes: b }));
  const want = normal(syntheticRun(whole));
  for (let seed = 1; seed <= 6; seed++) {
    let x = seed;
    const rnd = (n: number): number => (x = (x * 48271) % 2147483647) % n;
    const random: Deliver = (bytes, s) => {
      const off = bytes.map(() => 0);
      for (;;) {
        const left = bytes.map((b, i) => i).filter((i) => off[i] < bytes[i].length);
        if (left.length === 0) break;
        const conn = left[rnd(left.length)];
        const n = 1 + rnd(400);
        s.ingest({ conn, bytes: bytes[conn].subarray(off[conn], off[conn] + n) });
        off[conn] += n;
      }
    };
    const got = normal(syntheticRun(random));
    for (const k of Object.keys(want)) assert.deepEqual(got[k], want[k], `seed ${seed}: ${k} differs`);
  }
});

test('the export is a valid Chrome trace: nested X per thread, paired async and flow events', () => {
  const trace = toChromeTrace(syntheticRun());
  const ev = trace.traceEvents;
  for (const e of ev) {
    assert.equal(typeof e.ph, 'string');
    assert.ok(Number.isInteger(e.pid), `pid of ${JSON.stringify(e)}`);
    if (e.ph !== 'M') assert.ok(Number.isFinite(e.ts), `ts of ${JSON.stringify(e)}`);
    if (e.ph === 'X') assert.ok(e.dur! >= 0);
  }
  // X events on one thread must nest (Perfetto drops slices that overlap without nesting).
  const threads = new Map<string, ChromeEvent[]>();
  for (const e of ev)
    if (e.ph === 'X')
      (threads.get(`${e.pid}:${e.tid}`) ?? threads.set(`${e.pid}:${e.tid}`, []).get(`${e.pid}:${e.tid}`)!).push(e);
  for (const list of threads.values()) {
    list.sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    const stack: number[] = [];
    for (const e of list) {
      while (stack.length && stack[stack.length - 1] <= e.ts!) stack.pop();
      if (stack.length)
        assert.ok(e.ts! + e.dur! <= stack[stack.length - 1], `X ${e.name} at ${e.ts} overlaps its parent`);
      stack.push(e.ts! + e.dur!);
    }
  }
  const consumer = ev.filter((e) => e.pid === 300 && e.tid === 300);
  // The recv wait overlaps the queue wait without nesting: it becomes an async slice.
  assert.deepEqual(
    consumer.filter((e) => e.ph === 'b' || e.ph === 'e').map((e) => [e.ph, e.name, e.cat]),
    [
      ['b', 'recv', 'wait.recv'],
      ['e', 'recv', 'wait.recv'],
    ],
  );
  assert.deepEqual(
    ev.filter((e) => e.ph === 'B').map((e) => [e.pid, e.name]),
    [[100, 'main']],
  );
  const starts = new Set(ev.filter((e) => e.ph === 's').map((e) => e.id));
  const finishes = ev.filter((e) => e.ph === 'f');
  assert.equal(finishes.length, starts.size);
  for (const f of finishes) assert.ok(starts.has(f.id) && f.bp === 'e');
  assert.ok(ev.some((e) => e.ph === 'C' && e.name === 'queue jobs' && e.args?.depth === 1));
  assert.ok(ev.some((e) => e.ph === 'C' && e.name === 'cpu %' && e.pid === 201 && e.args?.cpu === 90));
  assert.ok(ev.some((e) => e.ph === 'i' && e.name === 'halfway'));
  assert.ok(ev.some((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'Thread-1' && e.tid === 1));
  assert.ok(ev.some((e) => e.ph === 'M' && e.name === 'process_name' && e.args?.name === 'Consumer' && e.pid === 300));
});

test('a trace written by another tool (VizTracer / Perfetto style) imports names, slices, counters, instants, flows', () => {
  const trace = {
    traceEvents: [
      { ph: 'M', pid: 4000, tid: 4000, name: 'process_name', args: { name: 'python3 app.py' } },
      { ph: 'M', pid: 4000, tid: 4017, name: 'thread_name', args: { name: 'downloader' } },
      { ph: 'X', pid: 4000, tid: 4000, ts: 1_000_000.5, dur: 500, name: 'main (app.py:1)', cat: 'FEE' },
      {
        ph: 'X',
        pid: 4000,
        tid: 4000,
        ts: 1_000_100,
        dur: 100,
        name: 'work (app.py:7)',
        cat: 'FEE',
        args: { n: 3, mode: 'fast' },
      },
      { ph: 'B', pid: 4000, tid: 4017, ts: 1_000_050, name: 'fetch' },
      { ph: 'E', pid: 4000, tid: 4017, ts: 1_000_250 },
      { ph: 'b', pid: 4000, tid: 4017, ts: 1_000_060, name: 'request', cat: 'net', id: '0x1' },
      { ph: 'e', pid: 4000, tid: 4017, ts: 1_000_300, name: 'request', cat: 'net', id: '0x1' },
      { ph: 'C', pid: 4000, ts: 1_000_000, name: 'heap', args: { used: 12.5, total: 64 } },
      { ph: 'C', pid: 4000, ts: 1_000_200, name: 'heap', args: { used: 20, total: 64 } },
      { ph: 'i', pid: 4000, tid: 4000, ts: 1_000_400, name: 'checkpoint', s: 't' },
      { ph: 's', pid: 4000, tid: 4000, ts: 1_000_150, name: 'hand', cat: 'flow', id: 7 },
      { ph: 'f', pid: 4000, tid: 4017, ts: 1_000_200, name: 'hand', cat: 'flow', id: 7, bp: 'e' },
      { ph: 'P', pid: 4000, tid: 4000, ts: 1_000_300, name: 'sample' },
      { ph: 'E', pid: 4000, tid: 4000, ts: 1_000_450 },
      { ph: 'X', pid: 5000, tid: 140_234_567_890_123, ts: 1_000_010, dur: 10, name: 'solo' },
    ],
    viztracer_metadata: { version: '0.16.0' },
  };
  const { chunks, warnings } = fromChromeTrace(JSON.stringify(trace));
  const s = new TraceStore();
  for (const c of chunks) s.ingest(c);
  assert.equal(s.problems.length, 0);
  assert.deepEqual(warnings, [
    'ignored 1 event(s) of phase "P" (not shown by this viewer)',
    '1 end event(s) had no matching begin and were ignored',
  ]);
  const lanes = s.lanes().map((l) => [l.pid, l.tid, l.name]);
  assert.deepEqual(
    lanes.sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1])),
    [
      [4000, 0, 'python3 app.py'],
      [4000, 4017, 'downloader'],
      [5000, 0, 'pid 5000'],
    ],
  );
  const main = s.lanes().find((l) => l.pid === 4000 && l.tid === 0)!.id;
  const dl = s.lanes().find((l) => l.tid === 4017)!.id;
  const names = (lane: number): [string, number, number, number, string][] => {
    const c = s.spans(lane);
    return Array.from({ length: c.count }, (_, i) => [
      s.str(c.name[i]),
      c.start[i],
      c.end[i],
      c.depth[i],
      s.str(c.detail[i]),
    ]);
  };
  // Times are rebased to the earliest timestamp (1_000_000 µs).
  assert.deepEqual(names(main), [
    ['main (app.py:1)', 500, 500_500, 0, 'FEE'],
    ['work (app.py:7)', 100_000, 200_000, 1, 'FEE · n=3, mode=fast'],
  ]);
  assert.deepEqual(names(dl), [
    ['fetch', 50_000, 250_000, 0, ''],
    ['request', 60_000, 300_000, 1, 'net'],
  ]);
  assert.equal(
    s.spans(s.lanes().find((l) => l.pid === 5000)!.id).count,
    1,
    'a single 64-bit thread id becomes the main lane',
  );
  const heap = s.objects().find((o) => o.name === 'heap used')!;
  assert.equal(heap.type, ObjType.Value);
  const v = s.values(heap.key);
  assert.deepEqual(Array.from(v.v.subarray(0, v.count)), [12.5, 20]);
  assert.deepEqual(
    s.marks().map((m) => [m.name, m.t]),
    [['checkpoint', 400_000]],
  );
  assert.deepEqual(
    s.flows().map((f) => [f.kind, f.fromLane, f.fromT, f.toLane, f.toT]),
    [['pipe', main, 150_000, dl, 200_000]],
  );
});

test('the JSON array form, also cut off before its closing bracket, and as bytes, imports', () => {
  const text =
    '[{"ph":"X","pid":1,"tid":1,"ts":5,"dur":2,"name":"a"},{"ph":"X","pid":1,"tid":1,"ts":9,"dur":1,"name":"b"},';
  const s = new TraceStore();
  for (const c of fromChromeTrace(text).chunks) s.ingest(c);
  assert.equal(s.spans(0).count, 2);
  assert.equal(s.spans(0).end[1], 5000);
  const fromBytes = new TraceStore();
  for (const c of fromChromeTrace(new TextEncoder().encode(text)).chunks) fromBytes.ingest(c);
  assert.equal(fromBytes.spans(0).count, 2, 'UTF-8 bytes of a trace file import the same');
});

test('malformed input fails with a message that says what is wrong and where', () => {
  const bad: [unknown, RegExp][] = [
    ['{"traceEvents": [', /not valid JSON/],
    [42, /JSON array of events or an object with "traceEvents"; got number 42/],
    [{ events: [] }, /needs a "traceEvents" array; this object has keys events/],
    [{ traceEvents: {} }, /"traceEvents" must be an array, got object/],
    [[{ ph: 'X', ts: 1, dur: 1 }, 'oops'], /event #1 must be an object, got a string \("oops"\)/],
    [
      [{ ts: 1 }],
      /event #0 needs a "ph" \(phase\) string, got nothing|event #0 needs a "ph" \(phase\) string, got undefined/,
    ],
    [
      [{ ph: 'X', name: 'f', ts: '12', dur: 1, pid: 1, tid: 1 }],
      /event #0 \(ph "X", name "f"\): "ts" must be a number, got a string \("12"\)/,
    ],
    [
      [{ ph: 'X', name: 'f', ts: 1, dur: -5, pid: 1, tid: 1 }],
      /event #0 \(ph "X", name "f"\): "dur" must not be negative/,
    ],
    [[{ ph: 'b', name: 'f', ts: 1, pid: 1, tid: 1 }], /event #0 \(ph "b", name "f"\): needs an "id"/],
    [
      [{ ph: 'i', name: 'f', ts: 1, pid: 1, args: [1] }],
      /event #0 \(ph "i", name "f"\): "args" must be an object, got an array/,
    ],
    [
      { traceEvents: [], otherData: { concurrencyLens: { schema: 1, origin: 'x' } } },
      /otherData\.concurrencyLens\.origin must be a number, got a string/,
    ],
    [
      { traceEvents: [], otherData: { concurrencyLens: { schema: 1, origin: 0, lanes: [{ pid: 1 }] } } },
      /otherData\.concurrencyLens\.lanes\[0\]\.tid must be a number/,
    ],
  ];
  for (const [input, msg] of bad) assert.throws(() => fromChromeTrace(input), msg, JSON.stringify(input).slice(0, 80));
});
