/**
 * Runs a real Python program under the hook and collects what it recorded: the launcher
 * (`engine/launch/python.ts`) prepares it, the engine's `Collector` receives the records, and the
 * events land in a `TraceStore` as the panel would see them. Until `engine/runner.ts` is used here,
 * this is the tests' small runner: spawn, time limit, stop (SIGKILL of the group), orphan check.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Collector } from '../../engine/collector';
import { pythonLauncher } from '../../engine/launch/python';
import { isLaunchError } from '../../engine/launch/types';
import { ENV, Kind, type TraceEvent } from '../../common/schema';
import { TraceStore } from '../../common/store/traceStore';

/** Everything a run left behind. */
export interface PyRun {
  events: TraceEvent[];
  lines: { pid: number; stream: 'stdout' | 'stderr'; text: string }[];
  store: TraceStore;
  code: number | null;
  signal: NodeJS.Signals | null;
  rootPid: number;
  /** True when the harness had to stop the run (time limit or `stopWhen`). */
  stopped: boolean;
  /** Launch failure (syntax error, no interpreter), if any. */
  error?: string;
}

/** Options of `runPython`. */
export interface RunOptions {
  /** Start method forced through `CONCURRENCY_LENS_START_METHOD` (applied by the hook). */
  startMethod?: 'fork' | 'spawn' | 'forkserver';
  pythonPath?: string;
  /** Stop the run (SIGKILL to the process group) after this many ms. */
  timeoutMs?: number;
  /** Stop the run as soon as this returns true for the events so far. */
  stopWhen?: (events: TraceEvent[]) => boolean;
  env?: Record<string, string>;
  /** Stop by killing only the root process (SIGKILL), so the children must end by the orphan guard. */
  stopRootOnly?: boolean;
}

/** Repository path of a Python sample. */
export function sample(name: string): string {
  return resolve(__dirname, '../../samples/python', name);
}

/** Runs `file` under the hook and resolves when it ended (or was stopped) and every connection closed. */
export async function runPython(file: string, opts: RunOptions = {}): Promise<PyRun> {
  const runDir = mkdtempSync(join(tmpdir(), 'cl-py-'));
  const token = randomBytes(16).toString('hex');
  const events: TraceEvent[] = [];
  const lines: PyRun['lines'] = [];
  const store = new TraceStore();
  const collector = new Collector(token, {
    hello: () => {},
    chunk: (c) => store.ingest(c),
    event: (_conn, e) => events.push(e),
    line: (pid, stream, text) => lines.push({ pid, stream, text }),
  });
  const sock = join(runDir, 'events.sock');
  await collector.listen(sock);
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...opts.env,
    [ENV.socket]: sock,
    [ENV.token]: token,
    [ENV.runDir]: runDir,
    [ENV.snippet]: file,
  };
  if (opts.startMethod) env.CONCURRENCY_LENS_START_METHOD = opts.startMethod;
  const plan = await pythonLauncher.prepare({
    snippet: file,
    runDir,
    env,
    cwd: runDir,
    args: [],
    nodePath: process.execPath,
    pythonPath: opts.pythonPath,
  });
  if (isLaunchError(plan)) {
    await collector.close();
    rmSync(runDir, { recursive: true, force: true });
    return { events, lines, store, code: null, signal: null, rootPid: 0, stopped: false, error: plan.error };
  }
  const child = spawn(plan.command, plan.args, { env: plan.env, cwd: runDir, detached: true, stdio: 'ignore' });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(opts.stopRootOnly ? child.pid! : -child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const timer = setTimeout(stop, opts.timeoutMs ?? 30_000);
  const poll = opts.stopWhen ? setInterval(() => opts.stopWhen!(events) && stop(), 20) : undefined;
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) =>
    child.on('exit', (c, s) => res([c, s])),
  );
  clearTimeout(timer);
  if (poll) clearInterval(poll);
  // After a stop, closing the collector's sockets is what ends any process still alive (orphan guard).
  await collector.waitIdle(stopped ? 300 : 3000);
  await collector.close();
  rmSync(runDir, { recursive: true, force: true });
  return { events, lines, store, code, signal, rootPid: child.pid!, stopped };
}

/** Events of one kind, typed. */
export function ofKind<K extends TraceEvent['kind']>(
  events: TraceEvent[],
  kind: K,
): Extract<TraceEvent, { kind: K }>[] {
  return events.filter((e) => e.kind === kind) as Extract<TraceEvent, { kind: K }>[];
}

/** Pids that sent ProcStart with the given role (see `Role`). */
export function pidsWithRole(events: TraceEvent[], role: number): number[] {
  return ofKind(events, Kind.ProcStart)
    .filter((e) => e.role === role)
    .map((e) => e.pid);
}

/** Text printed to stdout, all processes, in arrival order. */
export function stdout(run: PyRun): string[] {
  return run.lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
}

/** True while a process with this pid exists and is not a zombie (ended, waiting to be reaped). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
