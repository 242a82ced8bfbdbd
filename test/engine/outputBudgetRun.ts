/** Runs a snippet that floods its output under a small output budget and sorts what came out. */
import { randomBytes } from 'node:crypto';
import type { Run, RunResult } from '../../engine/runner';

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
