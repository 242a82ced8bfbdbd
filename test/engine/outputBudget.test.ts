// The run-wide output budget against real Node processes whose child floods its output (Output records
// over the events connection, not the root's pipes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';
import { budgetRun, checkPrintsForever, LINE_BYTES, tagged } from './outputBudgetRun';
import { processesWithEnv, snippetFile } from './helpers';

const BUDGET = 256 * 1024;

const NODE = `
import { Process, main, mark } from 'concurrency-lens';
// Lines of ${LINE_BYTES} bytes with their newline, in bursts; n < 0: forever.
export async function flood(n: number): Promise<void> {
  for (let i = 0; i !== n; ) {
    for (let k = 0; k < 1000 && i !== n; k++, i++) console.log('line ' + String(i).padStart(6, '0') + ' ' + 'x'.repeat(40));
    await new Promise((r) => setImmediate(r));
  }
}
main(async () => {
  const p = new Process({ target: flood, args: [Number(process.argv[process.argv.length - 1])] });
  p.start();
  await p.join();
  mark('after the flood');
});
`;

test('a Node child printing 20,000 lines: output is recorded up to the budget, the rest counted, marks kept', async () => {
  const [tag, env] = tagged();
  const file = snippetFile('flood.ts', NODE);
  const r = await budgetRun(
    startRun({
      snippet: file,
      args: ['20000'],
      maxOutputBytes: BUDGET,
      env,
    }),
  );
  assert.equal(r.result.reason, 'exit', r.result.message);
  assert.ok(r.storedBytes <= BUDGET && r.storedBytes > BUDGET - LINE_BYTES, `${r.storedBytes} bytes stored`);
  assert.deepEqual(r.shown, r.stored, 'lines past the budget are not shown either');
  assert.deepEqual(r.notes, [
    '[concurrency-lens] output limit of 256 KiB reached: further output is not recorded or shown',
    `[concurrency-lens] ${20000 - r.stored.length} more lines of output were not recorded (limit 256 KiB)`,
  ]);
  assert.deepEqual(
    r.run.store.marks().map((m) => m.name),
    ['after the flood'],
  );
  assert.deepEqual(processesWithEnv(tag), []);
});

test('a Node child printing forever: stopped once the budget is spent, nothing past it kept, nothing left running', async () => {
  await checkPrintsForever('forever.ts', NODE, BUDGET);
});
