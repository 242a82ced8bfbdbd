import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cat, Kind, Role, Stream } from '../../common/schema';
import { lines, ofKind, runCode, spans } from './harness';

test('output and samples keep flowing while a child is busy in a long synchronous loop', async () => {
  const r = await runCode(`
    import { Process, main, busy } from 'concurrency-lens';
    export function spin() {
      console.log('start');
      busy(1500);
      console.error('end');
    }
    main(async () => { const p = new Process({ target: spin }); p.start(); await p.join(); });
  `);
  assert.equal(r.code, 0, r.stderr);
  const out = ofKind(r.events, Kind.Output);
  const start = out.find((o) => o.text === 'start')!;
  const end = out.find((o) => o.text === 'end')!;
  assert.equal(start.stream, Stream.Stdout);
  assert.equal(end.stream, Stream.Stderr);
  assert.ok(r.arrivals[r.events.indexOf(start)] < end.t, "'start' reached the collector before the loop ended");
  const during = ofKind(r.events, Kind.Sample).filter(
    (s) => s.pid === start.pid && s.t > start.t + 300e6 && s.t < end.t,
  );
  assert.ok(during.length > 10, `samples during the loop: ${during.length}`);
  assert.ok(
    during.every((s) => s.elu === 1),
    'the blocked event loop counts as busy',
  );
  assert.ok(
    during.every((s) => s.cpu >= 0 && s.cpu <= 1),
    'CPU shares are fractions of a core',
  );
});

test('a Thread runs its exported target on its own lane of the process', async () => {
  const r = await runCode(`
    import { Thread, Queue, main, sleep } from 'concurrency-lens';
    export async function worker(q: Queue<string>, name: string) {
      sleep(100);
      console.log('in thread', name);
      await q.put(name);
    }
    main(async () => {
      const q = new Queue<string>();
      const ts = ['a', 'b'].map((n) => new Thread({ target: worker, args: [q, n], name: 'T-' + n }));
      ts.forEach((t) => t.start());
      for (const t of ts) await t.join();
      console.log('got', [await q.get(), await q.get()].sort().join(','), ts.map((t) => t.isAlive()).join(','));
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  const root = ofKind(r.events, Kind.ProcStart)[0];
  const starts = ofKind(r.events, Kind.ThreadStart);
  assert.deepEqual(starts.map((s) => s.name).sort(), ['T-a', 'T-b']);
  assert.ok(starts.every((s) => s.pid === root.pid && s.tid > 0));
  assert.equal(ofKind(r.events, Kind.ThreadEnd).length, 2);
  const tids = new Set(starts.map((s) => s.tid));
  const threadLines = ofKind(r.events, Kind.Output).filter((o) => tids.has(o.tid));
  assert.deepEqual(threadLines.map((o) => o.text).sort(), ['in thread a', 'in thread b']);
  assert.ok(spans(r.events, Cat.Sleep).every((s) => tids.has(s.begin.tid)));
  assert.ok(spans(r.events, Cat.Run).every((s) => tids.has(s.begin.tid) && s.begin.detail === 'worker'));
  assert.equal(lines(r).at(-1), 'got a,b false,false');
  // The first join was called right after start(): the root waits from that call, not from when the
  // thread was up, and the wait names the user's line.
  const joinA = spans(r.events, Cat.WaitJoin).find((s) => s.begin.tid === 0 && s.begin.name === 'T-a');
  const startA = starts.find((s) => s.name === 'T-a')!;
  assert.ok(joinA && joinA.begin.t < startA.t, 'the join is drawn from the call');
  assert.match(joinA.begin.loc, /\.ts:12:\d+$/);
});

test('shared objects travel inside queue items; Value.getLock guards a read-modify-write', async () => {
  const r = await runCode(`
    import { Process, Queue, Lock, Value, SharedValue, main } from 'concurrency-lens';
    export async function child(q: Queue<{ lock: Lock; v: SharedValue }>) {
      const { lock, v } = await q.get();
      await lock.withLock(async () => v.set((await v.get()) + 1));
      const held = await v.getLock().hold();
      v.set((await v.get()) * 10);
      held[Symbol.dispose]();
    }
    main(async () => {
      const q = new Queue<{ lock: Lock; v: SharedValue }>();
      const v = Value('i', 4);
      const p = new Process({ target: child, args: [q] });
      p.start();
      await q.put({ lock: new Lock({ name: 'guard' }), v });
      await p.join();
      console.log(await v.get());
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['50']);
  const child = ofKind(r.events, Kind.ProcStart).find((s) => s.role === Role.Process)!;
  const guard = ofKind(r.events, Kind.ObjDecl).find((d) => d.name === 'guard')!;
  assert.ok(ofKind(r.events, Kind.LockAcquire).some((a) => a.pid === child.pid && a.obj === guard.obj));
});

test('an uncaught error in the root is recorded with its source line and exits 1; a missing pool function says what to export', async () => {
  const r = await runCode(`
    import { Pool, main } from 'concurrency-lens';
    const square = (x: number) => x * x;
    main(async () => {
      const pool = new Pool(1);
      try {
        await pool.map(square, [1]);
      } catch (e) {
        console.log((e as Error).message);
      }
      pool.terminate();
      throw new TypeError('root failed');
    });
  `);
  assert.equal(r.code, 1);
  assert.match(lines(r)[0], /Pool task function "square" is not exported from snippet\.ts/);
  const err = ofKind(r.events, Kind.Error).find((e) => e.message === 'root failed')!;
  assert.match(err.stack, /TypeError: root failed\n\s+at .*snippet\.ts:12:13/);
  assert.equal(ofKind(r.events, Kind.TaskSubmit).length, 0);
});

test('records keep flowing during a long synchronous loop that calls neither busy nor sleep', async () => {
  const r = await runCode(`
    import { Process, main, mark } from 'concurrency-lens';
    export function spin() {
      console.log('start');
      const end = performance.now() + 1200;
      let n = 0;
      while (performance.now() < end) {
        const t = performance.now() + 5;
        while (performance.now() < t) {
          // a raw CPU loop, marked every 5 ms
        }
        mark('tick ' + n++);
      }
      console.log('end');
    }
    main(async () => { const p = new Process({ target: spin }); p.start(); await p.join(); });
  `);
  assert.equal(r.code, 0, r.stderr);
  const out = ofKind(r.events, Kind.Output);
  const start = out.find((o) => o.text === 'start')!;
  const end = out.find((o) => o.text === 'end')!;
  const arrived = (e: (typeof r.events)[number]): number => r.arrivals[r.events.indexOf(e)];
  assert.ok(arrived(start) < end.t - 800e6, "'start' reached the collector early in the loop");
  const marks = ofKind(r.events, Kind.Mark).filter((m) => m.pid === start.pid);
  const early = marks.filter((m) => arrived(m) < end.t);
  assert.ok(
    early.length > marks.length / 2,
    `marks that arrived before the loop ended: ${early.length} of ${marks.length}`,
  );
});
