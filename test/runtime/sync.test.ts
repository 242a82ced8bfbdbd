import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cat, Kind, Status } from '../../common/schema';
import { lines, ofKind, runCode, spans } from './harness';

test('a Lock makes counter increments of four processes exact, with hold spans and hand-offs recorded', async () => {
  const r = await runCode(`
    import { Event, Process, Lock, Queue, Value, main, SharedValue } from 'concurrency-lens';
    // All four start counting at once (a start barrier), so the lock is contended and handed over.
    export async function add(lock: Lock, counter: SharedValue, ready: Queue, go: Event) {
      await ready.put(1);
      await go.wait();
      for (let i = 0; i < 25; i++) {
        await lock.acquire();
        counter.set((await counter.get()) + 1);
        lock.release();
      }
    }
    main(async () => {
      const lock = new Lock();
      const counter = Value('i', 0);
      const ready = new Queue();
      const go = new Event();
      const ps = [0, 1, 2, 3].map(() => new Process({ target: add, args: [lock, counter, ready, go] }));
      ps.forEach((p) => p.start());
      for (const _ of ps) await ready.get();
      go.set();
      for (const p of ps) await p.join();
      console.log('counter', await counter.get());
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['counter 100']);
  const acq = ofKind(r.events, Kind.LockAcquire);
  const rel = ofKind(r.events, Kind.LockRelease);
  assert.equal(acq.length, 100);
  assert.equal(rel.length, 100);
  const holds = spans(r.events, Cat.Hold);
  assert.equal(holds.length, 100);
  // No two holds overlap: the lock really excludes.
  const sorted = holds.map((h) => [h.begin.t, h.end!.t]).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i][0] >= sorted[i - 1][1] - 1e6, 'holds overlap');
  const handoffs = acq.filter((a) => a.fromPid !== 0);
  assert.ok(handoffs.length > 0, 'some acquisitions were hand-offs from another process');
  assert.ok(handoffs.every((a) => a.fromPid !== a.pid));
  assert.equal(spans(r.events, Cat.WaitLock).length, 100);
  assert.equal(ofKind(r.events, Kind.ValueWrite).length, 100);
  assert.equal(Math.max(...ofKind(r.events, Kind.ValueWrite).map((w) => w.value)), 100);
});

test('RLock re-entry, Semaphore slots, Event wait/set, Condition wait/notify and acquire timeouts', async () => {
  const r = await runCode(`
    import { Process, Lock, RLock, Semaphore, Event, Condition, Manager, ListProxy, main } from 'concurrency-lens';
    export async function waiter(ev: Event, cond: Condition, items: ListProxy<string>) {
      await cond.acquire();
      ev.set();
      // wait() releases the lock, so the parent can only add items once we are waiting.
      await cond.waitFor(async () => (await items.size()) > 0);
      console.log('child saw', (await items.toArray()).join(','));
      cond.release();
    }
    main(async () => {
      const rl = new RLock();
      await rl.acquire(); await rl.acquire(); rl.release(); rl.release();
      const lock = new Lock();
      await lock.acquire();
      console.log('timeout', await lock.acquire({ timeout: 50 }), await lock.acquire({ block: false }));
      lock.release();
      const sem = new Semaphore(2);
      console.log('slots', await sem.acquire(), await sem.acquire(), await sem.acquire(30));
      const ev = new Event();
      const cond = new Condition();
      const items = Manager().list<string>();
      const p = new Process({ target: waiter, args: [ev, cond, items] });
      p.start();
      await ev.wait();
      console.log('set', await ev.isSet());
      await cond.acquire();
      await items.append('a', 'b');
      cond.notifyAll();
      cond.release();
      await p.join();
      console.log('exit', p.exitCode);
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['timeout false false', 'slots true true false', 'set true', 'child saw a,b', 'exit 0']);
  const lockWaits = spans(r.events, Cat.WaitLock);
  assert.ok(lockWaits.some((s) => s.end?.status === Status.Timeout));
  assert.equal(spans(r.events, Cat.WaitSemaphore).at(-1)?.end?.status, Status.Timeout);
  assert.equal(spans(r.events, Cat.WaitEvent).length, 1);
  const condWaits = spans(r.events, Cat.WaitCondition);
  assert.equal(condWaits.length, 1);
  assert.equal(condWaits[0].end?.status, Status.Ok);
  const managerOps = spans(r.events, Cat.WaitManager).map((s) => s.begin.name);
  assert.ok(managerOps.includes('Manager-1.list-1.append'), managerOps.join(' '));
});
