/** The public shape of a run: what callers pass to `startRun` and what they get back (see `runner.ts`). */
import type { Chunk } from '../common/protocol';
import type { TraceView } from '../common/store/api';
import type { LockOrderInversion } from '../common/analysis/lockOrder';
import type { RunDeadlock } from './liveDeadlock';
import type { RunResult } from './runResult';

/** What to run and within which limits. */
export interface RunOptions {
  /** Path of the snippet (`.js`, `.ts`, `.py`, ...), relative to `cwd`. */
  snippet: string;
  /** Wall-time limit in ms (default 60 000). */
  timeoutMs?: number;
  /** Most processes alive at once, the root included (default 64). */
  maxProcs?: number;
  /** Node executable (default: the one running the engine). */
  nodePath?: string;
  /** Python executable (default: `python3` on PATH). */
  pythonPath?: string;
  /** Working directory of the root process (default: the runner's). */
  cwd?: string;
  /** Extra environment variables for every process of the run. */
  env?: Record<string, string>;
  /** Arguments passed to the snippet. */
  args?: string[];
  /** How long stopped processes get between SIGTERM and SIGKILL (default 500 ms). */
  graceMs?: number;
  /** How long every live process must be blocked before a stall is reported as a deadlock, in ms (default 2000). */
  deadlockStallMs?: number;
  /**
   * Bytes of output (every process's stdout and stderr together, UTF-8) recorded per run; past it, lines
   * are neither recorded nor shown, only counted (default 32 MiB).
   */
  maxOutputBytes?: number;
  /** Replaces the Node runtime's `boot.js` (tests, other builds). */
  nodeBoot?: string;
}

/** A live (or finished) run. */
export interface Run {
  /** Absolute path of the snippet. */
  readonly snippet: string;
  /** The trace so far, kept live (built on first use). */
  readonly store: TraceView;
  /** Every raw chunk so far, in arrival order (a panel snapshot is these, replayed). */
  readonly chunks: readonly Chunk[];
  /** Calls `cb` for every new chunk; returns the unsubscribe function. */
  onChunk(cb: (c: Chunk) => void): () => void;
  /** Calls `cb` for every output line of any process; returns the unsubscribe function. */
  onOutput(cb: (line: OutputEvent) => void): () => void;
  /**
   * Calls `cb` once per deadlock found while the run goes on (a wait-for cycle, a wait on a lock whose
   * holder exited, or every live process blocked longer than `deadlockStallMs`); the run is not stopped.
   * Returns the unsubscribe function.
   */
  onDeadlock(cb: (d: RunDeadlock) => void): () => void;
  /** The latest deadlock found, or undefined. */
  readonly deadlock: RunDeadlock | undefined;
  /** Lock pairs taken in both orders by different processes that did not deadlock (so far). */
  lockOrderInversions(): LockOrderInversion[];
  /** Settles once the run has ended and nothing of it is left running. */
  readonly done: Promise<RunResult>;
  /** Ends the whole process tree; resolves when nothing of it is left. */
  stop(): Promise<void>;
  /** Connections the collector refused (wrong token, bad hello) or stopped reading (corrupt stream). */
  readonly droppedConnections: number;
  /** Why each of those connections was dropped, in order. */
  readonly dropReasons: readonly string[];
}

/** A line of output, attributed to the process that wrote it. */
export interface OutputEvent {
  pid: number;
  stream: 'stdout' | 'stderr';
  text: string;
}
