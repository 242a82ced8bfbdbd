/**
 * `concurrency-lens run`: runs a snippet, passes its output through with PID prefixes, prints a
 * deadlock banner the moment one is detected, then the summary and the analyses (or JSON), writes the trace.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { analyzeRun, runCores, type RunAnalysis } from '../../common/analysis';
import { toChromeTrace } from '../../common/chrome/export';
import { startRun, type OutputEvent, type Run, type RunDeadlock, type RunOptions } from '../runner';
import { servePanel, type PanelServer } from '../server';
import { formatSummary, summarize } from '../summary';
import { formatAnalysis } from './analysisReport';
import { openBrowser } from './openBrowser';
import type { Command } from './args';
import { deadlockBanner } from './deadlockBanner';
import { jsonReport } from './jsonReport';

/** Where the command writes (real streams in the CLI, captured ones in tests). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Standard streams. */
export const stdio: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Exit code of a run that `--stop-on-deadlock` stopped. */
export const DEADLOCK_EXIT_CODE = 3;

const DEFAULT_TIMEOUT_S = 60;

/** Runs the `run` command; resolves with the process exit code. */
export async function runCommand(c: Extract<Command, { cmd: 'run' }>, io: Io = stdio): Promise<number> {
  const timeoutS = c.timeoutS ?? DEFAULT_TIMEOUT_S;
  const cores = c.cores ?? availableParallelism();
  const options: RunOptions = { snippet: c.snippet, timeoutMs: timeoutS * 1000, maxProcs: c.maxProcs, args: c.args };
  // With --json, stdout carries only the report: the snippet's output goes to stderr.
  const outLine = c.json ? io.err : io.out;
  const deadlocks: RunDeadlock[] = [];
  let stoppedOnDeadlock = false;
  const launch = (): Run => {
    const r = startRun(options);
    r.onOutput((l: OutputEvent) => (l.stream === 'stderr' ? io.err : outLine)(`[pid ${l.pid}] ${l.text}\n`));
    r.onDeadlock((d) => {
      if (r !== run) return; // a panel Rerun: only the shown run is reported
      deadlocks.push(d);
      const stop = c.stopOnDeadlock && !stoppedOnDeadlock;
      io.err(deadlockBanner(d, stop, timeoutS).join('\n'));
      if (stop) {
        stoppedOnDeadlock = true;
        void r.stop();
      }
    });
    return r;
  };
  let run: Run = launch();
  let server: PanelServer | undefined;
  if (c.open) {
    server = await servePanel(run, {
      title: c.snippet,
      rerun: () => {
        deadlocks.length = 0;
        return (run = launch());
      },
    });
    io.err(`panel: ${server.url}\n`);
    openBrowser(server.url);
  }
  let interrupts = 0;
  const onSigint = (): void => {
    if (++interrupts === 1) {
      io.err('\nstopping the run (Ctrl-C again to quit at once)\n');
      void run.stop();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await run.done;
    const exitCode = stoppedOnDeadlock && result.reason === 'stopped' ? DEADLOCK_EXIT_CODE : result.exitCode;
    const failed = result.reason !== 'exit' && result.reason !== 'stopped';
    const why = exitCode === DEADLOCK_EXIT_CODE ? ' because of the deadlock' : '';
    io.err(`${failed ? 'error: ' : ''}${result.message}${why}\n`);
    const ran = result.reason !== 'error';
    const summary = ran ? summarize(run.store, result.wallNs, cores) : undefined;
    const analysis: RunAnalysis | undefined = ran
      ? analyzeRun(run.store, c.cores ? { cores } : runCores(run.store, cores))
      : undefined;
    const inversions = run.lockOrderInversions();
    if (c.json) {
      const report = jsonReport(run.snippet, exitCode, result, deadlocks, inversions, summary, analysis);
      io.out(`${JSON.stringify(report, null, 2)}\n`);
    } else if (summary && analysis) {
      const lines = [
        ...formatSummary(summary),
        '',
        ...formatAnalysis({ analysis, inversions, deadlocks, verbose: c.verbose, cwd: process.cwd() }),
      ];
      io.err(lines.map((l) => (l ? `  ${l}\n` : '\n')).join(''));
    }
    if (c.out && ran) {
      writeFileSync(c.out, JSON.stringify(toChromeTrace(run.store)));
      io.err(`trace written to ${c.out}\n`);
    }
    if (server) {
      process.off('SIGINT', onSigint);
      io.err(`panel still open at ${server.url} — press Ctrl-C to quit\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await server.close();
    }
    return exitCode;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
