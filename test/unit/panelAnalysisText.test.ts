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

test('every contention column: its header, sort key and the cell of the contended lock', () => {
  const { store, facts } = contended();
  const [row] = contentionTable(store, facts);
  assert.deepEqual(
    COLUMNS.map((c) => [c.key, c.header, c.numeric, c.cell(row)]),
    [
      ['name', 'Object', false, 'L'],
      ['type', 'Kind', false, 'lock'],
      ['acquisitions', 'Acq.', true, '2'],
      ['waitShare', 'Waited', true, '50%'],
      ['waitTotal', 'Wait total', true, '80 ms'],
      ['waitP50', 'Wait p50', true, '80 ms'],
      ['waitP95', 'Wait p95', true, '80 ms'],
      ['waitMax', 'Wait max', true, '80 ms'],
      ['holdTotal', 'Hold total', true, '130 ms'],
      ['holdP50', 'Hold p50', true, '30 ms'],
      ['holdP95', 'Hold p95', true, '100 ms'],
      ['holdMax', 'Hold max', true, '100 ms'],
      ['convoy', 'Convoy', true, '1'],
      ['processes', 'Procs', true, '2'],
    ],
  );
});
