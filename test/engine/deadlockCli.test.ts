/**
 * Live deadlock detection as the command line shows it: real two-lock deadlocks in each runtime, the
 * banner on stderr while the run is still going (both pids, both locks), Ctrl-C or
 * `--stop-on-deadlock` (exit code 3) ending it with nothing left running.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { delay, processesWithEnv, runCli, snippetFile } from './helpers';

const NODE_DEADLOCK = `
import { Event, Lock, Process, main } from 'concurrency-lens';
export async function take(first: Lock, second: Lock, mine: Event, theirs: Event) {
  await first.acquire();
  mine.set();
  await theirs.wait();
  console.log('waiting ' + process.pid);
  await second.acquire();
}
main(async () => {
  const a = new Lock({ name: 'a' });
  const b = new Lock({ name: 'b' });
  const [ea, eb] = [new Event(), new Event()];
  const ps = [new Process({ target: take, args: [a, b, ea, eb] }), new Process({ target: take, args: [b, a, eb, ea] })];
  ps.forEach((p) => p.start());
  for (const p of ps) await p.join();
});
`;

const PYTHON_DEADLOCK = `
import os
from multiprocessing import Barrier, Lock, Process


def take(first, second, both):
    with first:
        both.wait()
        print('waiting', os.getpid(), flush=True)
        with second:
            pass


if __name__ == '__main__':
    a = Lock()
    b = Lock()
    both = Barrier(2)
    ps = [Process(target=take, args=(a, b, both)), Process(target=take, args=(b, a, both))]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
`;

/** The two pids that printed "waiting <pid>". */
function waitingPids(out: string): number[] {
  return [...out.matchAll(/\] waiting (\d+)\n/g)].map((m) => +m[1]).sort();
}

/** The banner's sentence must be one of the two readings of the cycle of `p` and `q` on locks a and b. */
function assertCycle(banner: string, [p, q]: number[]): void {
  const sentences = [
    `process ${p} holds lock a and waits for lock b; process ${q} holds b and waits for a`,
    `process ${q} holds lock b and waits for lock a; process ${p} holds a and waits for b`,
    `process ${p} holds lock b and waits for lock a; process ${q} holds a and waits for b`,
    `process ${q} holds lock a and waits for lock b; process ${p} holds b and waits for a`,
  ];
  assert.ok(
    sentences.some((s) => banner.includes(`!! Deadlock: ${s}\n`)),
    banner,
  );
}

test('node: a two-lock deadlock prints the banner while the run goes on; Ctrl-C then stops it', async () => {
  const tag = randomBytes(8).toString('hex');
  let bannerWhileRunning = '';
  const r = await runCli(
    ['run', snippetFile('deadlock.ts', NODE_DEADLOCK), '--timeout', '30'],
    { CL_TEST_TAG: tag },
    undefined,
    (err, interrupt) => {
      if (!bannerWhileRunning && err.includes('Press Ctrl-C to stop')) {
        bannerWhileRunning = err;
        interrupt();
      }
    },
  );
  assert.ok(bannerWhileRunning, r.err);
  assert.equal(r.code, 130, r.err);
  const pids = waitingPids(r.out);
  assert.equal(pids.length, 2, r.out);
  assertCycle(bannerWhileRunning, pids);
  assert.match(bannerWhileRunning, /Press Ctrl-C to stop, or wait for the time limit \(30 s\)\.\n/);
  assert.match(bannerWhileRunning, /process \d+ is blocked at \S+deadlock\.ts:8:\d+\n/);
  // Still listed after the run, above the analyses.
  assert.match(
    r.err,
    /stopped after[\s\S]*\n {2}deadlock at [\d.]+ m?s: process \d+ holds lock [ab] and waits for lock [ab]/,
  );
  await delay(50);
  assert.deepEqual(processesWithEnv(`CL_TEST_TAG=${tag}`), []);
});

test('python: --stop-on-deadlock stops the run at the deadlock and exits with code 3, nothing left', async () => {
  const tag = randomBytes(8).toString('hex');
  const started = Date.now();
  const r = await runCli(
    ['run', snippetFile('deadlock.py', PYTHON_DEADLOCK), '--stop-on-deadlock', '--timeout', '30'],
    {
      CL_TEST_TAG: tag,
    },
  );
  assert.equal(r.code, 3, r.err);
  assert.ok(Date.now() - started < 25_000, 'stopped by the detector, not by the time limit');
  const pids = waitingPids(r.out);
  assert.equal(pids.length, 2, r.out);
  assertCycle(r.err, pids);
  assert.match(r.err, /Stopping the run \(--stop-on-deadlock\)\.\n/);
  assert.match(r.err, /stopped after [\d.]+ s because of the deadlock\n/);
  assert.doesNotMatch(r.err, /Press Ctrl-C|!! Stall/);
  assert.deepEqual(processesWithEnv(`CL_TEST_TAG=${tag}`), []);
});
