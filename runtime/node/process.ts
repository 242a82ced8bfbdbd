/**
 * `Process`: a forked Node child that runs a target function (or a subclass's `run()`), found in the
 * child by its exported name, as Python's spawn start method does.
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { Cat, Kind, Role, Status } from '../../common/schema';
import { ctx, exportedName, type TargetSpec } from './context';
import { userStack } from './location';
import { waitRecorded } from './wait';
import { rec } from './recorder';
import { pack } from './share';
import { spawnChild } from './spawn';

/** Options of `new Process()`. */
export interface ProcessOptions<A extends unknown[] = unknown[]> {
  /** Exported function to run in the child. */
  target?: (...args: A) => unknown;
  /** Arguments for `target` (copied; library objects are shared). */
  args?: A;
  /** Process name (default `Process-N`). */
  name?: string;
  /** Daemon processes are killed when the parent exits instead of being waited for. */
  daemon?: boolean;
}

let counter = 0;
const INTERNAL = new Set(['target', 'pid', 'exitCode']);

/** A child process of the run (multiprocessing.Process). */
export class Process<A extends unknown[] = unknown[]> {
  name: string;
  daemon: boolean;
  /** OS process id, once started. */
  pid: number | undefined;
  /** Exit code once ended; a negative signal number if killed by a signal; null while running. */
  exitCode: number | null = null;
  target: ((...args: A) => unknown) | undefined;
  args: A;
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;

  constructor(opts: ProcessOptions<A> = {}) {
    this.name = opts.name ?? `Process-${++counter}`;
    this.daemon = opts.daemon ?? false;
    this.target = opts.target;
    this.args = (opts.args ?? []) as A;
  }

  /** What runs in the child: `target(...args)` unless a subclass overrides it. */
  run(): unknown {
    return this.target?.(...this.args);
  }

  /** Forks the child and starts `run()` there. */
  start(): void {
    if (this.#child) throw new Error(`${this.name} was already started`);
    let target: TargetSpec | undefined;
    if (this.target) target = { kind: 'fn', name: exportedName(this.target, 'Process target') };
    else if (this.constructor !== Process) {
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(this)) if (!INTERNAL.has(k)) fields[k] = v;
      target = {
        kind: 'class',
        name: exportedName(this.constructor, 'Process subclass'),
        fields: pack(fields) as never,
      };
    }
    const child = spawnChild(Role.Process, this.name);
    this.#child = child;
    this.pid = child.pid;
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = signal ? -(constants.signals[signal] ?? 1) : (code ?? 0);
        resolve();
      });
    });
    child.send({ t: 'start', target, args: pack(this.args) });
    if (this.daemon) {
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
      process.on('exit', () => child.kill('SIGKILL'));
    }
  }

  /** Waits for the child to end, at most `timeout` ms; resolves true if it ended. */
  async join(timeout?: number): Promise<boolean> {
    if (!this.#exited) throw new Error(`${this.name} cannot be joined before it is started`);
    if (this.exitCode !== null) return true;
    return waitRecorded(Cat.WaitJoin, this.name, `pid ${this.pid}`, this.#exited, timeout, `proc:${this.pid}`);
  }

  /** Whether the child was started and has not ended. */
  isAlive(): boolean {
    return this.#child !== undefined && this.exitCode === null;
  }

  /** Sends SIGTERM. */
  terminate(): void {
    this.#child?.kill('SIGTERM');
  }

  /** Sends SIGKILL. */
  kill(): void {
    this.#child?.kill('SIGKILL');
  }
}

/** What `currentProcess()` tells about the calling process. */
export interface ProcessInfo {
  name: string;
  pid: number;
  ppid: number;
}

let current: ProcessInfo | undefined;

/** Sets the object `currentProcess()` returns in a child (the Process subclass instance, if any). */
export function setCurrentProcess(p: ProcessInfo): void {
  current = p;
}

/** The calling process: its name and pids (multiprocessing.current_process()). */
export function currentProcess(): ProcessInfo {
  return current ?? { name: ctx.name, pid: process.pid, ppid: process.ppid };
}

/** Runs a target in this child: the Run span, exit code 0 or 1 as in Python. */
export async function runTarget(name: string, detail: string, fn: () => unknown): Promise<number> {
  const span = rec.begin(Cat.Run, name, detail);
  try {
    await fn();
    rec.end(span, Status.Ok);
    return 0;
  } catch (e) {
    rec.end(span, Status.Error);
    reportError(e, `Process ${name}:`);
    return 1;
  }
}

/** Records an error and prints it to stderr with a heading. */
export function reportError(e: unknown, heading: string): void {
  const err = e instanceof Error ? e : new Error(String(e));
  const stack = err.stack === undefined ? undefined : userStack(err.stack);
  rec.event(Kind.Error, [err.message, stack ?? ''], []);
  process.stderr.write(`${heading}\n${stack ?? err.message}\n`);
}
