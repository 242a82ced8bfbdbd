import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { startRun, type Run } from '../../engine/runner';
import { delay, isAlive, processesWithEnv, snippetFile, wireBoot } from './helpers';

/** A tag in the environment of every process of a run, to find leftovers in /proc afterwards. */
function tagged(): { env: Record<string, string>; left: () => number[] } {
  const tag = randomBytes(8).toString('hex');
  return { env: { CL_TEST_TAG: tag }, left: () => processesWithEnv(`CL_TEST_TAG=${tag}`) };
}

/** Waits until the run has printed `n` lines starting with `prefix`; returns their pids (the text after the prefix). */
async function waitForLines(run: Run, prefix: string, n: number): Promise<number[]> {
  const pids: number[] = [];
  const off = run.onOutput((l) => {
    if (l.text.startsWith(prefix)) pids.push(Number(l.text.slice(prefix.length)));
  });
  for (let i = 0; i < 500 && pids.length < n; i++) await delay(20);
  off();
  assert.equal(pids.length, n, `expected ${n} '${prefix}' lines`);
  return pids;
}

test('exit codes pass through; a root that dies by a signal is a crash', async () => {
  const ok = await startRun({ snippet: snippetFile('code.js', 'process.exitCode = 7;'), nodeBoot: wireBoot() }).done;
  assert.deepEqual([ok.reason, ok.exitCode], ['exit', 7]);
  assert.match(ok.message, /exited with code 7/);
  const crash = await startRun({
    snippet: snippetFile('crash.js', "process.kill(process.pid, 'SIGKILL');"),
    nodeBoot: wireBoot(),
  }).done;
  assert.deepEqual([crash.reason, crash.exitCode], ['crash', 137]);
  assert.match(crash.message, /killed by SIGKILL/);
});

test('an endless loop is stopped at the time limit with nothing left', async () => {
  const t = tagged();
  const run = startRun({
    snippet: snippetFile('loop.js', 'for (;;) {}'),
    nodeBoot: wireBoot(),
    timeoutMs: 1000,
    env: t.env,
  });
  const r = await run.done;
  assert.equal(r.reason, 'timeout');
  assert.equal(r.exitCode, 124);
  assert.match(r.message, /timed out after 1 s.*--timeout/);
  assert.deepEqual(t.left(), []);
});

const BOMB = `
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
// Plain Node processes that each start two more (capped at depth 6 so a broken limit cannot take the machine).
const child = join(process.env.CONCURRENCY_LENS_RUN_DIR, 'bomb.js');
writeFileSync(child, "const d = +process.argv[2]; if (d < 6) for (let i = 0; i < 2; i++) require('node:child_process').spawn(process.execPath, [__filename, d + 1], { stdio: 'ignore' }); setInterval(() => {}, 1000);");
spawn(process.execPath, [child, '1'], { stdio: 'ignore' });
spawn(process.execPath, [child, '1'], { stdio: 'ignore' });
setInterval(() => {}, 1000);
`;

test('a snippet that forks without limit is stopped at the process limit, descendants included', async () => {
  const t = tagged();
  const run = startRun({ snippet: snippetFile('bomb.js', BOMB), nodeBoot: wireBoot(), maxProcs: 6, env: t.env });
  const r = await run.done;
  assert.equal(r.reason, 'proc-limit');
  assert.notEqual(r.exitCode, 0);
  assert.match(r.message, /limit of 6 processes.*--max-procs/);
  assert.deepEqual(t.left(), []);
});

const TREE = `
const { spawn } = require('node:child_process');
const node = process.execPath;
// A child that ignores SIGTERM and has a grandchild that ignores it too.
const stubborn = "process.on('SIGTERM', () => {}); console.log('ready ' + process.pid); setInterval(() => {}, 1000);";
spawn(node, ['-e', "require('node:child_process').spawn(process.execPath, ['-e', " + JSON.stringify(stubborn) + "], { stdio: 'inherit' });" + stubborn], { stdio: 'inherit' });
// A child in its own session (setsid) whose own child outlives it: an orphan in another session.
const orphanMaker = "const c = require('node:child_process').spawn(process.execPath, ['-e', " + JSON.stringify(stubborn) + "], { stdio: 'inherit', detached: true }); c.unref(); setTimeout(() => process.exit(0), 200);";
spawn(node, ['-e', orphanMaker], { stdio: 'inherit', detached: true });
console.log('ready ' + process.pid);
setInterval(() => {}, 1000);
`;

test('stop() ends grandchildren that ignore SIGTERM and processes that left the session', async () => {
  const t = tagged();
  const run = startRun({ snippet: snippetFile('tree.js', TREE), nodeBoot: wireBoot(), env: t.env, graceMs: 300 });
  const pids = await waitForLines(run, 'ready ', 4);
  await delay(300); // the setsid child has exited by now: its child is an orphan
  assert.ok(pids.every(isAlive), 'all started');
  assert.ok(t.left().length >= 4);
  await run.stop();
  const r = await run.done;
  assert.equal(r.reason, 'stopped');
  assert.equal(r.exitCode, 130);
  assert.deepEqual(pids.filter(isAlive), []);
  assert.deepEqual(t.left(), []);
});

test('a root that exits while children still run takes them down too', async () => {
  const t = tagged();
  const snippet = `
    const c = require('node:child_process').spawn(process.execPath, ['-e', "console.log('ready ' + process.pid); setInterval(() => {}, 1000)"], { stdio: 'inherit', detached: true });
    c.unref();
    setTimeout(() => process.exit(0), 500);`;
  const run = startRun({ snippet: snippetFile('leave.js', snippet), nodeBoot: wireBoot(), env: t.env, graceMs: 200 });
  const [child] = await waitForLines(run, 'ready ', 1);
  const r = await run.done;
  assert.equal(r.reason, 'exit');
  assert.equal(r.exitCode, 0);
  assert.match(r.message, /1 process was still running and was stopped/);
  assert.equal(isAlive(child), false);
  assert.deepEqual(t.left(), []);
});

test('a root that crashes leaves no orphan behind', async () => {
  const t = tagged();
  const snippet = `
    require('node:child_process').spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready ' + process.pid); setInterval(() => {}, 1000)"], { stdio: 'inherit' });
    setInterval(() => {}, 1000);`;
  const run = startRun({
    snippet: snippetFile('crash-tree.js', snippet),
    nodeBoot: wireBoot(),
    env: t.env,
    graceMs: 200,
  });
  const [child] = await waitForLines(run, 'ready ', 1);
  process.kill(run.store.lanes()[0].pid, 'SIGSEGV');
  const r = await run.done;
  assert.equal(r.reason, 'crash');
  assert.equal(r.exitCode, 139);
  assert.match(r.message, /killed by SIGSEGV.*1 process was still running and was stopped/);
  assert.equal(isAlive(child), false);
  assert.deepEqual(t.left(), []);
});
