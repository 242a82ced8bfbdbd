import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';
import { snippetFile } from './helpers';

const NODE = `
import { Process, main } from 'concurrency-lens';
export function child(): void {
  console.log('child one');
  process.stdout.write('child ');
  process.stdout.write('two\\n');
}
main(async () => {
  console.log('a');
  console.log('b');
  const p = new Process({ target: child });
  p.start();
  await p.join();
  console.error('done');
});
`;

const PYTHON = `
import sys
print('a')
print('b')
sys.stdout.write('c')
sys.stdout.write('d\\n')
print('done', file=sys.stderr)
`;

async function outputOf(name: string, code: string): Promise<Map<number, string[]>> {
  const run = startRun({ snippet: snippetFile(name, code) });
  const r = await run.done;
  assert.equal(r.reason, 'exit', r.message);
  const byPid = new Map<number, string[]>();
  for (const l of run.store.output()) byPid.set(l.pid, [...(byPid.get(l.pid) ?? []), `${l.stream}:${l.text}`]);
  return byPid;
}

test('the trace keeps each printed line of a Node run as its own line, per process', async () => {
  const out = [...(await outputOf('lines.ts', NODE)).values()];
  assert.deepEqual(
    out.find((l) => l.includes('1:a')),
    ['1:a', '1:b', '2:done'],
  );
  assert.deepEqual(
    out.find((l) => l.includes('1:child one')),
    ['1:child one', '1:child two'],
  );
});

test('the trace keeps each printed line of a Python run as its own line', async () => {
  const out = [...(await outputOf('lines.py', PYTHON)).values()];
  assert.deepEqual(out.flat(), ['1:a', '1:b', '1:cd', '2:done']);
});
