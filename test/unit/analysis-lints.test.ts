import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lint, lintSample } from '../../common/analysis/lints';
import { Stream } from '../../common/schema';
import { at, Cat, Kind, ObjType, Role, TraceBuilder } from './analysis-trace';

const Q = 'queue:41:1';
const V = 'value:41:2';
const A = 'lock:41:3';

function producer(): TraceBuilder {
  return new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root })
    .proc(42, 1, undefined, { ppid: 41 })
    .obj(41, Q, ObjType.Queue, 'results', 'jbd.py:5:9')
    .put(42, Q, 10, 1)
    .put(42, Q, 20, 2)
    .put(42, Q, 30, 3);
}

test('join-before-drain: a join that never returns while the child\u2019s items sit in the queue is an error', () => {
  const { store, facts } = producer()
    .span(41, Cat.WaitJoin, 50, undefined, { obj: 'proc:42', name: 'join', loc: 'jbd.py:12:5' })
    .build();
  const found = lint(store, { cores: 4 }, facts).filter((l) => l.id === 'join-before-drain');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 'error');
  assert.equal(
    found[0].message,
    'process 41 joined process 42 at jbd.py:12:5 while queue results still held 3 items it had put; the join never returned; 3 were never taken',
  );
  assert.equal(found[0].loc, 'jbd.py:12:5');
  assert.match(found[0].explanation, /Get every item/);
});

test('join-before-drain: items taken only after the join returned (Node-style pid detail), and a correct drain is silent', () => {
  const late = producer()
    .span(41, Cat.WaitJoin, 50, 63, { name: 'join', detail: 'pid 42', loc: 'jbd.ts:12:5' })
    .get(41, Q, 70, 42, 1)
    .get(41, Q, 71, 42, 2)
    .get(41, Q, 72, 42, 3)
    .build();
  const [l] = lint(late.store, { cores: 4 }, late.facts).filter((x) => x.id === 'join-before-drain');
  assert.equal(
    l.message,
    'process 41 joined process 42 at jbd.ts:12:5 while queue results still held 3 items it had put; 3 were taken only after the join returned',
  );
  // It returned this time (the items fitted in the pipe): a warning, not an error.
  assert.equal(l.severity, 'warning');
  const ok = producer()
    .get(41, Q, 45, 42, 1)
    .get(41, Q, 46, 42, 2)
    .get(41, Q, 47, 42, 3)
    .span(41, Cat.WaitJoin, 50, 55, { obj: 'proc:42', loc: 'jbd.py:12:5' })
    .build();
  assert.deepEqual(lint(ok.store, { cores: 4 }, ok.facts), []);
});

function counter(values: [number, number][], locked = false): TraceBuilder {
  const b = new TraceBuilder()
    .proc(41, 0, 100, { role: Role.Root })
    .proc(42, 1, 100, { ppid: 41 })
    .proc(43, 1, 100, { ppid: 41 })
    .obj(41, V, ObjType.Value, 'counter', 'lost.py:6:15')
    .obj(41, A, ObjType.Lock, 'counter-lock');
  values.forEach(([pid, v], i) => {
    if (locked) b.hold(pid, A, 10 + i - 0.5, 10 + i + 0.2);
    b.write(pid, V, 10 + i, v);
  });
  return b;
}

test('a lost update on a Value counter is found from its writes, with the first overlap in words', () => {
  const { store, facts } = counter([
    [42, 1],
    [43, 2],
    [42, 3],
    [43, 3],
    [42, 4],
    [43, 5],
    [42, 5],
    [43, 6],
  ]).build();
  const found = lint(store, { cores: 4 }, facts).filter((l) => l.id === 'value-lost-update');
  assert.equal(found.length, 1);
  assert.equal(
    found[0].message,
    'value counter: 2 processes wrote it 8 times without holding its lock around the update; 2 writes did not advance it, so at least 2 updates were lost. First at 13 ms: process 43 wrote 3 right after process 42 wrote 3.',
  );
  assert.equal(found[0].loc, 'lost.py:6:15');
  assert.equal(found[0].sample, 'samples/node/07_lock_counter.ts');
  assert.ok(existsSync(found[0].sample), 'the sample exists');
  // Without separately fed facts the same answer comes from the store's point records.
  assert.deepEqual(
    lint(store, { cores: 4 })
      .filter((l) => l.id === 'value-lost-update')
      .map((l) => l.message),
    [found[0].message],
  );
});

test('no lost update when every write advances the counter, or when the value is a flag, not a counter', () => {
  const good = counter(
    [42, 43, 42, 43, 42, 43].map((pid, i) => [pid, i + 1] as [number, number]),
    true,
  ).build();
  assert.deepEqual(lint(good.store, { cores: 4 }, good.facts), []);
  const flag = counter([42, 43, 42, 43, 42].map((pid) => [pid, 1] as [number, number])).build();
  assert.deepEqual(lint(flag.store, { cores: 4 }, flag.facts), []);
});

test('a lock held across a sleep and a queue get is named with its line and the waiting it caused', () => {
  const { store, facts } = new TraceBuilder()
    .proc(41, 0, 300, { role: Role.Root })
    .proc(42, 0, 300, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A', 'held.py:3:5')
    .obj(41, Q, ObjType.Queue, 'jobs')
    .hold(42, A, 0, 100, 'held.py:10:9')
    .span(42, Cat.Sleep, 5, 95, { name: 'sleep', loc: 'held.py:11:9' })
    .contended(41, A, 10, 100, 110, 'held.py:20:5', 42)
    .hold(42, A, 150, 200, 'held.py:10:9')
    .span(42, Cat.WaitQueueGet, 160, 190, { obj: Q, loc: 'held.py:12:9' })
    .build();
  const found = lint(store, { cores: 4 }, facts).filter((l) => l.id === 'lock-held-across-wait');
  assert.deepEqual(
    found.map((l) => l.message),
    [
      'lock A is held across a sleep at held.py:11:9 (1 time, 90 ms in total); processes waited 90 ms in total for it',
      'lock A is held across a queue get at held.py:12:9 (1 time, 30 ms in total); processes waited 90 ms in total for it',
    ],
  );
});

test('a lock held while its thread prints is named with the line printed and the hold\u2019s line', () => {
  const b = new TraceBuilder()
    .proc(41, 0, 300, { role: Role.Root })
    .proc(42, 0, 300, { ppid: 41 })
    .obj(41, A, ObjType.Lock, 'A', 'io.py:3:5')
    .hold(42, A, 0, 100, 'io.py:10:9')
    .contended(41, A, 10, 100, 110, 'io.py:20:5', 42)
    .hold(42, A, 150, 200, 'io.py:10:9')
    .hold(42, A, 220, 230, 'io.py:30:9', 0, 0, 7);
  const out = (ms: number, pid: number, tid: number, text: string, stream = Stream.Stdout): void => {
    b.events.push({ kind: Kind.Output, t: at(ms), pid, tid, stream, text: `${text}\n` });
  };
  out(50, 42, 0, 'counter is now 1 of 1000 after a long computation step');
  out(60, 42, 0, 'second line');
  out(170, 42, 0, 'again');
  out(120, 42, 0, 'outside any hold');
  out(225, 42, 0, 'main thread, while thread 7 holds A');
  out(55, 41, 0, 'another process, while 42 holds A');
  out(226, 42, 7, 'oops', Stream.Stderr);
  const { store, facts } = b.build();
  const found = lint(store, { cores: 4 }, facts).filter((l) => l.id === 'lock-held-across-wait');
  assert.deepEqual(
    found.map((l) => [l.message, l.loc]),
    [
      [
        'lock A is held while writing output: "counter is now 1 of 1000 after a long c\u2026" to stdout and 2 more lines inside the hold taken at io.py:10:9 (2 times); processes waited 90 ms in total for it',
        'io.py:10:9',
      ],
      [
        'lock A is held while writing output: "oops" to stderr inside the hold taken at io.py:30:9 (1 time); processes waited 90 ms in total for it',
        'io.py:30:9',
      ],
    ],
  );
  assert.match(found[0].explanation, /I\/O such as a print/);
});

test('a pool whose workers outlive their owner was never closed and joined; a joined pool is fine', () => {
  const P = 'pool:41:1';
  const base = (): TraceBuilder =>
    new TraceBuilder()
      .proc(41, 0, 100, { role: Role.Root })
      .proc(42, 1, 120, { ppid: 41, role: Role.PoolWorker })
      .proc(43, 1, 120, { ppid: 41, role: Role.PoolWorker })
      .obj(41, P, ObjType.Pool, 'Pool-1', 'pool.py:8:10', 2);
  const bad = base().build();
  const [l] = lint(bad.store, { cores: 4 }, bad.facts).filter((x) => x.id === 'pool-not-joined');
  assert.equal(
    l.message,
    'pool Pool-1 (pool.py:8:10) was never closed and joined; 2 of its 2 workers were still running when process 41 ended',
  );
  const good = base().span(41, Cat.WaitJoin, 90, 99, { obj: P }).build();
  assert.deepEqual(
    lint(good.store, { cores: 4 }, good.facts).filter((x) => x.id === 'pool-not-joined'),
    [],
  );
});

test('a pool whose workers never started says so; one abandoned by an uncaught error is left to the error', () => {
  const P = 'pool:51:1';
  const base = (): TraceBuilder =>
    new TraceBuilder().proc(51, 0, 30, { role: Role.Root, code: 1 }).obj(51, P, ObjType.Pool, 'Pool-1', 'a.ts:4:16', 2);
  const early = base().build();
  assert.deepEqual(
    lint(early.store, { cores: 4 }, early.facts)
      .filter((x) => x.id === 'pool-not-joined')
      .map((x) => x.message),
    ['pool Pool-1 (a.ts:4:16) was never closed and joined; process 51 ended before its workers had started'],
  );
  const crashed = base().error(51, 29, 'Pool task function "twice" is not exported from a.ts').build();
  assert.deepEqual(
    lint(crashed.store, { cores: 4 }, crashed.facts).filter((x) => x.id === 'pool-not-joined'),
    [],
  );
});

test('every lint links a sample that exists, in both runtimes', () => {
  for (const id of [
    'join-before-drain',
    'pool-not-joined',
    'value-lost-update',
    'lock-held-across-wait',
    'uneven-chunks',
    'oversubscription',
  ] as const)
    for (const rt of ['node', 'python'] as const) assert.ok(existsSync(lintSample(id, rt)), lintSample(id, rt));
});
