// The panel's pure layout, merge and hit-testing maths, and its statistics, on a real TraceStore.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lane } from '../../common/store/api';
import { TraceStore } from '../../common/store';
import { Cat, Role } from '../../common/schema';
import { buildRows, formatDuration, orderLanes, rowAt, stepIndex, taskLabel } from '../../webview/layout';
import { hitSpan, mergeSpans, rangeIter, type SpanCols } from '../../webview/merge';
import { flowsFor, pickAt } from '../../webview/pick';
import { describePick } from '../../webview/describe';
import { exitKind, State } from '../../webview/states';
import { rangeStats, summarize } from '../../webview/stats';
import { FIXTURE, fixtureChunks } from '../webview/synthTrace';

const lane = (id: number, pid: number, tid: number, ppid: number, start: number, name = `p${pid}`): Lane => ({
  id,
  pid,
  tid,
  ppid,
  start,
  name,
  role: 1,
  end: NaN,
  exitCode: NaN,
  signal: '',
});

function cols(spans: [number, number, number, number][]): SpanCols {
  return {
    start: Float64Array.from(spans.map((s) => s[0])),
    end: Float64Array.from(spans.map((s) => s[1])),
    depth: Uint8Array.from(spans.map((s) => s[2])),
    cat: Uint8Array.from(spans.map((s) => s[3])),
  };
}

function store(): TraceStore {
  const s = new TraceStore();
  for (const c of fixtureChunks()) s.ingest(c);
  return s;
}

test('lanes nest under their parent by start time, threads right after their process', () => {
  const lanes = [
    lane(0, 10, 0, 1, 0),
    lane(1, 12, 0, 10, 50),
    lane(2, 11, 0, 10, 20),
    lane(3, 10, 7, 10, 5, 'thr'),
    lane(4, 13, 0, 12, 60),
    lane(5, 99, 0, 1, 1),
  ];
  const order = orderLanes(lanes).map((o) => `${o.lane.pid}.${o.lane.tid}@${o.indent}`);
  assert.deepEqual(order, ['10.0@0', '10.7@1', '11.0@1', '12.0@1', '13.0@2', '99.0@0']);
});

test('rows stack lanes, then lock lanes, then queue charts; rowAt finds them by y', () => {
  const s = store();
  const rows = buildRows(s.lanes(), s.objects());
  assert.deepEqual(
    rows.map((r) => r.kind),
    [...Array(8).fill('lane'), 'lock', 'queue'],
  );
  assert.equal(rows[8].label, 'counter_lock');
  assert.equal(rows[9].sub, 'maxsize 4');
  for (const [i, r] of rows.entries()) {
    assert.equal(rowAt(rows, r.y), i);
    assert.equal(rowAt(rows, r.y + r.h - 0.5), i);
  }
  assert.equal(rowAt(rows, -1), -1);
  assert.equal(rowAt(rows, rows[9].y + rows[9].h), -1);
});

test('spans narrower than a pixel merge; wide spans stay one rectangle each', () => {
  // 1000 spans of 1 ns every 2 ns, then one wide span, at 1 px per 100 ns.
  const spans: [number, number, number, number][] = [];
  for (let i = 0; i < 1000; i++) spans.push([i * 2, i * 2 + 1, 0, Cat.Run]);
  spans.push([3000, 9000, 0, Cat.Task]);
  const out: [number, number, number, number, number][] = [];
  const n = mergeSpans(cols(spans), rangeIter(0, spans.length), 0, 0.01, 1000, (x0, x1, d, cat, _i, merged) =>
    out.push([x0, x1, d, cat, merged]),
  );
  assert.equal(n, out.length);
  assert.equal(out.length, 2);
  const merged = out.find((r) => r[3] === Cat.Run);
  assert.ok(merged);
  assert.equal(merged[4], 1000);
  assert.ok(merged[0] === 0 && merged[1] >= 19.98 && merged[1] <= 21, `${merged}`);
  const wide = out.find((r) => r[3] === Cat.Task);
  assert.deepEqual(wide?.slice(0, 2), [30, 90]);
});

test('merging keeps depths apart and clips to the visible width', () => {
  const c = cols([
    [0, 100, 0, Cat.Run],
    [10, 10.2, 1, Cat.WaitLock],
    [10.3, 10.4, 1, Cat.WaitLock],
    [-50, 5000, 0, Cat.Task],
  ]);
  const out: number[][] = [];
  mergeSpans(c, rangeIter(0, 4), 0, 1, 200, (x0, x1, d, _c, _i, m) => out.push([x0, x1, d, m]));
  assert.deepEqual(
    out.find((r) => r[2] === 1),
    [10, 11, 1, 2],
  );
  assert.deepEqual(
    out.find((r) => r[0] === -1),
    [-1, 201, 0, 1],
  );
});

test('hitSpan prefers the deepest span containing t, else the nearest within tolerance', () => {
  const c = cols([
    [0, 100, 0, Cat.Run],
    [20, 30, 1, Cat.Sleep],
    [200, 201, 0, Cat.Task],
  ]);
  assert.equal(hitSpan(c, rangeIter(0, 3), 25, 0), 1);
  assert.equal(hitSpan(c, rangeIter(0, 3), 50, 0), 0);
  assert.equal(hitSpan(c, rangeIter(0, 3), 203, 5), 2);
  assert.equal(hitSpan(c, rangeIter(0, 3), 150, 5), -1);
});

test('step lookup, durations and task labels', () => {
  const t = Float64Array.from([10, 20, 30]);
  assert.equal(stepIndex(t, 3, 5), -1);
  assert.equal(stepIndex(t, 3, 20), 1);
  assert.equal(stepIndex(t, 3, 99), 2);
  assert.equal(formatDuration(1_234_000_000), '1.23 s');
  assert.equal(formatDuration(99_960_000), '100 ms');
  assert.equal(formatDuration(2_500_000), '2.5 ms');
  assert.equal(formatDuration(12_400_000), '12.4 ms');
  assert.equal(formatDuration(800), '800 ns');
  assert.equal(taskLabel('square', '7'), 'square(7)');
  assert.equal(taskLabel('f', 'x'.repeat(100), 10), `f(${'x'.repeat(9)}…)`);
});

test('picking a task span gives its submit → run → result flows and a description', () => {
  const s = store();
  const rows = buildRows(s.lanes(), s.objects());
  const w1 = rows.find((r) => r.sub === 'PID 201');
  assert.ok(w1);
  const pick = pickAt(s, w1, (FIXTURE.taskStart(0) + 10) * 1e6, 1e6);
  assert.equal(pick?.kind, 'span');
  assert.ok(pick && pick.kind === 'span');
  assert.equal(pick.cat, Cat.Task);
  const text = describePick(s, pick).join('\n');
  assert.match(text, /^square\(0\)/);
  assert.match(text, /PID 201/);
  const flows = flowsFor(s, pick, 1e6);
  assert.equal(flows.length, 2);
  assert.equal(s.lanes()[flows[0].fromLane].pid, 100);
  assert.equal(s.lanes()[flows[0].toLane].pid, 201);
  assert.equal(flows[1].toT, (FIXTURE.taskStart(0) + FIXTURE.taskMs + 2) * 1e6);
});

test('a wait inside a pool task names the task', () => {
  const s = store();
  const w1 = buildRows(s.lanes(), s.objects()).find((r) => r.sub === 'PID 201');
  assert.ok(w1);
  const pick = pickAt(s, w1, 100e6, 1e6);
  assert.ok(pick && pick.kind === 'span' && pick.cat === Cat.Sleep);
  assert.ok(describePick(s, pick).includes('inside task square(0)'));
});

test('picking a lock wait finds the hand-off from the releasing process', () => {
  const s = store();
  const rows = buildRows(s.lanes(), s.objects());
  const cons = rows.find((r) => r.sub === `PID ${FIXTURE.consumer}`);
  assert.ok(cons);
  const pick = pickAt(s, cons, 200e6, 1e6);
  assert.ok(pick && pick.kind === 'span' && pick.cat === Cat.WaitLock);
  const [flow] = flowsFor(s, pick, 1e6);
  assert.equal(s.lanes()[flow.fromLane].pid, FIXTURE.producer);
  assert.equal(flow.toT, 300e6);
  const lockRow = rows.find((r) => r.kind === 'lock');
  assert.ok(lockRow);
  const lp = pickAt(s, lockRow, 200e6, 1e6);
  assert.deepEqual(lp && lp.kind === 'lock' ? [lp.holders, lp.waiters] : [], [1, 1]);
});

test('summary and range statistics add up', () => {
  const s = store();
  const m = summarize(s);
  assert.equal(m.processes, 7);
  assert.equal(m.threads, 1);
  assert.equal(m.tasks, 6);
  assert.equal(m.wall, 1000e6);
  assert.ok(Math.abs(m.speedup - 0.9) < 1e-9);
  const r = rangeStats(s, 100e6, 300e6);
  assert.equal(r.byState[State.Task], 3 * 150e6 - 60e6);
  assert.equal(r.byState[State.Sleep], 340e6 + 60e6);
  assert.equal(r.byState[State.WaitLock], 180e6);
  assert.equal(r.byState[State.Idle], 3 * 50e6);
  assert.equal(r.byState[State.Hold], 100e6);
  assert.equal(r.lanes, 8);
  // Workers sample 0.95 while a task runs: in [100, 300] ms, 50 ms samples, 3 workers.
  assert.ok(r.busyCores > 1 && r.busyCores < 3, `${r.busyCores}`);
  const total = r.byState.reduce((a, b) => a + b, 0);
  let alive = 0;
  for (const l of s.lanes()) alive += Math.max(0, Math.min(l.end, 300e6) - Math.max(l.start, 100e6));
  assert.equal(total, alive);
});

test('a SIGTERM to a pool worker is its pool shutting down, not a crash', () => {
  const base = { end: 5, exitCode: NaN, signal: '', role: Role.Process };
  assert.equal(exitKind({ ...base, end: NaN }), 'alive');
  assert.equal(exitKind({ ...base, exitCode: 0 }), 'ok');
  assert.equal(exitKind({ ...base, exitCode: 1 }), 'crashed');
  assert.equal(exitKind({ ...base, exitCode: -9, signal: 'SIGKILL' }), 'crashed');
  assert.equal(exitKind({ ...base, signal: 'SIGTERM' }), 'crashed');
  assert.equal(exitKind({ ...base, signal: 'SIGTERM', role: Role.PoolWorker }), 'terminated');
});
