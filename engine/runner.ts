/**
 * The runner: starts a snippet's root process under its runtime, collects every process's records
 * over the run's private socket, enforces the time and process limits, samples CPU, and ends the
 * whole process tree on stop, timeout, limit, crash or its own exit. No `vscode` here: the CLI, the
 * extension and the tests all use this.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Chunk } from '../common/protocol';
import { ENV, Kind, Stream, type Hello, type TraceEvent } from '../common/schema';
import type { TraceView } from '../common/store/api';
import { Collector } from './collector';
import { trackRun } from './exitHook';
import { launcherFor } from './launch/registry';
import { isLaunchError } from './launch/types';
import { LineSplitter } from './lines';
import { CpuSampler } from './proc/sampler';
import { ProcessTree } from './proc/tree';
import { makeRunDir, removeRunDir } from './runDir';
import { RunnerRecords, nowNs } from './runnerRecords';
import * as R from './runResult';
import type { OutputEvent, Run, RunOptions } from './runApi';
import { createStore, type IngestingStore } from './store';
import { LiveDeadlock, type RunDeadlock } from './liveDeadlock';
import { MAX_OUTPUT_BYTES, OutputBudget } from './outputBudget';
import { utf8Length } from '../common/utf8';
import type { LockOrderInversion } from '../common/analysis/lockOrder';

export type { EndReason, RunResult } from './runResult';
export type { OutputEvent, Run, RunOptions } from './runApi';
export type { RunDeadlock } from './liveDeadlock';

export { MAX_OUTPUT_BYTES } from './outputBudget';
const TICK_MS = 10;
const SCAN_EVERY_TICKS = 20;

/** Starts a run; errors (bad file, syntax error, ...) end it with reason 'error' instead of throwing. */
export function startRun(opts: RunOptions): Run {
  return new LiveRun(opts);
}

class LiveRun implements Run {
  readonly snippet: string;
  readonly chunks: Chunk[] = [];
  readonly done: Promise<R.RunResult>;
  private resolveDone!: (r: R.RunResult) => void;
  private readonly chunkListeners = new Set<(c: Chunk) => void>();
  private readonly outputListeners = new Set<(l: OutputEvent) => void>();
  private storeImpl?: IngestingStore;
  private readonly records = new RunnerRecords((c) => this.pushChunk(c));
  private readonly t0 = nowNs();
  private readonly deadlocks: LiveDeadlock;
  private readonly token = randomBytes(16).toString('hex');
  private readonly sampler = new CpuSampler();
  private readonly connRuntime = new Map<number, string>();
  /** pids that reported ProcStart → whether they have exited. */
  private readonly started = new Map<number, boolean>();
  private readonly timeoutMs: number;
  private readonly maxProcs: number;
  private readonly graceMs: number;
  private collector?: Collector;
  private tree?: ProcessTree;
  private child?: ChildProcess;
  private runDir?: string;
  private ending?: { reason: 'stopped' | 'timeout' | 'proc-limit'; message: string };
  private killing?: Promise<void>;
  private finished = false;
  private timers: NodeJS.Timeout[] = [];
  private ticks = 0;
  private readonly output: OutputBudget;
  private flushQueued = false;
  private untrack?: () => void;

  constructor(private readonly opts: RunOptions) {
    this.snippet = resolve(opts.cwd ?? process.cwd(), opts.snippet);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxProcs = opts.maxProcs ?? 64;
    this.graceMs = opts.graceMs ?? 500;
    this.output = new OutputBudget(opts.maxOutputBytes ?? MAX_OUTPUT_BYTES, () =>
      this.runnerNote(this.output.fullNote),
    );
    this.done = new Promise((r) => (this.resolveDone = r));
    const stallMs = opts.deadlockStallMs;
    this.deadlocks = new LiveDeadlock(this.t0, guard, stallMs !== undefined ? stallMs * 1e6 : undefined);
    const bad = badOption(this.timeoutMs, this.maxProcs, this.output.limit);
    const started = bad ? Promise.resolve(this.finish('error', R.EXIT_CODES.error, bad)) : this.start();
    started.catch((err: Error) => this.finish('error', R.EXIT_CODES.error, `internal error: ${err.message}`));
  }

  get store(): TraceView {
    if (!this.storeImpl) {
      const store = createStore();
      for (const c of this.chunks) store.ingest(c);
      this.storeImpl = store;
    }
    return this.storeImpl;
  }

  onChunk(cb: (c: Chunk) => void): () => void {
    this.chunkListeners.add(cb);
    return () => this.chunkListeners.delete(cb);
  }

  onOutput(cb: (l: OutputEvent) => void): () => void {
    this.outputListeners.add(cb);
    return () => this.outputListeners.delete(cb);
  }

  onDeadlock(cb: (d: RunDeadlock) => void): () => void {
    return this.deadlocks.on(cb);
  }

  get deadlock(): RunDeadlock | undefined {
    return this.deadlocks.latest;
  }

  lockOrderInversions(): LockOrderInversion[] {
    return this.deadlocks.inversions();
  }

  stop(): Promise<void> {
    this.end('stopped', '', this.graceMs);
    return this.done.then(() => undefined);
  }

  /** Connections dropped by the collector (bad token, bad hello, corrupt stream). */
  get droppedConnections(): number {
    return this.collector?.droppedConnections ?? 0;
  }

  get dropReasons(): readonly string[] {
    return this.collector?.dropReasons ?? [];
  }

  private async start(): Promise<void> {
    const pick = launcherFor(this.snippet, this.opts.nodeBoot);
    this.records.runStart(this.t0, this.snippet, 'runtime' in pick ? pick.runtime : extname(this.snippet));
    if ('error' in pick) return this.finish('error', R.EXIT_CODES.error, pick.error);
    if (!isFile(this.snippet)) return this.finish('error', R.EXIT_CODES.error, `${this.snippet}: no such file`);
    const { dir, socket } = makeRunDir();
    this.runDir = dir;
    this.collector = new Collector(this.token, {
      hello: (conn, h) => this.onHello(conn, h),
      chunk: (c) => this.pushChunk(c),
      event: (conn, e) => this.onEvent(conn, e),
      line: (pid, stream, text) => this.rawLine(pid, stream, text),
      stopped: (pid, why) =>
        this.runnerNote(
          `concurrency-lens: ${why}; the rest of what pid ${pid} does is not recorded, the program goes on`,
        ),
    });
    await this.collector.listen(socket);
    const cwd = this.opts.cwd ?? process.cwd();
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, this.opts.env, {
      [ENV.socket]: socket,
      [ENV.token]: this.token,
      [ENV.runDir]: dir,
      [ENV.snippet]: this.snippet,
      [ENV.maxProcs]: String(this.maxProcs),
    });
    const plan = await pick.launcher.prepare({
      snippet: this.snippet,
      runDir: dir,
      env,
      cwd,
      args: this.opts.args ?? [],
      nodePath: this.opts.nodePath ?? process.execPath,
      pythonPath: this.opts.pythonPath,
    });
    if (isLaunchError(plan)) return this.finish('error', R.EXIT_CODES.error, plan.error);
    if (this.ending) {
      const { reason, message } = this.ending;
      return this.finish(reason, R.EXIT_CODES[reason], message || 'stopped before the snippet started');
    }
    this.spawnRoot(plan.command, plan.args, plan.env, cwd);
  }

  private spawnRoot(command: string, args: string[], env: Record<string, string>, cwd: string): void {
    const child = spawn(command, args, {
      cwd,
      env,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    if (child.pid === undefined) {
      child.once('error', (err) => this.finish('error', 127, `cannot start ${command}: ${err.message}`));
      return;
    }
    const pid = child.pid;
    this.tree = new ProcessTree(pid, ENV.token, this.token);
    const killNow = (): void => {
      this.tree?.killNow();
      if (this.runDir) removeRunDir(this.runDir);
    };
    this.untrack = trackRun({ killNow, stop: () => this.stop() });
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = new LineSplitter((text) => this.rawLine(pid, stream, text));
      child[stream]!.on('data', (d: Buffer) => lines.push(d));
      child[stream]!.on('end', () => lines.end());
    }
    child.on('exit', (code, signal) => void this.onRootExit(code, signal));
    this.timers.push(
      setTimeout(() => this.end('timeout', R.timeoutMessage(this.timeoutMs), this.graceMs), this.timeoutMs),
    );
    this.timers.push(setInterval(() => this.tick(), TICK_MS));
    for (const t of this.timers) t.unref();
  }

  private tick(): void {
    const t = nowNs();
    const samples = this.sampler.tick(t);
    if (samples.length > 0) this.records.samples(t, samples);
    this.deadlocks.tick(t);
    if (++this.ticks % SCAN_EVERY_TICKS === 0) this.checkProcLimit();
  }

  private checkProcLimit(): void {
    if (!this.tree || this.ending) return;
    if (this.tree.scan() > this.maxProcs) this.end('proc-limit', R.procLimitMessage(this.maxProcs), 0);
  }

  /** Starts ending the run (first reason wins); the root's exit then finishes it. */
  private end(reason: 'stopped' | 'timeout' | 'proc-limit', message: string, graceMs: number): void {
    if (this.ending || this.finished) return;
    this.ending = { reason, message };
    this.deadlocks.close();
    if (this.tree) this.killing = this.tree.kill(graceMs);
  }

  private async onRootExit(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const t = nowNs();
    const tree = this.tree!;
    // Leftover processes are ended by the runner from here on: their exits are not deadlocks.
    this.deadlocks.close();
    this.records.procExit(t, tree.rootPid, code ?? -1, signal ?? '');
    this.started.set(tree.rootPid, true);
    // Children that are exiting right now (pool workers told to quit) get a moment before they count as left over.
    for (let i = 0; i < 15 && !this.ending && tree.scan() > 0; i++) await delay(20);
    const leftovers = this.ending ? 0 : tree.scan(true);
    await this.killing;
    await tree.kill(this.ending ? 0 : this.graceMs);
    await this.collector?.waitIdle(1000);
    await waitClosed(this.child!, 1000);
    const wall = t - this.t0;
    if (this.ending) {
      const { reason, message } = this.ending;
      return this.finish(reason, R.EXIT_CODES[reason], message || `stopped after ${R.secs(wall)}`);
    }
    const exitCode = signal ? R.signalExitCode(signal) : (code ?? 1);
    this.finish(signal ? 'crash' : 'exit', exitCode, R.exitMessage(code, signal, wall, leftovers));
  }

  private finish(reason: R.EndReason, exitCode: number, message: string): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers) clearInterval(t);
    const t = nowNs();
    const note = this.output.endNote;
    if (note !== undefined) this.runnerNote(note);
    for (const [pid, exited] of this.started) {
      if (!exited) this.records.procExit(t, pid, -1, this.tree?.lastSignal ?? '');
    }
    this.records.runEnd(t, reason, exitCode);
    void this.collector?.close();
    if (this.runDir) removeRunDir(this.runDir);
    this.untrack?.();
    this.resolveDone({ exitCode, reason, message, wallNs: t - this.t0 });
  }

  private onHello(conn: number, h: Hello): void {
    this.tree?.addReported(h.pid);
    if (conn >= 0) this.connRuntime.set(conn, h.runtime);
    if (h.runtime !== 'node') this.sampler.watch(h.pid);
  }

  /** Handles a decoded record of connection `conn`; false leaves it out of what is stored and forwarded. */
  private onEvent(conn: number, e: TraceEvent): boolean {
    switch (e.kind) {
      case Kind.ProcStart:
        this.tree?.addReported(e.pid);
        if (!this.started.has(e.pid)) this.started.set(e.pid, false);
        if (this.connRuntime.get(conn) !== 'node') this.sampler.watch(e.pid);
        if (this.started.size > this.maxProcs) this.checkProcLimit();
        break;
      case Kind.ProcExit:
        this.started.set(e.pid, true);
        break;
      case Kind.ThreadStart:
        this.sampler.watchThread(e.pid, e.tid);
        break;
      case Kind.Output: {
        const stream = e.stream === Stream.Stderr ? 'stderr' : 'stdout';
        const lines = e.text.split('\n');
        if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
        if (!this.output.take(utf8Length(e.text), lines.length)) return false;
        for (const text of lines) this.emitOutput({ pid: e.pid, stream, text });
        break;
      }
    }
    return true;
  }

  private rawLine(pid: number, stream: 'stdout' | 'stderr', text: string): void {
    if (this.finished) return;
    if (!this.output.take(utf8Length(text) + 1, 1)) return;
    // Output records carry raw text; each line goes with its newline so consumers split it the same way.
    this.records.output(nowNs(), pid, stream, `${text}\n`);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.records.flush();
      });
    }
    this.emitOutput({ pid, stream, text });
  }

  /** A line of the runner's own on the root's stderr, recorded and shown whatever the output budget. */
  private runnerNote(text: string): void {
    const pid = this.tree?.rootPid ?? 0;
    this.records.output(nowNs(), pid, 'stderr', `${text}\n`);
    this.records.flush();
    this.emitOutput({ pid, stream: 'stderr', text });
  }

  private emitOutput(line: OutputEvent): void {
    for (const l of this.outputListeners) guard(() => l(line));
  }

  private pushChunk(c: Chunk): void {
    this.chunks.push(c);
    this.deadlocks.ingest(c, nowNs());
    if (this.storeImpl) guard(() => this.storeImpl!.ingest(c));
    for (const l of this.chunkListeners) guard(() => l(c));
  }
}

/** Runs a consumer callback; its failure is reported but never stops collection (or the host). */
function guard(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('concurrency-lens: a run listener failed:', err);
  }
}

/** Why the limits cannot be used, or undefined. */
function badOption(timeoutMs: number, maxProcs: number, maxOutputBytes: number): string | undefined {
  if (!(timeoutMs > 0)) return `the time limit must be a positive number of milliseconds, not ${timeoutMs}`;
  if (!Number.isInteger(maxProcs) || maxProcs < 1)
    return `the process limit must be a whole number ≥ 1, not ${maxProcs}`;
  if (!(maxOutputBytes >= 0)) return `the output limit must be a number of bytes ≥ 0, not ${maxOutputBytes}`;
  return undefined;
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Resolves when the child's stdio has closed, or after `ms` (a grandchild may still hold the pipes). */
function waitClosed(child: ChildProcess, ms: number): Promise<void> {
  if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
