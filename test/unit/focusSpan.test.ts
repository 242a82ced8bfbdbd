import { test } from 'node:test';
import assert from 'node:assert/strict';
import { laneOf, locateFocus, spanAt, windowAround } from '../../webview/focusSpan';
import { ObjType, Role, TraceBuilder, ms } from './analysis-trace';

const L = 'lock:1:1';

/** Process 3 waits for the lock twice: 20–100 ms and 150–160 ms; a thread of process 2 also has a lane. */
function trace() {
  return new TraceBuilder()
    .proc(1, 0, 200, { role: Role.Root })
    .proc(2, 0, 190, { ppid: 1 })
    .proc(3, 0, 190, { ppid: 1 })
    .obj(1, L, ObjType.Lock, 'L', 'a.py:1:1')
    .hold(2, L, 0, 100, 'a.py:5:5')
    .contended(3, L, 20, 100, 130, 'a.py:9:5', 2)
    .hold(2, L, 140, 160, 'a.py:5:5', 0, 0, 7)
    .contended(3, L, 150, 160, 170, 'a.py:9:5', 2)
    .build().store;
}

test('a focus message finds the lane by pid and tid and the wait by its start and end', () => {
  const store = trace();
  const lane3 = laneOf(store, 3, 0);
  assert.equal(store.lanes()[lane3].pid, 3);
  assert.equal(store.lanes()[laneOf(store, 2, 7)].tid, 7);
  assert.equal(laneOf(store, 3, 7), -1);
  const at = locateFocus(store, { type: 'chart/focus', pid: 3, tid: 0, start: ms(150), end: ms(160) });
  assert.equal(at.lane, lane3);
  const s = store.spans(lane3);
  assert.deepEqual([s.start[at.index], s.end[at.index]], [ms(150), ms(160)]);
  // The hold that starts where the first wait ends is not the wait.
  const first = spanAt(store, lane3, ms(20), ms(100));
  assert.deepEqual([s.start[first], s.end[first]], [ms(20), ms(100)]);
  assert.equal(spanAt(store, lane3, ms(21), ms(100)), -1);
  assert.deepEqual(locateFocus(store, { type: 'chart/focus', pid: 9, tid: 0, start: ms(20), end: ms(100) }), {
    lane: -1,
    index: -1,
  });
});

test('the chart zooms so the span fills the middle third, at least 2 ms wide', () => {
  assert.deepEqual(windowAround(ms(20), ms(100)), [ms(-60), ms(180)]);
  assert.deepEqual(windowAround(ms(5), ms(5)), [ms(4), ms(6)]);
});
