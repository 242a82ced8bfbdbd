/** Runs a snippet that floods its output under a small output budget and sorts what came out. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startRun, type Run, type RunResult } from '../../engine/runner';
import { processesWithEnv, snippetFile } from './helpers';

/** Bytes of one flood line (`line 000123 xxx…`), newline included. */
export const LINE_BYTES = 5 + 6 + 1 + 40 + 1;

/** What a flooded run stored and showed. */
export interface BudgetRun {
  run: Run;
  result: RunResult;
  /** Flood lines in the trace store, in order. */
  stored: string[];
  /** Their bytes, newlines included. */
  storedBytes: number;
  /** Flood lines passed to `onOutput`. */
  shown: string[];
  /** The runner's `[concurrency-lens]` lines passed to `onOutput`. */
  notes: string[];
  /** Bytes of every chunk the run kept. */
  chunkBytes: number;
}

/** Waits for `run`; with `stopAfterMs`, stops it that long after the budget-spent note was shown. */
export async function budgetRun(run: Run, opts: { stopAfterMs?: number } = {}): Promise<BudgetRun> {
  const shown: string[] = [];
  const notes: string[] = [];
  run.onOutput((l) => {
    if (l.text.startsWith('line ')) shown.push(l.text);
    else if (l.text.startsWith('[concurrency-lens]')) {
      notes.push(l.text);
      if (opts.stopAfterMs !== undefined && notes.length === 1) setTimeout(() => void run.stop(), opts.stopAfterMs);
    }
  });
  const result = await run.done;
  const stored = run.store
    .output()
    .map((o) => o.text)
    .filter((t) => t.startsWith('line '));
  const storedBytes = stored.reduce((n, t) => n + Buffer.byteLength(t) + 1, 0);
  const chunkBytes = run.chunks.reduce((n, c) => n + c.bytes.length, 0);
  return { run, result, stored, storedBytes, shown, notes, chunkBytes };
}

/** A fresh `NAME=value` environment entry to find the run's processes by, and the env that sets it. */
export function tagged(): [string, Record<string, string>] {
  const v = randomBytes(6).toString('hex');
  return [`CL_TEST_BUDGET=${v}`, { CL_TEST_BUDGET: v }];
}

/**
 * A snippet whose child prints forever (its last argument -1), under `budget` bytes of output: the run
 * is stopped once the budget is spent, keeps nothing past it, counts the rest and leaves nothing running.
 */
export async function checkPrintsForever(file: string, code: string, budget: number): Promise<void> {
  const [tag, env] = tagged();
  const run = startRun({
    snippet: snippetFile(file, code),
    args: ['-1'],
    maxOutputBytes: budget,
    timeoutMs: 20_000,
    env,
  });
  const r = await budgetRun(run, { stopAfterMs: 500 });
  assert.equal(r.result.reason, 'stopped', r.result.message);
  assert.ok(r.storedBytes <= budget && r.storedBytes > budget - LINE_BYTES, `${r.storedBytes} bytes stored`);
  assert.equal(r.notes.length, 2, r.notes.join('\n'));
  assert.match(r.notes[1], /^\[concurrency-lens\] \d+ more lines of output were not recorded \(limit 256 KiB\)$/);
  assert.ok(r.chunkBytes < 2 * budget, `${r.chunkBytes} bytes of chunks kept`);
  assert.deepEqual(processesWithEnv(tag), []);
}
