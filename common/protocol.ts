/**
 * Messages between the extension host (or the standalone server) and the panel. The panel never
 * receives JSON events: it gets the run's raw record streams (`wire.ts`), one per connection, and
 * builds its own trace store from them, so a snapshot is "reset + every chunk so far".
 */

/** A slice of one connection's record stream. `conn` numbers connections within a run. */
export interface Chunk {
  conn: number;
  bytes: Uint8Array;
}

/** Run lifecycle as the panel shows it. */
export type RunPhase = 'idle' | 'starting' | 'running' | 'ended' | 'failed';

/** Host → panel: forget everything; a new trace follows. */
export interface TraceReset {
  type: 'trace/reset';
  /** Title for the panel (snippet file name or trace file name). */
  title: string;
}
/** Host → panel: more of the record streams. */
export interface TraceAppend {
  type: 'trace/append';
  chunks: Chunk[];
}
/** Host → panel: the run changed phase. */
export interface RunState {
  type: 'run/state';
  phase: RunPhase;
  /** One-line human message: why it failed, how it ended, what to do. */
  message: string;
  /** Exit code once ended, null before. */
  exitCode: number | null;
  /** Whether Stop / Rerun make sense now. */
  canStop: boolean;
  canRerun: boolean;
}

/** Panel → host: the panel is loaded and wants a snapshot. */
export interface Ready {
  type: 'ready';
}
/** Panel → host: stop the live run. */
export interface StopRun {
  type: 'run/stop';
}
/** Panel → host: run the same snippet again. */
export interface RerunRun {
  type: 'run/rerun';
}
/** Panel → host: open the source location a span came from ("file:line:col" as recorded). */
export interface RevealSource {
  type: 'source/reveal';
  loc: string;
}

/** Everything the host may send. */
export type ToPanel = TraceReset | TraceAppend | RunState;
/** Everything the panel may send. */
export type FromPanel = Ready | StopRun | RerunRun | RevealSource;

/** Longest `loc` string the host accepts from the panel. */
const MAX_LOC = 4096;

/**
 * Validates an untrusted message from the panel. Returns the typed message, or undefined for
 * anything that is not exactly one of the known shapes.
 */
export function parseFromPanel(raw: unknown): FromPanel | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'run/stop':
    case 'run/rerun':
      return Object.keys(m).length === 1 ? { type: m.type } : undefined;
    case 'source/reveal':
      return typeof m.loc === 'string' && m.loc.length <= MAX_LOC && Object.keys(m).length === 2
        ? { type: 'source/reveal', loc: m.loc }
        : undefined;
    default:
      return undefined;
  }
}
