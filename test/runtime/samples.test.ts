import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Cat, Kind, Role } from '../../common/schema';
import { lines, ofKind, runSnippet, spans, type RunResult } from './harness';

const dir = join(__dirname, '../../samples/node');
const run = (name: string, opts = {}): Promise<RunResult> => runSnippet(join(dir, name), opts);
const roles = (r: RunResult, role: Role): number =>
  ofKind(r.events, Kind.ProcStart).filter((s) => s.role === role).length;

test('01 prints the child PID', async () => {
  const r = await run('01_process_pid.ts');
  assert.equal(r.code, 0, r.stderr);
  const child = ofKind(r.events, Kind.ProcStart).find((s) => s.role === Role.Process)!;
  assert.ok(lines(r).includes(`child: I am Process-1, pid ${child.pid}, parent ${child.ppid}`));
});

test('02 three processes sleep 2 s in parallel', async () => {
  const r = await run('02_parallel_sleep.ts');
  assert.equal(r.code, 0, r.stderr);
  const sleeps = spans(r.events, Cat.Sleep);
  assert.equal(sleeps.length, 3);
  // Every sleep overlaps the others: the latest start is before the earliest end.
  const latestStart = Math.max(...sleeps.map((s) => s.begin.t));
  const earliestEnd = Math.min(...sleeps.map((s) => s.end!.t));
  assert.ok(latestStart < earliestEnd);
});

test('03 a Process subclass prints the time five times', async () => {
  const r = await run('03_clock_process.ts');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(lines(r).filter((l) => l.startsWith('the time is')).length, 5);
  assert.equal(spans(r.events, Cat.Run)[0].begin.detail, 'ClockProcess.run');
});

test('04 Pool(3).map squares five items', async () => {
  const r = await run('04_pool_map.ts');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['[ 0, 1, 4, 9, 16 ]']);
  assert.equal(roles(r, Role.PoolWorker), 3);
  assert.equal(spans(r.events, Cat.Task).length, 5);
});

test('05 producer and consumer over a Queue end with a null sentinel', async () => {
  const r = await run('05_queue_producer_consumer.ts');
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r);
  assert.deepEqual(
    out.filter((l) => l.startsWith('consumed')),
    [0, 1, 2, 3, 4].map((i) => `consumed ${i}`),
  );
  assert.equal(out.at(-1), 'consumer done');
  assert.equal(ofKind(r.events, Kind.QueueGet).length, 6);
});

test('06 a child changes a Value and an Array', async () => {
  const r = await run('06_value_array.ts');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['3.1415927', '[ -1, -2, -3, -4 ]']);
  assert.equal(ofKind(r.events, Kind.ValueWrite).length, 5);
});

test('07 four processes count to 800 under a Lock', async () => {
  const r = await run('07_lock_counter.ts');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r), ['counter = 800 (expected 800)']);
  assert.equal(ofKind(r.events, Kind.LockAcquire).length, 800);
});

test('08 three threads beside three CPU-bound processes', async () => {
  const r = await run('08_threads_vs_processes.ts');
  assert.equal(r.code, 0, r.stderr);
  const threads = ofKind(r.events, Kind.ThreadStart);
  assert.equal(threads.length, 3);
  const root = ofKind(r.events, Kind.ProcStart).find((s) => s.role === Role.Root)!;
  assert.ok(threads.every((t) => t.pid === root.pid && t.tid > 0));
  assert.equal(ofKind(r.events, Kind.ThreadEnd).length, 3);
  const threadOut = ofKind(r.events, Kind.Output).filter((o) => o.tid > 0);
  assert.equal(threadOut.length, 6);
  assert.equal(lines(r).filter((l) => l.endsWith('result 10000000.')).length, 3);
  assert.ok(
    ofKind(r.events, Kind.Sample).some((s) => s.tid > 0),
    'thread lanes are sampled',
  );
});

test('09 Pool(4) map, applyAsync and starmap', async () => {
  const r = await run('09_pool_methods.ts');
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r).join('\n');
  assert.match(out, /applyAsync: 100/);
  assert.match(out, /starmap: \[ 8, 9, 100 \]/);
});

test('10 Pipe ping-pong and a Manager dict filled by four processes', async () => {
  const r = await run('10_pipe_and_manager.ts');
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r);
  assert.deepEqual(out.slice(0, 3), ['pong 0', 'pong 1', 'pong 2']);
  for (const k of ['key0: 0', 'key1: 1', 'key2: 4', 'key3: 9']) assert.ok(out[3].includes(k), out[3]);
});

test('11 endless producers can be stopped and leave no process behind', async () => {
  const r = await run('11_endless_producers.ts', { stopAfter: 2500 });
  assert.equal(r.signal, 'SIGKILL');
  const pids = ofKind(r.events, Kind.ProcStart).map((s) => s.pid);
  assert.equal(pids.length, 4);
  assert.ok(lines(r).some((l) => /^consumed \d+/.test(l)));
  const depths = ofKind(r.events, Kind.QueuePut).map((p) => p.depth);
  assert.ok(depths.length > 0 && depths.every((d) => d <= 3), depths.join(','));
  // The children notice their event socket closing and exit by themselves.
  const deadline = Date.now() + 3000;
  const alive = (): number[] =>
    pids.filter((p) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    });
  while (alive().length > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  assert.deepEqual(alive(), []);
});

test('12 ten applyAsync tasks on Pool(4) run in batches of four', async () => {
  const r = await run('12_pool_apply_async_batches.ts');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(lines(r).at(-1), 'all 10 tasks done');
  // Four workers: four tasks run at once at the peak, never more.
  const edges = [
    ...ofKind(r.events, Kind.TaskStart).map((e) => [e.t, 1]),
    ...ofKind(r.events, Kind.TaskEnd).map((e) => [e.t, -1]),
  ].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  assert.equal(edges.length, 20);
  let running = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (running += d));
  assert.equal(peak, 4);
});
