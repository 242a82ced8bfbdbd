import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';
import { snippetFile, wireBoot } from './helpers';

/** Runs `snippet` with a boot that leaves a marker file if it ever starts. */
async function runExpectingNoStart(snippet: string) {
  const marker = join(snippet + '.started');
  const run = startRun({ snippet, nodeBoot: wireBoot(), env: { CL_TEST_STARTED: marker } });
  const result = await run.done;
  assert.equal(existsSync(marker), false, 'no process may start');
  assert.equal(run.store.lanes().length, 0);
  return result;
}

test('a syntax error names file:line:col and starts nothing', async () => {
  const snippet = snippetFile('broken.ts', 'const a = 1;\nconsole.log(a);\nconst b = ;\nconsole.log(b);\n');
  const r = await runExpectingNoStart(snippet);
  assert.equal(r.reason, 'error');
  assert.notEqual(r.exitCode, 0);
  assert.match(r.message, new RegExp(`^${snippet.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:11: Unexpected `));
});

test('a missing file and an unsupported extension are refused before anything runs', async () => {
  const missing = snippetFile('here.ts', '').replace('here.ts', 'not-here.ts');
  const r1 = await runExpectingNoStart(missing);
  assert.equal(r1.reason, 'error');
  assert.match(r1.message, /not-here\.ts: no such file/);
  const rb = snippetFile('prog.rb', 'puts 1');
  const r2 = await runExpectingNoStart(rb);
  assert.equal(r2.reason, 'error');
  assert.notEqual(r2.exitCode, 0);
  assert.match(r2.message, /unsupported file type '\.rb'.*\.ts.*\.py/);
});

test('an import that cannot be resolved is reported with its location', async () => {
  const snippet = snippetFile('imp.ts', "import { x } from './nowhere';\nconsole.log(x);\n");
  const r = await runExpectingNoStart(snippet);
  assert.equal(r.reason, 'error');
  assert.match(r.message, /imp\.ts:1:\d+: Could not resolve "\.\/nowhere"/);
});

test('stop() before the root has started starts nothing; stop() after the end is harmless', async () => {
  const snippet = snippetFile('late.ts', 'console.log(1);\n');
  const marker = `${snippet}.started`;
  const run = startRun({ snippet, nodeBoot: wireBoot(), env: { CL_TEST_STARTED: marker } });
  await Promise.all([run.stop(), run.stop()]);
  const r = await run.done;
  assert.equal(r.reason, 'stopped');
  assert.equal(r.exitCode, 130);
  assert.equal(r.message, 'stopped before the snippet started');
  assert.equal(existsSync(marker), false);
  await run.stop();
  assert.equal((await run.done).reason, 'stopped');
});

test('impossible limits are refused; a listener that throws does not break the run', async () => {
  const snippet = snippetFile('fine.js', "console.log('one'); console.log('two');\n");
  const r1 = await startRun({ snippet, nodeBoot: wireBoot(), timeoutMs: 0 }).done;
  assert.equal(r1.reason, 'error');
  assert.match(r1.message, /time limit must be a positive number/);
  const r2 = await startRun({ snippet, nodeBoot: wireBoot(), maxProcs: 0.5 }).done;
  assert.match(r2.message, /process limit must be a whole number/);
  const run = startRun({ snippet, nodeBoot: wireBoot() });
  const seen: string[] = [];
  const quiet = console.error;
  console.error = () => {};
  try {
    run.onOutput(() => {
      throw new Error('listener bug');
    });
    run.onChunk(() => {
      throw new Error('listener bug');
    });
    run.onOutput((l) => seen.push(l.text));
    const r = await run.done;
    assert.equal(r.reason, 'exit');
  } finally {
    console.error = quiet;
  }
  assert.deepEqual(seen, ['one', 'two']);
  assert.deepEqual(
    run.store.output().map((o) => o.text),
    ['one', 'two'],
  );
});
