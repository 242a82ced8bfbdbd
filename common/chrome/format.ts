/**
 * Shared vocabulary of the Chrome Trace Event Format exporter and importer: the event shape, the
 * category names our span categories get, and the `otherData` block that makes our own traces
 * round-trip (lanes, objects, tasks, output, lost-record counts and run facts that have no natural
 * Chrome event).
 */
import { CATEGORIES } from '../categories';

/** One Chrome trace event (the fields this project reads or writes). */
export interface ChromeEvent {
  name?: string;
  cat?: string;
  ph: string;
  /** Microseconds. */
  ts?: number;
  dur?: number;
  pid?: number;
  tid?: number;
  id?: number | string;
  /** Flow binding point ('e' = enclosing slice). */
  bp?: string;
  /** Instant scope: 't' thread, 'p' process, 'g' global. */
  s?: string;
  args?: Record<string, unknown>;
}

/** Key of our block in `otherData`, and of our fields in an event's `args`. */
export const OWN_KEY = 'concurrencyLens';
/** Key of our fields in `args`. */
export const ARGS_KEY = 'cl';

/** Chrome category of each span `Cat`. */
export const CAT_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(CATEGORIES).map(([cat, words]) => [cat, words.chrome]),
);

/** `Cat` of a Chrome category written by us, or undefined. */
export function catFromName(name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  for (const [k, v] of Object.entries(CAT_NAMES)) if (v === name) return Number(k);
  return undefined;
}

/** A lane as written to `otherData`. */
export interface LaneFacts {
  pid: number;
  tid: number;
  name: string;
  ppid: number;
  role: number;
  start: number | null;
  end: number | null;
  exitCode: number | null;
  signal: string;
}

/** A task as written to `otherData` (times relative ns, null when not reached). */
export interface TaskFacts {
  pool: string;
  task: number;
  fn: string;
  args: string;
  chunk: number;
  status: number;
  loc: string;
  submit: number | null;
  start: number | null;
  end: number | null;
  result: number | null;
  /** [pid, tid] of the submit, worker and result lanes. */
  submitAt: [number, number];
  workerAt: [number, number];
  resultAt: [number, number];
}

/** Our `otherData` block. Times are relative ns; JSON has no NaN, so unknown times are null. */
export interface OwnData {
  schema: number;
  /** Monotonic ns of relative time 0. */
  origin: number;
  /** `cores`: of the machine that ran the snippet (0 or absent: unknown; absent in older exports). */
  run: {
    snippet: string;
    runtime: string;
    endReason: string;
    exitCode: number | null;
    end: number | null;
    cores?: number;
  };
  lanes: LaneFacts[];
  objects: { key: string; type: number; name: string; capacity: number; loc: string; pid: number }[];
  tasks: TaskFacts[];
  /** `tid` absent in older exports (then 0). */
  output: { t: number; pid: number; tid?: number; stream: number; text: string }[];
  /** Records lost per process and reason (`Lost`, summed); absent in older exports (then none). */
  lost?: { pid: number; count: number; reason: string }[];
}

/** NaN → null for JSON. */
export function nn(x: number): number | null {
  return x === x ? x : null;
}
