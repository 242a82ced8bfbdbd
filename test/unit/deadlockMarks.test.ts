import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlockDetector } from '../../common/analysis/deadlock';
import { marksOf } from '../../webview/deadlockBanner';
import { Cat, ObjType, Role, TraceBuilder, at } from './analysis-trace';

const A = 'lock:41:1';
const B = 'lock:41:2';

function detect(b: TraceBuilder): { marks: ReturnType<typeof marksOf>; lane: (pid: number) => number; origin: number } {
  const { store, events } = b.build();
  const det = new DeadlockDetector({ stallNs: 1e9 });
  let report = null;
  for (const e of events) report = det.add(e) ?? report;
  report ??= det.tick(at(5000));
  assert.ok(report, 'a report');
  const lane = (pid: number): number => store.lanes().find((l) => l.pid === pid)?.id ?? -9;
  return { marks: marksOf(report, store), lane, origin: store.origin };
}

test('a cycle marks each blocked wait from its start, pointing at the next lane and back round', () => {
  const { marks, lane, origin } = detect(
    new TraceBuilder()
      .proc(41, 0, undefined, { role: Role.Root })
      .proc(42, 0, undefined, { ppid: 41 })
      .obj(41, A, ObjType.Lock, 'A')
      .obj(41, B, ObjType.Lock, 'B')
      .hold(41, A, 1, undefined)
      .hold(42, B, 2, undefined)
      .span(41, Cat.WaitLock, 10, undefined, { obj: B })
      .span(42, Cat.WaitLock, 11, undefined, { obj: A }),
  );
  assert.deepEqual(marks, [
    { lane: lane(41), since: at(10) - origin, waitsFor: lane(42) },
    { lane: lane(42), since: at(11) - origin, waitsFor: lane(41) },
  ]);
});

test('a stall marks every blocked lane with no arrow (nobody waits for a particular lane)', () => {
  const { marks, lane } = detect(
    new TraceBuilder()
      .proc(41, 0, undefined, { role: Role.Root })
      .proc(42, 0, undefined, { ppid: 41 })
      .span(41, Cat.WaitEvent, 10, undefined, { name: 'wait', obj: 'event:41:1' })
      .span(42, Cat.WaitEvent, 11, undefined, { name: 'wait', obj: 'event:41:1' }),
  );
  assert.deepEqual(
    marks.map((m) => [m.lane, m.waitsFor]),
    [
      [lane(41), -1],
      [lane(42), -1],
    ],
  );
});
