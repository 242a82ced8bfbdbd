/**
 * The runner's live detector on record chunks: a cycle is passed on only once its waits have lasted
 * CONFIRM_MS of arrival time, so a wait whose end record was still in flight raises no banner.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TraceEvent } from '../../common/schema';
import { StreamsByPid } from '../recordStreams';
import { CONFIRM_MS, LiveDeadlock, type RunDeadlock } from '../../engine/liveDeadlock';
import { Cat, Kind, ObjType, Role, TraceBuilder, at } from '../unit/analysis-trace';

const A = 'lock:41:1';
const B = 'lock:41:2';
const MS = 1e6;

/** Two processes each holding one lock and waiting for the other's; 41's wait ends at `end41` (if given). */
function twoLocks(end41?: number): TraceEvent[] {
  return new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root })
    .proc(42, 0, undefined, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A', 'x.py:3:5')
    .obj(41, B, ObjType.Lock, 'B', 'x.py:4:5')
    .hold(41, A, 1, undefined, 'x.py:8:9')
    .hold(42, B, 2, undefined, 'x.py:14:9')
    .span(41, Cat.WaitLock, 10, end41, { obj: B, loc: 'x.py:9:13' })
    .span(42, Cat.WaitLock, 11, undefined, { obj: A, loc: 'x.py:15:13' })
    .sorted();
}

/** One chunk per process connection (as the collector delivers them), each encoder kept for later chunks. */
function chunker(): (events: TraceEvent[]) => { conn: number; bytes: Uint8Array }[] {
  const streams = new StreamsByPid();
  return (events) => streams.add(events).take((pid) => pid);
}

function live(): { det: LiveDeadlock; got: RunDeadlock[] } {
  const det = new LiveDeadlock(at(0), (fn) => fn());
  const got: RunDeadlock[] = [];
  det.on((d) => got.push(d));
  return { det, got };
}

test('a cycle that lasts is passed on after CONFIRM_MS, once, with its graph', () => {
  const { det, got } = live();
  const chunks = chunker()(twoLocks());
  const now = 1000 * MS;
  for (const c of chunks) det.ingest(c, now);
  det.tick(now + (CONFIRM_MS - 10) * MS);
  assert.equal(got.length, 0, 'not before CONFIRM_MS');
  det.tick(now + CONFIRM_MS * MS);
  assert.equal(got.length, 1);
  assert.equal(got[0].sentence, 'process 41 holds lock A and waits for lock B; process 42 holds B and waits for A');
  assert.equal(got[0].atNs, 11 * MS);
  assert.deepEqual(
    got[0].graph.map((e) => [e.from.pid, e.to?.pid, e.obj]),
    [
      [41, 42, B],
      [42, 41, A],
    ],
  );
  assert.equal(det.latest, got[0]);
  det.tick(now + 2 * CONFIRM_MS * MS);
  assert.equal(got.length, 1);
});

test('a cycle built on a wait whose end record arrives late is dropped', () => {
  const { det, got } = live();
  const events = twoLocks(12);
  const late = events.find((e) => e.kind === Kind.End && e.pid === 41 && e.t === at(12))!;
  const send = chunker();
  const now = 1000 * MS;
  for (const c of send(events.filter((e) => e !== late))) det.ingest(c, now);
  det.tick(now + 50 * MS);
  for (const c of send([late])) det.ingest(c, now + 60 * MS);
  det.tick(now + 2 * CONFIRM_MS * MS);
  assert.deepEqual(got, []);
});

test('no report once the run is ending: processes being ended are not deadlocks', () => {
  const { det, got } = live();
  for (const c of chunker()(twoLocks())) det.ingest(c, 0);
  det.close();
  det.tick(10 * CONFIRM_MS * MS);
  assert.deepEqual(got, []);
});
