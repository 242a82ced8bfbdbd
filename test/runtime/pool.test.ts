import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Cat, Kind, Role, Status } from '../../common/schema';
import { lines, ofKind, runCode, spans } from './harness';

test('Pool.map, starmap, applyAsync and imap give Python results and record every task', async () => {
  const r = await runCode(`
    import { Pool, main } from 'concurrency-lens';
    export function square(x: number) { return x * x; }
    export function add(a: number, b: number) { return a + b; }
    export async function later(x: number) { await new Promise((r) => setTimeout(r, 5)); return -x; }
    main(async () => {
      await using pool = new Pool(2);
      console.log('map', (await pool.map(square, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).join(','));
      console.log('starmap', (await pool.starmap(add, [[1, 2], [3, 4]])).join(','));
      const seen: number[] = [];
      const res = pool.applyAsync(square, [7], { callback: (v) => seen.push(v) });
      console.log('apply', await res.get(), seen.join(','), res.successful());
      const out: number[] = [];
      for await (const v of pool.imap(later, [1, 2, 3])) out.push(v);
      console.log('imap', out.join(','));
      const un: number[] = [];
      for await (const v of pool.imapUnordered(square, [1, 2, 3])) un.push(v);
      console.log('unordered', un.sort().join(','));
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), [
    'map 0,1,4,9,16,25,36,49,64,81',
    'starmap 3,7',
    'apply 49 49 true',
    'imap -1,-2,-3',
    'unordered 1,4,9',
  ]);
  const workers = ofKind(r.events, Kind.ProcStart).filter((s) => s.role === Role.PoolWorker);
  assert.equal(workers.length, 2);
  const submits = ofKind(r.events, Kind.TaskSubmit);
  // map over 10 items with 2 workers: Python's default chunksize is 2, so 5 chunks.
  assert.deepEqual(
    submits
      .filter((s) => s.fn === 'square')
      .slice(0, 5)
      .map((s) => s.chunk),
    [2, 2, 2, 2, 2],
  );
  assert.equal(submits[0].args, '(0) … (1), 2 items');
  const starts = ofKind(r.events, Kind.TaskStart);
  const ends = ofKind(r.events, Kind.TaskEnd);
  const results = ofKind(r.events, Kind.TaskResult);
  assert.equal(starts.length, submits.length);
  assert.equal(ends.length, submits.length);
  assert.equal(results.length, submits.length);
  const workerPids = new Set(workers.map((w) => w.pid));
  for (const s of starts) assert.ok(workerPids.has(s.pid), 'tasks start in pool workers');
  const tasks = spans(r.events, Cat.Task);
  assert.equal(tasks.length, submits.length);
  assert.ok(tasks.every((t) => t.end?.status === Status.Ok));
  assert.ok(spans(r.events, Cat.WaitResult).some((s) => s.begin.name === 'map square'));
  assert.match(submits[0].loc, /snippet\.ts:8:\d+$/);
});

/** A task function that throws on item 2, from line 4 of the snippet (line 1 is empty, 2 the import). */
const FAILS = `    export function fails(x: number) {
      if (x === 2) throw new RangeError('bad item ' + x);
      return x;
    }
`;

test('an exception in a task reaches the caller with the worker stack; the errorCallback runs', async () => {
  const r = await runCode(`
    import { Pool, main } from 'concurrency-lens';
${FAILS}    main(async () => {
      const pool = new Pool(2);
      try {
        await pool.map(fails, [1, 2, 3], { chunksize: 1 });
      } catch (e) {
        console.log('caught', (e as Error).name, (e as Error).message);
        console.log((e as Error).stack?.includes('snippet.ts:4:') ? 'stack in worker' : (e as Error).stack);
      }
      let cb = '';
      const res = pool.applyAsync(fails, [2], { errorCallback: (e) => (cb = e.message) });
      await res.wait();
      console.log('callback', cb, res.successful());
      pool.close();
      await pool.join();
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['caught RangeError bad item 2', 'stack in worker', 'callback bad item 2 false']);
  const failed = ofKind(r.events, Kind.TaskEnd).filter((e) => e.status === Status.Error);
  assert.equal(failed.length, 2);
  assert.equal(ofKind(r.events, Kind.TaskResult).filter((e) => e.status === Status.Error).length, 2);
});

test('an uncaught task error is printed with the user frames only, saying how many were left out', async () => {
  const r = await runCode(`
    import { Pool, main } from 'concurrency-lens';
${FAILS}    main(async () => {
      const pool = new Pool(1);
      await pool.map(fails, [1, 2, 3], { chunksize: 1 });
    });
  `);
  assert.equal(r.code, 1);
  const printed = lines(r).join('\n');
  assert.match(
    printed,
    /^Uncaught error:\nRangeError: bad item 2\n {4}at fails \(.*snippet\.ts:4:\d+\)\n {4}\(\d+ frames of concurrency-lens and Node\.js not shown\)\n {4}\(in pool worker pid \d+\)$/,
  );
  assert.ok(!printed.includes('dist/runtime'), printed);
  assert.equal(ofKind(r.events, Kind.Error)[0]?.stack, printed.slice('Uncaught error:\n'.length));
});

test('a worker killed with SIGKILL fails its task naming pid and signal, and is replaced', async () => {
  const r = await runCode(`
    import { Pool, main, sleep } from 'concurrency-lens';
    export function pid() { return process.pid; }
    export function hang() { sleep(10000); }
    export function square(x: number) { return x * x; }
    main(async () => {
      const pool = new Pool(1);
      const victim = await pool.applyAsync(pid).get();
      const stuck = pool.applyAsync(hang);
      setTimeout(() => process.kill(victim, 'SIGKILL'), 300);
      try {
        await stuck.get();
      } catch (e) {
        console.log((e as Error).message.replace(String(victim), 'PID'));
      }
      console.log('after', (await pool.map(square, [1, 2, 3])).join(','), (await pool.applyAsync(pid).get()) !== victim);
      pool.terminate();
    });
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), [
    'pool worker pid PID was killed by SIGKILL while running task 2 (hang)',
    'after 1,4,9 true',
  ]);
  const workers = ofKind(r.events, Kind.ProcStart).filter((s) => s.role === Role.PoolWorker);
  assert.equal(workers.length, 2, 'the killed worker was replaced');
  const killed = ofKind(r.events, Kind.ProcExit).find((e) => e.signal === 'SIGKILL');
  assert.equal(killed?.pid, workers[0].pid);
});
