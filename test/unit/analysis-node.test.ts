/**
 * The analyses on real Node snippets run with the Node runtime (forked processes, the broker): a
 * two-lock deadlock caught from the live event stream, a lost update on a shared Value, and a lock
 * convoy with its hand-offs. Answers are asserted in the words the panel shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentionTable } from '../../common/analysis/contention';
import { DeadlockDetector, type DeadlockReport } from '../../common/analysis/deadlock';
import { lint } from '../../common/analysis/lints';
import { whyWaiting } from '../../common/analysis/whyWaiting';
import { Cat, Kind, type TraceEvent } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { resolve } from 'node:path';
import { CONVOY_TS } from '../analysisSnippets';
import { runCode, runSnippet } from '../runtime/harness';

function storeOf(events: TraceEvent[]): TraceStore {
  const store = new TraceStore();
  for (const e of events) store.add(e);
  return store;
}

function pidNamed(events: TraceEvent[], name: string): number {
  const e = events.find((x) => x.kind === Kind.ProcStart && x.name === name);
  assert.ok(e, `no process named ${name}`);
  return e.pid;
}

test('node: a two-lock deadlock between two processes is found in the event stream and named', async () => {
  const r = await runCode(
    `
    import { Event, Lock, Process, main } from 'concurrency-lens';
    export async function take(first: Lock, second: Lock, mine: Event, theirs: Event) {
      await first.acquire();
      mine.set();
      await theirs.wait();
      await second.acquire();
    }
    main(async () => {
      const a = new Lock({ name: 'a' });
      const b = new Lock({ name: 'b' });
      const ea = new Event();
      const eb = new Event();
      const p = new Process({ target: take, args: [a, b, ea, eb], name: 'P' });
      const q = new Process({ target: take, args: [b, a, eb, ea], name: 'Q' });
      p.start();
      q.start();
      await p.join();
    });
  `,
    { stopAfter: 6000 },
  );
  const det = new DeadlockDetector();
  let report: DeadlockReport | undefined;
  for (const e of r.events) report ??= det.add(e) ?? undefined;
  assert.ok(report, 'deadlock reported');
  assert.equal(report.kind, 'cycle', report.sentence);
  const p = pidNamed(r.events, 'P');
  const q = pidNamed(r.events, 'Q');
  assert.ok(
    [
      `process ${p} holds lock a and waits for lock b; process ${q} holds b and waits for a`,
      `process ${q} holds lock b and waits for lock a; process ${p} holds a and waits for b`,
    ].includes(report.sentence),
    report.sentence,
  );
});

test('node: get-then-set on a shared Value without its lock loses updates, and the lint says so', async () => {
  const r = await runCode(`
    import { Event, Process, Value, main, SharedValue } from 'concurrency-lens';
    export async function bump(counter: SharedValue, go: Event) {
      await go.wait();
      for (let i = 0; i < 100; i++) counter.set((await counter.get()) + 1);
    }
    main(async () => {
      const counter = Value('i', 0);
      const go = new Event();
      const ps = [0, 1, 2, 3].map(() => new Process({ target: bump, args: [counter, go] }));
      ps.forEach((p) => p.start());
      go.set();
      for (const p of ps) await p.join();
      console.log('counter', await counter.get());
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  const final = Number(
    [...r.output.values()]
      .flat()
      .join('\n')
      .match(/counter (\d+)/)?.[1],
  );
  assert.ok(final < 400, `four processes racing on get/set lost updates (final ${final})`);
  const lints = lint(storeOf(r.events), { cores: 2 }).filter((l) => l.id === 'value-lost-update');
  assert.equal(lints.length, 1, `final ${final}`);
  assert.match(
    lints[0].message,
    /^value \S+: 4 processes wrote it 400 times without holding its lock around the update; (\d+) writes? did not advance it/,
  );
  const lost = Number(lints[0].message.match(/; (\d+) writes? did not advance/)![1]);
  // Each write that repeated or went back lost at least one update; the final value shows the total.
  assert.ok(lost >= 1 && lost <= 400 - final, `lost ${lost}, final ${final}`);
});

test('node: a convoy on one lock: waits, hand-offs and "why waiting" for the worst wait', async () => {
  const r = await runCode(CONVOY_TS);
  assert.equal(r.code, 0, r.stderr);
  const store = storeOf(r.events);
  const row = contentionTable(store).find((x) => x.name === 'counter_lock');
  assert.ok(row);
  assert.equal(row.acquisitions, 9);
  assert.equal(row.hold.count, 9);
  assert.ok(row.hold.p50 >= 40e6, `hold p50 ${row.hold.p50}`);
  assert.equal(row.pids.length, 3);
  assert.ok(row.worst, 'some acquisition waited');
  const why = whyWaiting(store, row.worst);
  assert.ok(why);
  assert.equal(why.what, 'lock counter_lock');
  // On a loaded machine part of a wait can be the broker's hand-over itself, so look at every wait:
  // those that overlapped a hold name the holder, which was sleeping under the lock.
  const explained = store
    .lanes()
    .flatMap((l) => {
      const s = store.spans(l.id);
      const waits = Array.from({ length: s.count }, (_, i) => i).filter((i) => s.cat[i] === Cat.WaitLock);
      return waits.map((i) => whyWaiting(store, { lane: l.id, index: i, start: s.start[i], end: s.end[i] })!);
    })
    .filter((w) => w.blockers.some((b) => b.role === 'held'));
  assert.ok(explained.length > 0, why.sentence);
  const w = explained.find((x) => x.blockers.some((b) => b.states[0]?.label === 'sleeping'));
  assert.ok(w, explained.map((x) => x.sentence).join('\n'));
  assert.match(
    w.sentence,
    /^process \d+ waited .+ for lock counter_lock at .+\. process \d+ held it for .+, meanwhile sleeping .+\.( process \d+ handed it over at .+\.)?$/,
  );
  const held = lint(store, { cores: 2 }).filter((l) => l.id === 'lock-held-across-wait');
  assert.equal(held.length, 1);
  assert.match(
    held[0].message,
    /^lock counter_lock is held across a sleep at .+ \(9 times, .+ in total\); processes waited .+ in total for it$/,
  );
});

test('node: the samples the lints link to do not trigger those lints', async () => {
  for (const name of ['05_queue_producer_consumer', '07_lock_counter', '09_pool_methods']) {
    const r = await runSnippet(resolve(__dirname, '../../samples/node', `${name}.ts`));
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    const ids = lint(storeOf(r.events), { cores: 2 }).map((l) => l.id);
    for (const id of ['join-before-drain', 'pool-not-joined', 'value-lost-update', 'lock-held-across-wait'] as const)
      assert.ok(!ids.includes(id), `${name}: ${id}`);
  }
});

test('node: a thread joined by the holder of the lock it waits for is a deadlock cycle (the join names thread:<pid>:<tid>)', async () => {
  const r = await runCode(
    `
    import { Lock, Thread, main } from 'concurrency-lens';
    export async function work(lock: Lock) {
      await lock.acquire();
      lock.release();
    }
    main(async () => {
      const lock = new Lock({ name: 'gate' });
      await lock.acquire();
      const t = new Thread({ target: work, args: [lock], name: 'worker' });
      t.start();
      // Stuck for 1.5 s: the thread waits for the lock this thread holds. Then undo it and finish.
      const ended = await t.join(1500);
      lock.release();
      await t.join();
      console.log('joined in time', ended);
    });
  `,
    { stopAfter: 15000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const joins = r.events.filter((e) => e.kind === Kind.Begin && e.cat === Cat.WaitJoin);
  const thread = r.events.find((e) => e.kind === Kind.ThreadStart);
  assert.ok(thread);
  assert.ok(
    joins.length > 0 && joins.every((j) => j.kind === Kind.Begin && j.obj === `thread:${thread.pid}:${thread.tid}`),
    JSON.stringify(joins),
  );
  const det = new DeadlockDetector();
  let report: DeadlockReport | undefined;
  for (const e of r.events) report ??= det.add(e) ?? undefined;
  assert.ok(report, 'deadlock reported');
  assert.equal(report.kind, 'cycle', report.sentence);
  const [pid, tid] = [thread.pid, thread.tid];
  assert.equal(
    report.sentence,
    `process ${pid} holds lock gate and waits for thread ${tid} of process ${pid} to exit; thread ${tid} of process ${pid} waits for gate`,
  );
});
