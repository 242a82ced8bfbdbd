// Trace store: how record streams arrive (out of order, late RunStart, corrupt) and run-level records (output, run facts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cat, Kind, Role, Status } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { T0, conn, spanList } from './store-builders';

test('out-of-order arrival across connections keeps spans and queue depth sorted', () => {
  const a = conn();
  const b = conn();
  a.at(Kind.ProcStart, 0, 1, 0, [0, 'root', Role.Root]);
  a.at(Kind.ObjDecl, 1, 1, 0, ['queue:1:1', 5, 'q', 2, 'a.ts:3:1']);
  b.at(Kind.ProcStart, 5, 2, 0, [1, 'consumer', Role.Process]);
  b.at(Kind.Begin, 6, 2, 0, [1, Cat.WaitQueueGet, 'get', '', 'queue:1:1', '']);
  b.at(Kind.QueueGet, 30, 2, 0, ['queue:1:1', 1, 1, -1]);
  b.at(Kind.End, 30, 2, 0, [1, Status.Ok]);
  a.at(Kind.QueuePut, 20, 1, 0, ['queue:1:1', 1, -1]);
  a.at(Kind.QueuePut, 40, 1, 0, ['queue:1:1', 2, -1]);
  const s = new TraceStore();
  // The consumer's connection is delivered first, although the root started earlier.
  s.ingest({ conn: 2, bytes: b.enc.take() });
  const v1 = s.version;
  s.ingest({ conn: 1, bytes: a.enc.take() });
  assert.ok(s.version > v1);
  assert.equal(s.origin, T0 + 5);
  assert.equal(s.lanes()[1].start, -5, 'earlier events get negative relative times');
  const d = s.queueDepth('queue:1:1');
  assert.deepEqual(Array.from(d.t.subarray(0, d.count)), [15, 25, 35]);
  assert.deepEqual(Array.from(d.v.subarray(0, d.count)), [1, 0, 1]);
  const f = s.flows().filter((x) => x.kind === 'queue');
  assert.deepEqual(f, [{ kind: 'queue', obj: 'queue:1:1', fromLane: 1, fromT: 15, toLane: 0, toT: 25 }]);
  assert.equal(
    s
      .laneTree()
      .map((r) => s.lanes()[r.lane].name)
      .join(','),
    'root,consumer',
  );
  assert.deepEqual(
    s.laneTree().map((r) => r.level),
    [0, 1],
  );
  assert.equal(s.object('queue:1:1')?.capacity, 2);
});

test('a corrupt stream is dropped and reported; what was decoded stays', () => {
  const { enc, at } = conn();
  at(Kind.Mark, 1, 4, 0, ['before']);
  const good = enc.take();
  const s = new TraceStore();
  s.ingest({ conn: 3, bytes: good });
  s.ingest({ conn: 3, bytes: new Uint8Array([2, 0, 0, 0, 9, 9]) });
  at(Kind.Mark, 2, 4, 0, ['after']);
  s.ingest({ conn: 3, bytes: enc.take() });
  assert.deepEqual(
    s.marks().map((m) => m.name),
    ['before'],
  );
  assert.equal(s.problems.length, 1);
  assert.match(s.problems[0].message, /corrupt record length 2/);
  assert.equal(s.problems[0].conn, 3);
  // Other connections still work.
  const other = conn();
  other.at(Kind.Mark, 3, 5, 0, ['other']);
  s.ingest({ conn: 4, bytes: other.enc.take() });
  assert.equal(s.marks().length, 2);
});

test('output is split into lines; partial writes join the open line', () => {
  const { enc, at } = conn();
  at(Kind.Output, 1, 4, 0, [1, 'a\nb']);
  at(Kind.Output, 2, 4, 0, [2, 'err\r\n']);
  at(Kind.Output, 3, 4, 0, [1, 'c\n']);
  at(Kind.Output, 4, 4, 0, [1, '.']);
  at(Kind.RunStart, 0, 0, 0, ['snip.ts', 'node', 6]);
  at(Kind.RunEnd, 9, 0, 0, ['exit', 3]);
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: enc.take() });
  assert.deepEqual(
    s.output().map((l) => [l.stream, l.text]),
    [
      [1, 'a'],
      [1, 'bc'],
      [2, 'err'],
      [1, '.'],
    ],
  );
  assert.deepEqual(s.run(), { snippet: 'snip.ts', runtime: 'node', endReason: 'exit', exitCode: 3, end: 9, cores: 6 });
});

test('a RunStart that arrives after other records still fixes time 0', () => {
  const runner = conn();
  const child = conn();
  runner.at(Kind.RunStart, 0, 0, 0, ['snip.ts', 'node']);
  child.at(Kind.ProcStart, 40, 7, 0, [1, 'child', Role.Process]);
  child.at(Kind.Begin, 41, 7, 0, [1, Cat.Sleep, 'sleep', '', '', '']);
  child.at(Kind.End, 50, 7, 0, [1, Status.Ok]);
  child.at(Kind.Begin, 51, 7, 0, [2, Cat.Sleep, 'still sleeping', '', '', '']);
  child.at(Kind.QueuePut, 52, 7, 0, ['q', 1, 1]);
  const s = new TraceStore();
  s.ingest({ conn: 1, bytes: child.enc.take() });
  assert.equal(s.lanes()[0].start, 0, 'until the RunStart comes, the first record is time 0');
  s.ingest({ conn: 0, bytes: runner.enc.take() });
  assert.equal(s.origin, T0);
  assert.equal(s.lanes()[0].start, 40);
  assert.deepEqual(spanList(s, 0), [{ start: 41, end: 50, name: 'sleep', depth: 0 }]);
  assert.equal(s.openSpans()[0].start, 51);
  assert.equal(s.queueDepth('q').t[0], 52);
  assert.equal(s.now, 52);
  let n = 0;
  s.forEachSpan(0, 45, 45, () => n++);
  assert.equal(n, 1, 'the range index follows the shifted times');
});

test('an output line keeps the thread that wrote it', () => {
  const { enc, at } = conn();
  at(Kind.Output, 1, 4, 0, [1, 'main\n']);
  at(Kind.Output, 2, 4, 9, [2, 'from thread 9\n']);
  const s = new TraceStore();
  s.ingest({ conn: 0, bytes: enc.take() });
  assert.deepEqual(
    s.output().map((l) => [l.tid, l.text]),
    [
      [0, 'main'],
      [9, 'from thread 9'],
    ],
  );
});
