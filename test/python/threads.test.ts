// Threads as lanes: queue.Queue, threading.Lock, Event and Condition used by threads of one process.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Cat, Kind, Status } from '../../common/schema';
import { ofKind, runPython } from './harness';

test('threading primitives and queue.Queue: waits and flows on the thread lanes', async () => {
  const r = await runPython(resolve(__dirname, 'fixtures/threads_sync.py'));
  assert.equal(r.code, 0, r.lines.map((l) => l.text).join('\n'));
  const starts = ofKind(r.events, Kind.ThreadStart);
  assert.equal(starts.length, 4);
  const tids = new Set(starts.map((e) => e.tid));
  const lane = (name: string): number =>
    ofKind(r.events, Kind.Begin).find((b) => b.cat === Cat.Run && b.name === name)!.tid;
  const [producer, consumer, waiter] = ['producer', 'consumer', 'waiter'].map(lane);
  assert.ok([producer, consumer, waiter].every((t) => tids.has(t)));
  const waits = ofKind(r.events, Kind.Begin).filter((b) => b.cat >= Cat.WaitLock);
  assert.ok(
    waits.some((w) => w.cat === Cat.WaitQueuePut && w.tid === producer),
    'producer blocks on the full queue',
  );
  assert.ok(
    waits.some((w) => w.cat === Cat.WaitEvent && w.tid === consumer),
    'consumer waits for the event',
  );
  assert.ok(
    waits.some((w) => w.cat === Cat.WaitLock && w.tid === waiter),
    'waiter waits for the held lock',
  );
  const condWait = waits.find((w) => w.cat === Cat.WaitCondition && w.tid === waiter)!;
  const condEnd = ofKind(r.events, Kind.End).find((e) => e.span === condWait.span && e.tid === waiter)!;
  assert.equal(condEnd.status, Status.Timeout);
  const puts = ofKind(r.events, Kind.QueuePut);
  const gets = ofKind(r.events, Kind.QueueGet);
  assert.equal(puts.length, 6);
  assert.deepEqual(
    gets.map((g) => g.item),
    puts.map((p) => p.item),
  );
  assert.ok(puts.every((p) => p.tid === producer && p.depth <= 2));
  assert.ok(gets.every((g) => g.tid === consumer));
  const decl = ofKind(r.events, Kind.ObjDecl).map((d) => d.name);
  assert.deepEqual(decl.sort(), ['cond', 'held', 'lock', 'q', 'ready']);
});
