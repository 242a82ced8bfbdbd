/**
 * Runs a real Python program under the hook and collects what it recorded. `runPython` goes through
 * the engine's runner (`startRun`: launcher, collector, CPU sampler, process-tree stop) and decodes
 * every runtime connection's records; `runPythonBare` uses only the launcher and a collector, for the
 * orphan-guard test. Both also expose the trace store the panel would see.
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
import type { TraceView } from '../../common/store/api';
import { WireDecoder } from '../../common/wire';
import { startRun } from '../../engine/runner';
import { processesWithEnv } from '../engine/helpers';

/** Everything a run left behind. */
export interface PyRun {
  events: TraceEvent[];
  lines: { pid: number; stream: 'stdout' | 'stderr'; text: string }[];
  /** The runner's own records (connection 0): CPU samples, RunStart/RunEnd, ProcExit it wrote. */
  runnerEvents: TraceEvent[];
  store: TraceView;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** How the run ended (`RunResult.reason`; 'exit' for bare runs that ended by themselves). */
  reason: string;
  rootPid: number;
  /** True when the harness had to stop the run (time limit or `stopWhen`). */
  stopped: boolean;
  /** Launch failure (syntax error, no interpreter), if any. */
  error?: string;
  /** True when the run was still going at `stacksAfterMs`, so its Python processes printed their stacks. */
  hung?: boolean;
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
  /**
   * A run still going after this many ms is taken as hung: every Python process of it prints its
   * stacks (faulthandler on SIGABRT, which also ends it) and the harness writes them, with what else
   * the run left, to stderr, where the test output shows them. Default: 3 s before a time limit of
   * 10 s or more; none for shorter limits, which tests use when they expect the limit.
   */
  stacksAfterMs?: number;
}

/** Repository path of a Python sample. */
export function sample(name: string): string {
  return resolve(__dirname, '../../samples/python', name);
}

/** Runs `file` through the engine's runner and resolves when nothing of the run is left. */
export async function runPython(file: string, opts: RunOptions = {}): Promise<PyRun> {
  const events: TraceEvent[] = [];
  const runnerEvents: TraceEvent[] = [];
  const lines: PyRun['lines'] = [];
  const decoders = new Map<number, WireDecoder>();
  const tag = randomBytes(6).toString('hex');
  const env: Record<string, string> = { PYTHONFAULTHANDLER: '1', ...opts.env, CL_TEST_RUN: tag };
  if (opts.startMethod) env.CONCURRENCY_LENS_START_METHOD = opts.startMethod;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const run = startRun({ snippet: file, timeoutMs, pythonPath: opts.pythonPath, env });
  const stacksAfter = opts.stacksAfterMs ?? (timeoutMs >= 10_000 ? timeoutMs - 3000 : undefined);
  let hung = false;
  const dump =
    stacksAfter === undefined
      ? undefined
      : setTimeout(() => {
          hung = true;
          abortPython(`CL_TEST_RUN=${tag}`);
        }, stacksAfter);
  run.onChunk((c) => {
    let d = decoders.get(c.conn);
    if (!d) decoders.set(c.conn, (d = new WireDecoder((e) => (c.conn === 0 ? runnerEvents : events).push(e))));
    d.push(c.bytes);
  });
  run.onOutput((l) => lines.push(l));
  let stopped = false;
  const poll = opts.stopWhen
    ? setInterval(() => {
        if (!stopped && opts.stopWhen!(events)) {
          stopped = true;
          void run.stop();
        }
      }, 20)
    : undefined;
  const result = await run.done;
  if (poll) clearInterval(poll);
  clearTimeout(dump);
  if (hung) process.stderr.write(hangReport(file, stacksAfter!, lines, events, run.dropReasons));
  const root = events.find((e) => e.kind === Kind.ProcStart && e.role === 0);
  return {
    hung,
    events,
    runnerEvents,
    lines,
    store: run.store,
    code: result.reason === 'error' ? null : result.exitCode,
    signal: null,
    reason: result.reason,
    rootPid: root?.pid ?? 0,
    stopped: result.reason === 'stopped' || result.reason === 'timeout',
    error: result.reason === 'error' ? result.message : undefined,
  };
}

/** Sends SIGABRT to the live Python processes whose environment carries `entry`. */
function abortPython(entry: string): void {
  for (const pid of processesWithEnv(entry)) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('python')) process.kill(pid, 'SIGABRT');
    } catch {
      // ended meanwhile
    }
  }
}

/** What a hung run left: its output (the stacks included), dropped connections and each process's last record. */
function hangReport(
  file: string,
  afterMs: number,
  lines: PyRun['lines'],
  events: TraceEvent[],
  dropped: readonly string[],
): string {
  const out = [`[python harness] ${file} was still running after ${afterMs} ms; what it left:`];
  for (const l of lines) out.push(`  [pid ${l.pid} ${l.stream}] ${l.text}`);
  for (const why of dropped) out.push(`  dropped connection: ${why}`);
  // What each lane was inside when it stopped: its spans that never ended (waits, holds, runs).
  const open = new Map<string, Map<number, string>>();
  for (const e of events) {
    const lane = `pid ${e.pid} tid ${e.tid}`;
    if (!open.has(lane)) open.set(lane, new Map());
    if (e.kind === Kind.Begin) open.get(lane)!.set(e.span, `cat ${e.cat} ${e.name} ${e.detail} ${e.obj} ${e.loc}`);
    else if (e.kind === Kind.End) open.get(lane)!.delete(e.span);
  }
  for (const [lane, spans] of open) out.push(`  ${lane} inside: ${[...spans.values()].join(' > ') || 'no span'}`);
  return out.join('\n') + '\n';
}

/**
 * Runs `file` with only the launcher and a bare collector (no runner, no process-tree control), so a
 * test can kill just the root and watch the other processes end by the orphan guard.
 */
export async function runPythonBare(file: string, opts: RunOptions = {}): Promise<PyRun> {
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
    return {
      events,
      lines,
      runnerEvents: [],
      store,
      code: null,
      signal: null,
      reason: 'error',
      rootPid: 0,
      stopped: false,
      error: plan.error,
    };
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
  const reason = stopped ? 'stopped' : 'exit';
  return { events, lines, runnerEvents: [], store, code, signal, reason, rootPid: child.pid!, stopped };
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
