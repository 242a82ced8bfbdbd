/**
 * Messages between the extension host (or the standalone server) and the panel. The panel never
 * receives JSON events: it gets the run's raw record streams (`wire.ts`), one per connection, and
 * builds its own trace store from them, so a snapshot is "reset + every chunk so far".
 */
import { isSamplePath } from './samples';

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

/** Host → panel: zoom to a span on one lane and select it (a wait's why-waiting detail then shows). */
export interface ChartFocus {
  type: 'chart/focus';
  /** The lane, by process and thread id (0 for the process's own lane). */
  pid: number;
  tid: number;
  /** The span, in ns relative to the trace origin. */
  start: number;
  end: number;
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

/** Panel → host: open a bundled sample (one of `SAMPLE_PATHS`, e.g. the one that shows a lint's fix). */
export interface OpenSample {
  type: 'sample/open';
  id: string;
}

/** Everything the host may send. */
export type ToPanel = TraceReset | TraceAppend | RunState | ChartFocus;
/** Everything the panel may send. */
export type FromPanel = Ready | StopRun | RerunRun | RevealSource | OpenSample;

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
    case 'sample/open':
      return isSamplePath(m.id) && Object.keys(m).length === 2 ? { type: 'sample/open', id: m.id } : undefined;
    default:
      return undefined;
  }
}

/** Whether `m` is a well-formed `chart/focus` (finite numbers, ids non-negative integers, start ≤ end). */
export function isChartFocus(m: unknown): m is ChartFocus {
  if (typeof m !== 'object' || m === null) return false;
  const f = m as Record<string, unknown>;
  const id = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
  return (
    f.type === 'chart/focus' &&
    id(f.pid) &&
    id(f.tid) &&
    typeof f.start === 'number' &&
    typeof f.end === 'number' &&
    Number.isFinite(f.start) &&
    Number.isFinite(f.end) &&
    f.start <= f.end
  );
}
