/** `concurrency-lens run`: runs a snippet, passes its output through with PID prefixes, prints a summary, writes the trace. */
import { writeFileSync } from 'node:fs';
import { startRun, type OutputEvent } from '../runner';
import { formatSummary, summarize } from '../summary';
import type { Command } from './args';
import { chromeExporter, panelServer, type PanelServer } from './optional';

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
  const exporter = c.out ? chromeExporter() : undefined;
  if (c.out && !exporter) {
    io.err('error: --out needs the Chrome trace exporter (common/chrome), which is not part of this build\n');
    return 2;
  }
  const serve = c.open ? panelServer() : undefined;
  if (c.open && !serve) {
    io.err('error: --open needs the panel server (engine/server), which is not part of this build\n');
    return 2;
  }
  const run = startRun({
    snippet: c.snippet,
    timeoutMs: c.timeoutS !== undefined ? c.timeoutS * 1000 : undefined,
    maxProcs: c.maxProcs,
    args: c.args,
  });
  run.onOutput((l: OutputEvent) => (l.stream === 'stderr' ? io.err : io.out)(`[pid ${l.pid}] ${l.text}\n`));
  let server: PanelServer | undefined;
  if (serve) {
    server = await serve(run, { title: c.snippet });
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
    const failed = result.reason !== 'exit';
    io.err(`${failed ? 'error: ' : ''}${result.message}\n`);
    if (result.reason !== 'error') {
      const summary = summarize(run.store, result.wallNs);
      io.err(
        formatSummary(summary)
          .map((l) => `  ${l}\n`)
          .join(''),
      );
    }
    if (exporter && c.out && result.reason !== 'error') {
      writeFileSync(c.out, JSON.stringify(exporter(run.store)));
      io.err(`trace written to ${c.out}\n`);
    }
    if (server) {
      io.err(`panel still open at ${server.url} — press Ctrl-C to quit\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await server.close();
    }
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
