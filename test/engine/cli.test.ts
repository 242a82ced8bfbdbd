import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cli, delay, processesWithEnv, runCli, snippetFile } from './helpers';

test('run passes output through with PID prefixes, prints the summary, writes the trace, exits with the code', async () => {
  const snippet = snippetFile(
    'hello.ts',
    "import { main } from 'concurrency-lens';\nmain(() => {\n  console.log('hello');\n  console.error('to stderr');\n  process.exit(4);\n});\n",
  );
  const trace = snippet.replace(/\.ts$/, '.trace.json');
  const r = await runCli(['run', snippet, '--out', trace]);
  assert.equal(r.code, 4, r.err);
  const pid = /\[pid (\d+)\] hello\n/.exec(r.out)?.[1];
  assert.ok(pid, r.out);
  assert.match(r.err, new RegExp(`\\[pid ${pid}\\] to stderr\\n`));
  assert.match(r.err, /exited with code 4/);
  assert.match(r.err, /processes +1\n/);
  assert.match(r.err, /wall time +[\d.]+ m?s\n/);
  assert.match(r.err, /CPU +\d+% of \d+ cores/);
  const json = JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents?: { ph: string; pid: number }[] };
  const events = json.traceEvents ?? (json as unknown as { ph: string; pid: number }[]);
  assert.ok(
    events.some((e) => e.ph === 'M' && e.pid === Number(pid)),
    'process named in the trace',
  );
});

test('a Python pool run is summarised from its trace: processes, tasks, peak queue depth', async () => {
  const snippet = snippetFile(
    'pool.py',
    [
      'import multiprocessing as mp',
      'def square(x):',
      '    return x * x',
      "if __name__ == '__main__':",
      '    with mp.Pool(2) as pool:',
      "        print('squares', pool.map(square, [1, 2, 3, 4]))",
      '    q = mp.Queue()',
      '    for i in range(3):',
      '        q.put(i)',
      '    for i in range(3):',
      '        q.get()',
      '',
    ].join('\n'),
  );
  const r = await runCli(['run', snippet]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\[pid \d+\] squares \[1, 4, 9, 16\]/);
  assert.match(r.err, /processes +3\n/);
  assert.match(r.err, /tasks +4\n/);
  assert.match(r.err, /peak queue +3 \(q\)\n/);
});

test('bad input: usage errors exit 2, a syntax error names file:line:col and exits non-zero', async () => {
  const usage = await runCli(['run']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /run needs a snippet file[\s\S]*usage:/);
  assert.equal((await runCli(['run', 'x.ts', '--timeout', 'soon'])).code, 2);
  const broken = snippetFile('broken.js', 'let x = ;\n');
  const r = await runCli(['run', broken]);
  assert.equal(r.code, 1);
  assert.ok(r.err.includes(`${broken}:1:9: Unexpected ";"`), r.err);
  assert.doesNotMatch(r.err, /processes/);
});

test('Ctrl-C stops the run cleanly: summary printed, exit 130, nothing left', async () => {
  const tag = randomBytes(8).toString('hex');
  const snippet = snippetFile('forever.js', "console.log('running'); setInterval(() => {}, 1000);\n");
  const r = await runCli(['run', snippet], { CL_TEST_TAG: tag }, (out, kill) => {
    if (out.includes('running')) kill();
  });
  assert.equal(r.code, 130, r.err);
  assert.match(r.err, /stopping the run/);
  assert.match(r.err, /stopped after/);
  assert.match(r.err, /processes +1\n/);
  await delay(50);
  assert.deepEqual(processesWithEnv(`CL_TEST_TAG=${tag}`), []);
});

test('serve shows a saved trace in the panel server until Ctrl-C', async () => {
  const snippet = snippetFile('saved.js', "console.log('saved run');\n");
  const trace = snippet.replace(/\.js$/, '.trace.json');
  assert.equal((await runCli(['run', snippet, '--out', trace])).code, 0);
  const child = spawn(process.execPath, [cli, 'serve', trace], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  for (let i = 0; i < 250 && !/panel: (\S+)/.test(err); i++) await delay(20);
  const url = /panel: (\S+)/.exec(err)?.[1];
  assert.ok(url !== undefined && url.startsWith('http://127.0.0.1:'), err);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/i);
  child.kill('SIGINT');
  assert.equal(await closed, 0);
});

test('run --open serves the live run; Ctrl-C stops it, a second Ctrl-C closes the panel', async () => {
  const snippet = snippetFile('live.js', "console.log('live'); setInterval(() => {}, 1000);\n");
  const child = spawn(process.execPath, [cli, 'run', '--open', snippet], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  for (let i = 0; i < 500 && !(/panel: (\S+)/.test(err) && out.includes('live')); i++) await delay(20);
  const url = /panel: (\S+)/.exec(err)?.[1];
  assert.ok(url !== undefined && url.startsWith('http://127.0.0.1:'), err);
  assert.equal((await fetch(url)).status, 200);
  child.kill('SIGINT');
  for (let i = 0; i < 500 && !err.includes('panel still open'); i++) await delay(20);
  assert.match(err, /stopped after[\s\S]*processes +1\n[\s\S]*panel still open/);
  assert.equal((await fetch(url)).status, 200, 'the finished run stays viewable');
  child.kill('SIGINT');
  assert.equal(await closed, 130);
});
