import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlockDetector } from '../../common/analysis/deadlock';
import type { TraceEvent } from '../../common/schema';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRun, type RunDeadlock } from '../../engine/runner';
import { TraceStore } from '../../common/store';
import { Cat, Kind, ObjType, Role, TraceBuilder, at } from './analysis-trace';

const S = 'sem:41:1';
const A = 'lock:41:2';

/**
 * Process 41 takes a slot of semaphore S (value 1) and then waits for lock A; process 42 holds A and
 * waits for S. Semaphores have no hold spans: only acquire and release records, as the Node runtime
 * writes them. `runtime` goes in the runner's RunStart.
 */
function semaphoreCycle(runtime: string, extra: (b: TraceBuilder) => void = () => {}): TraceEvent[] {
  const b = new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root })
    .proc(42, 0, undefined, { ppid: 41 })
    .proc(43, 0, undefined, { ppid: 41 })
    .obj(41, S, ObjType.Semaphore, 'S', 'sem.ts:3:11')
    .obj(41, A, ObjType.Lock, 'A', 'sem.ts:4:11');
  b.events.push({ kind: Kind.RunStart, t: at(0), pid: 0, tid: 0, snippet: 'sem.ts', runtime } as TraceEvent);
  b.events.push({
    kind: Kind.LockAcquire,
    t: at(1),
    pid: 41,
    tid: 0,
    obj: S,
    fromPid: 0,
    waited: 0,
    loc: 'sem.ts:8:9',
  } as TraceEvent);
  extra(b);
  b.hold(42, A, 2, undefined, 'sem.ts:14:9')
    .span(41, Cat.WaitLock, 10, undefined, { obj: A, loc: 'sem.ts:9:13' })
    .span(42, Cat.WaitSemaphore, 11, undefined, { obj: S, loc: 'sem.ts:15:13' });
  return b.sorted();
}

const reports = (events: TraceEvent[]) => {
  const det = new DeadlockDetector();
  return events.map((e) => det.add(e)).filter((r) => r !== null);
};

test('Node run: a semaphore wait waits for the slot holders, so a semaphore/lock cycle is a deadlock', () => {
  const raised = reports(semaphoreCycle('node'));
  assert.equal(raised.length, 1);
  assert.equal(raised[0]?.kind, 'cycle');
  assert.equal(
    raised[0]?.sentence,
    'process 41 holds semaphore S and waits for lock A; process 42 holds A and waits for S',
  );
});

test('Python run: semaphore releases are recorded only in part, so its holders are not trusted', () => {
  assert.deepEqual(reports(semaphoreCycle('python')), []);
});

test('a semaphore released by a process that held no slot is a signal: its holders are not its releasers', () => {
  const events = semaphoreCycle('node', (b) => {
    // 43 releases S at 0.5 ms without having taken it (41 then takes a slot at 1 ms).
    b.events.push({ kind: Kind.LockRelease, t: at(0.5), pid: 43, tid: 0, obj: S } as TraceEvent);
  });
  assert.deepEqual(reports(events), []);
});

test('node: a real run where one process holds a semaphore slot and the other the lock each needs is a cycle', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-sem-'));
  try {
    const file = join(dir, 'sem.ts');
    writeFileSync(file, SEM_LOCK_TS);
    // Through the runner, as the panel and the CLI get it: its RunStart names the runtime.
    const run = startRun({ snippet: file, timeoutMs: 8000, deadlockStallMs: 60_000 });
    const found = new Promise<RunDeadlock>((resolve) => run.onDeadlock(resolve));
    const d = await Promise.race([found, run.done.then(() => undefined)]);
    await run.stop();
    await run.done;
    assert.ok(d, 'deadlock reported before the run ended');
    assert.equal(d.kind, 'cycle', d.sentence);
    const store = new TraceStore();
    for (const c of run.chunks) store.ingest(c);
    const pid = (name: string) => store.lanes().find((l) => l.name === name)?.pid;
    const [p, q] = [pid('P'), pid('Q')];
    assert.ok(
      [
        `process ${p} holds semaphore slots and waits for lock l; process ${q} holds l and waits for slots`,
        `process ${q} holds lock l and waits for semaphore slots; process ${p} holds slots and waits for l`,
      ].includes(d.sentence),
      d.sentence,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const SEM_LOCK_TS = `
import { Event, Lock, Process, Semaphore, main } from 'concurrency-lens';
export async function semFirst(s: Semaphore, l: Lock, mine: Event, theirs: Event) {
  await s.acquire();
  mine.set();
  await theirs.wait();
  await l.acquire();
}
export async function lockFirst(s: Semaphore, l: Lock, mine: Event, theirs: Event) {
  await l.acquire();
  mine.set();
  await theirs.wait();
  await s.acquire();
}
main(async () => {
  const s = new Semaphore(1, { name: 'slots' });
  const l = new Lock({ name: 'l' });
  const ea = new Event();
  const eb = new Event();
  const p = new Process({ target: semFirst, args: [s, l, ea, eb], name: 'P' });
  const q = new Process({ target: lockFirst, args: [s, l, eb, ea], name: 'Q' });
  p.start();
  q.start();
  await p.join();
});
`;
