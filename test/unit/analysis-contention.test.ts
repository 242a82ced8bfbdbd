import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareContention, contentionTable, DURATION_COLUMNS } from '../../common/analysis/contention';
import { contentionLines } from '../../engine/cli/analysisReport';
import { COLUMNS } from '../../webview/contentionModel';
import { breakdown, stateLabel } from '../../common/analysis/breakdown';
import { whyWaiting } from '../../common/analysis/whyWaiting';
import { editorHints } from '../../common/analysis/hints';
import { Cat, Kind, ObjType, Role, TraceBuilder, ms } from './analysis-trace';

const A = 'lock:41:1';

/** A convoy: four processes pile up on lock A while 42 holds it; each hands it to the next. */
function convoy() {
  const b = new TraceBuilder()
    .proc(41, 0, 300, { role: Role.Root })
    .proc(42, 0, 300, { ppid: 41 })
    .proc(43, 0, 300, { ppid: 41 })
    .proc(44, 0, 300, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A', 'convoy.py:4:8')
    .obj(41, 'queue:41:2', ObjType.Queue, 'jobs', 'convoy.py:5:8')
    .hold(42, A, 0, 100, 'convoy.py:10:9')
    .span(42, Cat.Sleep, 5, 95, { name: 'sleep', loc: 'convoy.py:11:9' })
    .contended(43, A, 10, 100, 150, 'convoy.py:10:9', 42)
    .contended(44, A, 20, 150, 200, 'convoy.py:10:9', 43)
    .contended(42, A, 120, 200, 210, 'convoy.py:10:9', 44)
    .contended(41, A, 30, 210, 220, 'convoy.py:20:5', 42);
  return b.build();
}

test('contention row of a convoy: acquisitions, share waited, wait and hold percentiles, convoy, sites', () => {
  const { store, facts } = convoy();
  const rows = contentionTable(store, facts);
  const row = rows.find((r) => r.obj === A)!;
  assert.equal(row.name, 'A');
  assert.equal(row.typeWord, 'lock');
  assert.equal(row.acquisitions, 5);
  assert.equal(row.waited, 4);
  assert.equal(row.waitShare, 0.8);
  assert.deepEqual(row.wait, { count: 4, total: ms(480), p50: ms(90), p95: ms(180), max: ms(180) });
  assert.deepEqual(row.hold, { count: 5, total: ms(220), p50: ms(50), p95: ms(100), max: ms(100) });
  assert.equal(row.convoy, 3);
  assert.equal(row.convoyAt, ms(30));
  assert.deepEqual(row.pids, [41, 42, 43, 44]);
  assert.deepEqual(
    row.sites.map((s) => [s.loc, s.acquisitions, s.wait.count]),
    [
      ['convoy.py:10:9', 4, 3],
      ['convoy.py:20:5', 1, 1],
    ],
  );
  // The worst wait is 41's, 30 → 210 ms.
  assert.equal(row.worst!.lane, store.lanes().find((l) => l.pid === 41)!.id);
  assert.equal(row.worst!.end - row.worst!.start, ms(180));
  // The declared queue has a row even though nobody used it; it sorts below the lock.
  assert.deepEqual(
    rows.map((r) => r.name),
    ['A', 'jobs'],
  );
});

test('contention follows a time range and sorts by any column', () => {
  const { store, facts } = convoy();
  const early = contentionTable(store, facts, { t0: 0, t1: ms(25) }).find((r) => r.obj === A)!;
  // Overlapping [0, 25 ms]: 42's first hold, and the waits of 43 and 44.
  assert.equal(early.hold.count, 1);
  assert.equal(early.wait.count, 2);
  assert.equal(early.convoy, 2);
  const rows = contentionTable(store, facts);
  assert.deepEqual(
    rows.sort(compareContention('name', 'asc')).map((r) => r.name),
    ['A', 'jobs'],
  );
  assert.deepEqual(
    rows.sort(compareContention('convoy', 'asc')).map((r) => r.name),
    ['jobs', 'A'],
  );
  // Empty statistics (NaN) sort last either way.
  assert.deepEqual(
    rows.sort(compareContention('waitP95', 'asc')).map((r) => r.name),
    ['A', 'jobs'],
  );
});

test('the CLI and the panel show the same duration columns, a dash where nothing waited or was held', () => {
  const { store, facts } = convoy();
  const rows = contentionTable(store, facts);
  const keys = DURATION_COLUMNS.map((c) => c.key);
  const panel = COLUMNS.filter((c) => (keys as string[]).includes(c.key));
  assert.deepEqual(
    panel.map((c) => c.key),
    keys,
  );
  // The unused queue: no waits, no holds.
  const jobs = rows.find((r) => r.name === 'jobs')!;
  assert.deepEqual(
    panel.map((c) => c.cell(jobs)),
    keys.map(() => '–'),
  );
  const [header, , queue] = contentionLines(rows, true).slice(1);
  assert.match(header, /wait total +p50 +p95 +max +hold total +p50 +p95 +max +convoy/);
  assert.match(queue, /^ {2}queue jobs +0 +0%( +—){8} +0/);
});

test('breakdown splits each lane into running, waiting, sleeping and follows a range', () => {
  const { store } = convoy();
  const bars = breakdown(store);
  const p42 = bars.find((b) => b.pid === 42)!;
  const by = Object.fromEntries(p42.parts.map((p) => [p.label, p.ns]));
  // 42: sleeps 5→95 inside its hold, waits 120→200, runs the rest of 0→300.
  assert.deepEqual(by, { running: ms(130), 'waiting (lock)': ms(80), sleeping: ms(90) });
  assert.equal(p42.total, ms(300));
  const brushed = breakdown(store, { t0: ms(100), t1: ms(150) }).find((b) => b.pid === 44)!;
  assert.deepEqual(
    brushed.parts.map((p) => [p.label, p.ns]),
    [['waiting (lock)', ms(50)]],
  );
  assert.equal(stateLabel(Cat.WaitQueueGet), 'waiting (queue get)');
});

test('why waiting: names the lock, the holder, what the holder did meanwhile, and the hand-off', () => {
  const { store } = convoy();
  const lane43 = store.lanes().find((l) => l.pid === 43)!.id;
  const s = store.spans(lane43);
  let idx = -1;
  for (let i = 0; i < s.count; i++) if (s.cat[i] === Cat.WaitLock) idx = i;
  const why = whyWaiting(store, { lane: lane43, index: idx, start: s.start[idx], end: s.end[idx] })!;
  assert.equal(why.what, 'lock A');
  assert.equal(why.blockers.length, 1);
  assert.equal(why.blockers[0].pid, 42);
  assert.equal(why.blockers[0].states[0].label, 'sleeping');
  assert.equal(why.releasedBy!.pid, 42);
  assert.equal(
    why.sentence,
    'process 43 waited 90 ms for lock A at convoy.py:10:9. process 42 held it for 90 ms of that time, meanwhile sleeping 85 ms and running 5 ms. process 42 handed it over at 100 ms.',
  );
});

test('editor hints: per line count and p50/p95 wait, with the worst wait to link to', () => {
  const { store, facts } = convoy();
  const hints = editorHints(store, facts).filter((h) => h.what === 'lock');
  assert.deepEqual(
    hints.map((h) => [h.file, h.line, h.col, h.name, h.label]),
    [
      ['convoy.py', 10, 9, 'A', '4× · wait p50 90 ms · p95 130 ms'],
      ['convoy.py', 20, 5, 'A', '1× · wait p50 180 ms · p95 180 ms'],
    ],
  );
  assert.equal(hints[0].worst!.end - hints[0].worst!.start, ms(130));
});

test('why waiting on a wait that is still going on (live): the holder and what it is doing now', () => {
  const { store } = new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root })
    .proc(42, 0, undefined, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A')
    .hold(42, A, 0, undefined, 'live.py:5:5')
    .span(42, Cat.WaitQueueGet, 20, undefined, { obj: 'queue:41:2', loc: 'live.py:6:9' })
    .span(41, Cat.WaitLock, 10, undefined, { obj: A, loc: 'live.py:9:5' })
    .span(41, Cat.User, 0, 100, { name: 'tick' })
    .build();
  const lane = store.lanes().find((l) => l.pid === 41)!.id;
  const why = whyWaiting(store, { lane, index: -1, start: ms(10), end: NaN })!;
  assert.equal(why.open, true);
  assert.equal(
    why.sentence,
    'process 41 has been waiting 90 ms for lock A at live.py:9:5. process 42 held it for 90 ms of that time, meanwhile waiting (queue get) 80 ms and running 10 ms.',
  );
});

test('acquisitions the runtime only counted (Aggregate records) are in the table: the share that waited stays honest', () => {
  const { store } = new TraceBuilder()
    .proc(41, 0, 100, { role: Role.Root })
    .proc(42, 0, 100, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A', 'agg.py:3:5')
    .hold(41, A, 1, 10, 'agg.py:8:9')
    .contended(42, A, 5, 10, 20, 'agg.py:8:9', 41)
    .aggregate(41, A, 50, Kind.LockAcquire, 60)
    .aggregate(42, A, 50, Kind.LockAcquire, 38)
    .build();
  // No facts passed: they come from the store's point records.
  const row = contentionTable(store).find((r) => r.obj === A)!;
  assert.equal(row.acquisitions, 100);
  assert.equal(row.waited, 1);
  assert.equal(row.waitShare, 0.01);
  assert.equal(row.hold.count, 2);
});
