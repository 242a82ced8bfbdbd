/** `concurrency-lens run`: runs a snippet, passes its output through with PID prefixes, prints a summary, writes the trace. */
import { writeFileSync } from 'node:fs';
import { startRun, type OutputEvent, type Run, type RunOptions } from '../runner';
import { formatSummary, summarize } from '../summary';
import type { Command } from './args';
import { toChromeTrace } from '../../common/chrome/export';
import { servePanel, type PanelServer } from '../server';

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

/** Runs the `run` command; resolves with the process exit code. */
export async function runCommand(c: Extract<Command, { cmd: 'run' }>, io: Io = stdio): Promise<number> {
  const options: RunOptions = {
    snippet: c.snippet,
    timeoutMs: c.timeoutS !== undefined ? c.timeoutS * 1000 : undefined,
    maxProcs: c.maxProcs,
    args: c.args,
  };
  const launch = (): Run => {
    const r = startRun(options);
    r.onOutput((l: OutputEvent) => (l.stream === 'stderr' ? io.err : io.out)(`[pid ${l.pid}] ${l.text}\n`));
    return r;
  };
  const run = launch();
  let server: PanelServer | undefined;
  if (c.open) {
    server = await servePanel(run, { title: c.snippet, rerun: launch });
    io.err(`panel: ${server.url}\n`);
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
    const failed = result.reason !== 'exit' && result.reason !== 'stopped';
    io.err(`${failed ? 'error: ' : ''}${result.message}\n`);
    if (result.reason !== 'error') {
      const summary = summarize(run.store, result.wallNs);
      io.err(
        formatSummary(summary)
          .map((l) => `  ${l}\n`)
          .join(''),
      );
    }
    if (c.out && result.reason !== 'error') {
      writeFileSync(c.out, JSON.stringify(toChromeTrace(run.store)));
      io.err(`trace written to ${c.out}\n`);
    }
    if (server) {
      process.off('SIGINT', onSigint);
      io.err(`panel still open at ${server.url} — press Ctrl-C to quit\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await server.close();
    }
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
