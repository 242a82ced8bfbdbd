import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdown } from '../../common/analysis/breakdown';
import { contentionTable } from '../../common/analysis/contention';
import { whyWaiting } from '../../common/analysis/whyWaiting';
import { breakdownText } from '../../webview/breakdownView';
import { COLUMNS, waitsOf } from '../../webview/contentionModel';
import { whyLines } from '../../webview/whyView';
import { Cat, ObjType, Role, TraceBuilder } from './analysis-trace';

const L = 'lock:1:1';

/** Process 2 holds the lock 0–100 ms; process 3 waits for it 20–100 ms, then holds it to 130 ms. */
function contended() {
  return new TraceBuilder()
    .proc(1, 0, 200, { role: Role.Root })
    .proc(2, 0, 150, { ppid: 1 })
    .proc(3, 0, 150, { ppid: 1 })
    .obj(1, L, ObjType.Lock, 'L', 'a.py:1:1')
    .span(2, Cat.Run, 0, 150)
    .span(3, Cat.Run, 0, 150)
    .hold(2, L, 0, 100, 'a.py:5:5')
    .contended(3, L, 20, 100, 130, 'a.py:9:5', 2)
    .build();
}

test('contention cells and the waits of an object, from the analysis rows', () => {
  const { store, facts } = contended();
  const [row] = contentionTable(store, facts);
  const cell = (k: string): string => COLUMNS.find((c) => c.key === k)?.cell(row) ?? '?';
  assert.deepEqual(['name', 'acquisitions', 'waitShare', 'waitMax', 'holdTotal', 'processes'].map(cell), [
    'L',
    '2',
    '50%',
    '80 ms',
    '130 ms',
    '2',
  ]);
  const lane3 = store.lanes().find((l) => l.pid === 3)?.id;
  assert.deepEqual(
    waitsOf(store, L).map((w) => [w.lane, w.end - w.start]),
    [[lane3, 80e6]],
  );
});

test('breakdown and why-waiting text for the waiting process', () => {
  const { store } = contended();
  const b = breakdown(store).find((x) => x.pid === 3);
  assert.ok(b);
  assert.equal(breakdownText(b), 'running 47% · waiting (lock) 53%');
  const lane = store.lanes().find((l) => l.pid === 3)?.id ?? -1;
  const s = store.spans(lane);
  const index = Array.from({ length: s.count }, (_, i) => i).find((i) => s.cat[i] === Cat.WaitLock) ?? -1;
  const w = whyWaiting(store, { lane, index, start: s.start[index], end: s.end[index] });
  assert.ok(w);
  const lines = whyLines(w);
  assert.deepEqual(lines[0], ['Waited for', 'lock L at a.py:9:5, 20 ms – 100 ms (80 ms)']);
  assert.deepEqual(lines[1], ['Held by', 'process 2, 20 ms – 100 ms, taken at a.py:5:5']);
  assert.deepEqual(lines[lines.length - 1], ['Released by', 'process 2 at 100 ms']);
});
