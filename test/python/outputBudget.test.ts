// The run-wide output budget against a real Python run whose child process floods print() (Output
// records over the hook's events connection).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kind, type TraceEvent } from '../../common/schema';
import { WireDecoder } from '../../common/wire';
import { startRun } from '../../engine/runner';
import { budgetRun, checkPrintsForever, LINE_BYTES, tagged } from '../engine/outputBudgetRun';
import { processesWithEnv, snippetFile } from '../engine/helpers';

const BUDGET = 256 * 1024;

const PYTHON = `
import multiprocessing as mp
import sys

def flood(n):
    i = 0
    while i != n:
        print('line %06d %s' % (i, 'x' * 40))
        i += 1

def after():
    pass

if __name__ == '__main__':
    p = mp.Process(target=flood, args=(int(sys.argv[1]),))
    p.start()
    p.join()
    q = mp.Process(target=after)
    q.start()
    q.join()
`;

test('a Python child printing 20,000 lines: recorded up to the budget, the rest counted, later processes kept', async () => {
  const [tag, env] = tagged();
  const run = startRun({ snippet: snippetFile('flood.py', PYTHON), args: ['20000'], maxOutputBytes: BUDGET, env });
  const r = await budgetRun(run);
  assert.equal(r.result.reason, 'exit', r.result.message);
  assert.ok(r.storedBytes <= BUDGET && r.storedBytes > BUDGET - LINE_BYTES, `${r.storedBytes} bytes stored`);
  assert.deepEqual(r.shown, r.stored, 'lines past the budget are not shown either');
  assert.deepEqual(r.notes, [
    '[concurrency-lens] output limit of 256 KiB reached: further output is not recorded or shown',
    `[concurrency-lens] ${20000 - r.stored.length} more lines of output were not recorded (limit 256 KiB)`,
  ]);
  // The second child started after the flood: its records are all there.
  const events: TraceEvent[] = [];
  const decoders = new Map<number, WireDecoder>();
  for (const c of run.chunks) {
    if (!decoders.has(c.conn)) decoders.set(c.conn, new WireDecoder((e) => events.push(e)));
    decoders.get(c.conn)!.push(c.bytes);
  }
  const lastLine = Math.max(
    ...events.filter((e) => e.kind === Kind.Output && e.text.startsWith('line ')).map((e) => e.t),
  );
  const starts = events.filter((e) => e.kind === Kind.ProcStart && e.t > lastLine);
  assert.equal(starts.length, 1, 'the second child started after the stored output');
  assert.ok(events.some((e) => e.kind === Kind.ProcExit && e.pid === starts[0].pid));
  assert.deepEqual(processesWithEnv(tag), []);
});

test('a Python child printing forever: stopped once the budget is spent, nothing past it kept, nothing left running', async () => {
  await checkPrintsForever('forever.py', PYTHON, BUDGET);
});
