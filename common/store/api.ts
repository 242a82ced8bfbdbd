/**
 * The read side of the trace store: what the panel, the command-line summary, the Chrome exporter
 * and the analyses ask of a trace. Times are nanoseconds relative to `origin` (the monotonic clock
 * value of the first event), so they fit a Float64Array without losing precision.
 */

/** A lane: one process (tid 0) or one thread inside it. */
export interface Lane {
  /** Dense index of the lane, stable for the life of the store. */
  readonly id: number;
  readonly pid: number;
  /** 0 for a process's main thread. */
  readonly tid: number;
  /** Process or thread name. */
  name: string;
  /** Parent process id (for threads: the owning pid). */
  ppid: number;
  /** `Role` of the process (threads inherit their process's role). */
  role: number;
  /** Start time (relative ns); NaN until known. */
  start: number;
  /** End time (relative ns); NaN while alive. */
  end: number;
  /** Exit code, or NaN while alive / unknown. */
  exitCode: number;
  /** Signal that ended it ('' if none). */
  signal: string;
}

/**
 * Spans of one lane as parallel columns sorted by start. Closed spans only; open spans are in
 * `openSpans`. Strings (name, detail, obj, loc) are ids into `TraceStore.str`.
 * The arrays are longer than `count` and are replaced as the lane grows: read them from
 * `spans(lane)` again after a change (the store's `version`), never keep them across one.
 */
export interface SpanColumns {
  readonly count: number;
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** `Cat` of each span. */
  readonly cat: Uint8Array;
  /** `Status` of each span. */
  readonly status: Uint8Array;
  /** Nesting depth inside the lane (0 = outermost), so overlapping spans can be stacked. */
  readonly depth: Uint8Array;
  readonly name: Uint32Array;
  readonly detail: Uint32Array;
  readonly obj: Uint32Array;
  readonly loc: Uint32Array;
  /** Row in `tasks()` for task spans, -1 otherwise. */
  readonly task: Int32Array;
}

/** A span that has begun but not ended yet (drawn up to "now"). */
export interface OpenSpan {
  lane: number;
  start: number;
  cat: number;
  depth: number;
  name: string;
  detail: string;
  obj: string;
  loc: string;
  task: number;
}

/** A declared synchronisation object, queue, pipe, value or pool. */
export interface TraceObject {
  /** Key as written by the runtime (unique within the run). */
  key: string;
  /** `ObjType`. */
  type: number;
  name: string;
  /** maxsize / semaphore value / pool size; -1 if none. */
  capacity: number;
  loc: string;
  /** Process that declared it. */
  pid: number;
}

/** One pool task from submit to result. Times are NaN until they happen. */
export interface TaskRow {
  pool: string;
  task: number;
  fn: string;
  args: string;
  chunk: number;
  submitPid: number;
  workerPid: number;
  submit: number;
  start: number;
  end: number;
  result: number;
  /** `Status` of the task (Ok until it fails). */
  status: number;
  loc: string;
}

/** A point-to-point arrow between lanes: a queue item, a pipe message, a lock hand-off. */
export interface Flow {
  kind: 'queue' | 'pipe' | 'lock' | 'task';
  obj: string;
  fromLane: number;
  fromT: number;
  toLane: number;
  toT: number;
}

/** A step series, e.g. a queue's depth or a lock's holders and waiters over time. Arrays may be longer than `count`. */
export interface Series {
  readonly count: number;
  readonly t: Float64Array;
  readonly v: Float64Array;
}

/** A line of process output. */
export interface OutputLine {
  t: number;
  pid: number;
  /** Thread that wrote (the first part of) the line, 0 for the main thread; absent where a view does not know. */
  tid?: number;
  stream: number;
  text: string;
}

/**
 * Point records (queue put/get, lock acquire/release, pipe send/recv, value writes, aggregates) as
 * parallel columns in arrival order; numeric fields in wire order go to `a`, `b`, `c`. Arrays may be
 * longer than `count`.
 */
export interface PointColumns {
  readonly count: number;
  /** `Kind` of each record. */
  readonly kind: Uint8Array;
  readonly t: Float64Array;
  readonly lane: Int32Array;
  /** String id of the object key. */
  readonly obj: Uint32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  /** String id of the other string field (0 if none). */
  readonly s: Uint32Array;
}

/** A lane in display order with its nesting level in the process tree. */
export interface LaneTreeRow {
  lane: number;
  /** 0 for root processes, +1 per parent process; threads sit one level below their process. */
  level: number;
}

/** Records a process wrote but that never reached the runner (`Lost`), summed per process and reason. */
export interface LostRecords {
  pid: number;
  count: number;
  /** Why, as the runtime says it ('ring full'). */
  reason: string;
}

/** Read access to a trace. */
export interface TraceView {
  /** Monotonic ns of relative time 0. */
  readonly origin: number;
  /** Latest relative time seen (the live "now"). */
  readonly now: number;
  /** Resolves a string id from span columns. */
  str(id: number): string;
  lanes(): readonly Lane[];
  spans(lane: number): SpanColumns;
  /** Index range [lo, hi) of closed spans of `lane` that overlap [t0, t1]. */
  spanRange(lane: number, t0: number, t1: number): [number, number];
  openSpans(): readonly OpenSpan[];
  objects(): readonly TraceObject[];
  tasks(): readonly TaskRow[];
  flows(): readonly Flow[];
  /** Depth over time of a queue (from put/get events when the runtime could not report it). */
  queueDepth(obj: string): Series;
  /** Holders (v ≥ 0) and waiters of a lock over time. */
  lockHolders(obj: string): Series;
  lockWaiters(obj: string): Series;
  /** CPU samples of a lane (0..1). */
  cpu(lane: number): Series;
  output(): readonly OutputLine[];
  marks(): readonly { lane: number; t: number; name: string }[];
  errors(): readonly { lane: number; t: number; message: string; stack: string }[];
  /**
   * Run-level facts written by the runner. `cores`: of the machine that ran the snippet, 0 or absent
   * when the trace does not say (older traces, built ones).
   */
  run(): { snippet: string; runtime: string; endReason: string; exitCode: number; end: number; cores?: number };
  /**
   * Calls `fn` with the index of each closed span of `lane` that overlaps [t0, t1], in start order,
   * skipping blocks of spans that ended before t0. Faster than walking `spanRange`, whose range starts
   * at a long span that covers the window (a whole-run `Run` span sits at index 0). Optional.
   */
  forEachSpan?(lane: number, t0: number, t1: number, fn: (i: number) => void): void;
  /** Lanes in display order (each process, its threads, its child processes). Optional. */
  laneTree?(): readonly LaneTreeRow[];
  /** Point records, for exporters and analyses; append-only, in arrival order. Optional. */
  points?(): PointColumns;
  /** Values written to element `index` of a shared Value/Array over time. Optional. */
  values?(obj: string, index?: number): Series;
  /** Event-loop utilisation samples of a lane (0..1). Optional. */
  elu?(lane: number): Series;
  /** Records lost per process (never sent: a full ring), in order of first loss. Optional. */
  lost?(): readonly LostRecords[];
}
