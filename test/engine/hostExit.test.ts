import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { delay, isAlive, processesWithEnv, snippetFile, wireBoot } from './helpers';

const SNIPPET = `
console.log('dir ' + process.env.CONCURRENCY_LENS_RUN_DIR);
const c = require('node:child_process').spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready ' + process.pid); setInterval(() => {}, 1000)"], { stdio: 'inherit' });
setInterval(() => {}, 1000);
`;

/** Starts a host process running a snippet; resolves with the host and the pid of the run's child once it is ready. */
async function host(mode: 'exit' | 'signal') {
  const tag = randomBytes(8).toString('hex');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'fixtures', 'hostRunner.ts'), snippetFile('h.js', SNIPPET), wireBoot(), mode],
    { env: { ...process.env, CL_TEST_TAG: tag }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code, sig) => r(code ?? (sig ? -1 : null))));
  for (let i = 0; i < 500 && !/ready \d+/.test(out); i++) await delay(20);
  const pid = Number(/ready (\d+)/.exec(out)?.[1]);
  assert.ok(pid > 0, 'the run started');
  const runDir = /dir (\/\S+)/.exec(out)?.[1] ?? '';
  assert.match(out, /dir exists true\n/, 'the run has its private directory');
  return {
    child,
    pid,
    exited,
    runDir,
    left: () => processesWithEnv(`CL_TEST_TAG=${tag}`).filter((p) => p !== child.pid),
  };
}

/**
 * What `left` still finds after giving the processes that end because the host ended (its esbuild
 * helper, whose pipe to the host closed) up to 2 s; a process of the run would still be there.
 */
async function leftAfterHost(left: () => number[]): Promise<number[]> {
  for (let i = 0; i < 100 && left().length > 0; i++) await delay(20);
  return left();
}

test("the runner's own process.exit kills the whole run", async () => {
  const h = await host('exit');
  assert.equal(await h.exited, 3);
  assert.deepEqual(await leftAfterHost(h.left), []);
  assert.equal(isAlive(h.pid), false);
  assert.equal(existsSync(h.runDir), false, 'the private directory is removed');
});

test('SIGTERM to the runner stops the run (SIGTERM-proof child included) and still ends the runner', async () => {
  const h = await host('signal');
  h.child.kill('SIGTERM');
  assert.equal(await h.exited, -1);
  assert.equal(isAlive(h.pid), false);
  assert.deepEqual(await leftAfterHost(h.left), []);
  assert.equal(existsSync(h.runDir), false, 'the private directory is removed');
});
