/**
 * The one versioned event schema. Every runtime (Node, Python) writes these records, the collector
 * decodes them, and the trace store keeps them. Field layouts live in `RECORD_FIELDS`; the binary
 * codec (`wire.ts`) and the Python writer follow that table, so add fields only at the end of a
 * record and bump `SCHEMA_VERSION` — unless the field is listed in `OPTIONAL_FROM`, which readers
 * accept absent (old traces and writers still decode).
 */

/** Version of the record layouts below; sent in every `hello`. */
export const SCHEMA_VERSION = 1;

/** Record kinds on the wire. Values are stable: never renumber. */
export const enum Kind {
  /** Defines string id → text for the rest of this connection (id 0 is always the empty string). */
  StrDef = 0,
  /** A process began: ppid, name, role. */
  ProcStart = 1,
  /** A process ended: exit code (or -1) and signal name (or ''). */
  ProcExit = 2,
  /** A thread began inside a process (tid ≠ 0). */
  ThreadStart = 3,
  /** A thread ended. */
  ThreadEnd = 4,
  /** A span opened on the lane (pid, tid); see `Cat` for what it is. */
  Begin = 5,
  /** A span closed, with a `Status`. */
  End = 6,
  /** A synchronisation object or pool was created: declares its type, name, capacity and source. */
  ObjDecl = 7,
  /** A pool task was submitted (in the submitting process). */
  TaskSubmit = 8,
  /** A pool task started in a worker. */
  TaskStart = 9,
  /** A pool task finished in a worker. */
  TaskEnd = 10,
  /** A pool task's result (or error) reached the caller. */
  TaskResult = 11,
  /** A lock (or semaphore slot) was acquired; `fromPid` is the process that handed it over, 0 if unknown/none. */
  LockAcquire = 12,
  /** A lock (or semaphore slot) was released. */
  LockRelease = 13,
  /** An item went into a queue; `depth` after the put, -1 if unknown. */
  QueuePut = 14,
  /** An item came out of a queue; names the putter's pid and item id so the flow can be drawn. */
  QueueGet = 15,
  /** A message went into a pipe end. */
  PipeSend = 16,
  /** A message came out of a pipe end. */
  PipeRecv = 17,
  /** A shared Value/Array element was written. */
  ValueWrite = 18,
  /** Raw stdout/stderr text of one process (runtimes send whole lines with their newline). */
  Output = 19,
  /** A CPU / event-loop-utilisation sample for a lane, both 0..1 (-1 when unknown). */
  Sample = 20,
  /** A user mark (`mark(name)`). */
  Mark = 21,
  /** An uncaught error in a process, task or thread. */
  Error = 22,
  /** Uncontended events that were aggregated instead of recorded one by one. */
  Aggregate = 23,
  /** Written by the runner: the run started (snippet path, runtime). */
  RunStart = 24,
  /** Written by the runner: the run ended (reason, exit code). */
  RunEnd = 25,
  /**
   * Records of the lane (pid, tid) that were lost, not sent: `count` since the previous `Lost` of the
   * lane, and why. Sent by the process at its next flush (at exit too). Older readers skip the kind.
   */
  Lost = 26,
}

/** What a `Begin`/`End` span is. Waits carry the reason the lane is blocked. */
export const enum Cat {
  /** `Process.run` / the target function of a process. */
  Run = 0,
  /** A pool task executing in a worker. */
  Task = 1,
  /** A user span (`span(name, fn)`). */
  User = 2,
  /** Holding a lock (acquire → release). */
  Hold = 3,
  /** Blocking sleep. */
  Sleep = 4,
  /** Waiting to acquire a Lock/RLock. */
  WaitLock = 10,
  /** Waiting in `Queue.get` on an empty queue. */
  WaitQueueGet = 11,
  /** Waiting in `Queue.put` on a full queue. */
  WaitQueuePut = 12,
  /** Waiting in `join` (process, pool, thread). */
  WaitJoin = 13,
  /** Waiting in `Pipe.recv`. */
  WaitRecv = 14,
  /** Waiting for a pool result (`get`, `map`). */
  WaitResult = 15,
  /** Waiting on a Semaphore. */
  WaitSemaphore = 16,
  /** Waiting on an Event. */
  WaitEvent = 17,
  /** Waiting on a Condition. */
  WaitCondition = 18,
  /** Waiting for a Manager / broker answer. */
  WaitManager = 19,
}

/** True for every `Cat` that means "blocked". */
export function isWait(cat: number): boolean {
  return cat >= 10 && cat < 30;
}

/** How a span or task ended. */
export const enum Status {
  Ok = 0,
  Error = 1,
  Timeout = 2,
  Cancelled = 3,
}

/** Role of a process in the run. */
export const enum Role {
  Root = 0,
  Process = 1,
  PoolWorker = 2,
  Manager = 3,
  Other = 4,
}

/** Type of a declared object (`ObjDecl`). */
export const enum ObjType {
  Lock = 0,
  RLock = 1,
  Semaphore = 2,
  Event = 3,
  Condition = 4,
  Queue = 5,
  Pipe = 6,
  Value = 7,
  Array = 8,
  Pool = 9,
  Manager = 10,
  Barrier = 11,
}

/** Output stream of an `Output` record. */
export const enum Stream {
  Stdout = 1,
  Stderr = 2,
}

/** Field types: `f64` number, `i32` signed int, `u32` unsigned int, `str` interned string id (u32), `text` inline UTF-8. */
export type FieldType = 'f64' | 'i32' | 'u32' | 'str' | 'text';

/**
 * Every record except `StrDef` starts with the common header `t` (monotonic ns, f64), `pid` (i32) and
 * `tid` (i32, 0 = main thread). Then these fields, in this order.
 */
export const RECORD_FIELDS = {
  [Kind.StrDef]: [
    ['id', 'u32'],
    ['text', 'text'],
  ],
  [Kind.ProcStart]: [
    ['ppid', 'i32'],
    ['name', 'str'],
    ['role', 'u32'],
  ],
  [Kind.ProcExit]: [
    ['code', 'i32'],
    ['signal', 'str'],
  ],
  [Kind.ThreadStart]: [['name', 'str']],
  [Kind.ThreadEnd]: [],
  [Kind.Begin]: [
    ['span', 'u32'],
    ['cat', 'u32'],
    ['name', 'str'],
    ['detail', 'str'],
    ['obj', 'str'],
    ['loc', 'str'],
  ],
  [Kind.End]: [
    ['span', 'u32'],
    ['status', 'u32'],
  ],
  [Kind.ObjDecl]: [
    ['obj', 'str'],
    ['type', 'u32'],
    ['name', 'str'],
    ['capacity', 'i32'],
    ['loc', 'str'],
  ],
  [Kind.TaskSubmit]: [
    ['pool', 'str'],
    ['task', 'u32'],
    ['fn', 'str'],
    ['args', 'str'],
    ['chunk', 'u32'],
    ['loc', 'str'],
  ],
  [Kind.TaskStart]: [
    ['pool', 'str'],
    ['task', 'u32'],
  ],
  [Kind.TaskEnd]: [
    ['pool', 'str'],
    ['task', 'u32'],
    ['status', 'u32'],
  ],
  [Kind.TaskResult]: [
    ['pool', 'str'],
    ['task', 'u32'],
    ['status', 'u32'],
  ],
  [Kind.LockAcquire]: [
    ['obj', 'str'],
    ['fromPid', 'i32'],
    ['waited', 'u32'],
    ['loc', 'str'],
  ],
  [Kind.LockRelease]: [['obj', 'str']],
  [Kind.QueuePut]: [
    ['obj', 'str'],
    ['item', 'u32'],
    ['depth', 'i32'],
  ],
  [Kind.QueueGet]: [
    ['obj', 'str'],
    ['putPid', 'i32'],
    ['item', 'u32'],
    ['depth', 'i32'],
  ],
  [Kind.PipeSend]: [
    ['obj', 'str'],
    ['msg', 'u32'],
  ],
  [Kind.PipeRecv]: [
    ['obj', 'str'],
    ['sendPid', 'i32'],
    ['msg', 'u32'],
  ],
  [Kind.ValueWrite]: [
    ['obj', 'str'],
    ['index', 'i32'],
    ['value', 'f64'],
  ],
  [Kind.Output]: [
    ['stream', 'u32'],
    ['text', 'text'],
  ],
  [Kind.Sample]: [
    ['cpu', 'f64'],
    ['elu', 'f64'],
  ],
  [Kind.Mark]: [['name', 'str']],
  [Kind.Error]: [
    ['message', 'text'],
    ['stack', 'text'],
  ],
  [Kind.Aggregate]: [
    ['obj', 'str'],
    ['what', 'u32'],
    ['count', 'u32'],
    ['since', 'f64'],
  ],
  [Kind.RunStart]: [
    ['snippet', 'str'],
    ['runtime', 'str'],
    /** Cores of the machine that ran the snippet (`os.availableParallelism()`); 0 = unknown (absent in older traces). */
    ['cores', 'u32'],
  ],
  [Kind.RunEnd]: [
    ['reason', 'str'],
    ['code', 'i32'],
  ],
  /** `reason` is inline text: the sender writes it outside the lane's string interning. */
  [Kind.Lost]: [
    ['count', 'u32'],
    ['reason', 'text'],
  ],
} as const satisfies Record<number, readonly (readonly [string, FieldType])[]>;

/**
 * Per kind, the index of its first field that may be absent: a record that ends before it decodes
 * with 0 (numbers) or '' (strings) there. Fields added after traces were saved go here instead of
 * bumping `SCHEMA_VERSION`; only the runner writes `RunStart`, so no runtime has to change.
 */
export const OPTIONAL_FROM: Partial<Record<Kind, number>> = { [Kind.RunStart]: 2 };

/** Highest kind number in use. */
export const MAX_KIND = Kind.Lost;

type FieldsOf<K extends keyof typeof RECORD_FIELDS> = (typeof RECORD_FIELDS)[K];
type ValueOf<T extends FieldType> = T extends 'text' | 'str' ? string : number;
type RecordShape<F extends readonly (readonly [string, FieldType])[]> = {
  [E in F[number] as E[0]]: ValueOf<E[1]>;
};

/** A decoded record of kind K with strings resolved. */
export type EventOf<K extends Exclude<keyof typeof RECORD_FIELDS, Kind.StrDef>> = {
  kind: K;
  t: number;
  pid: number;
  tid: number;
} & RecordShape<FieldsOf<K>>;

/** Any decoded event (every kind but `StrDef`, which the decoder consumes). */
export type TraceEvent = {
  [K in Exclude<keyof typeof RECORD_FIELDS, Kind.StrDef>]: EventOf<K>;
}[Exclude<keyof typeof RECORD_FIELDS, Kind.StrDef>];

/** First JSON line a runtime sends on a new connection, before any binary record. */
export interface Hello {
  /** Per-run secret that the runner handed to the process through its environment. */
  token: string;
  /** `SCHEMA_VERSION` of the writer. */
  schema: number;
  /** OS process id of the writer. */
  pid: number;
  /** Which runtime wrote it. */
  runtime: 'node' | 'python';
  /** `events` for binary records; `stdout`/`stderr` for a raw output stream attributed to `pid`. */
  channel: 'events' | 'stdout' | 'stderr';
}

/** Environment variables through which the runner hands the channel to every process of a run. */
export const ENV = {
  /** Path of the run's Unix socket (or Windows named pipe). */
  socket: 'CONCURRENCY_LENS_SOCKET',
  /** The per-run token to present in `Hello`. */
  token: 'CONCURRENCY_LENS_TOKEN',
  /** Private directory of the run (compiled snippet, source maps). */
  runDir: 'CONCURRENCY_LENS_RUN_DIR',
  /** Absolute path of the user's snippet, for messages and source locations. */
  snippet: 'CONCURRENCY_LENS_SNIPPET',
  /** Maximum number of processes the run may start. */
  maxProcs: 'CONCURRENCY_LENS_MAX_PROCS',
} as const;
