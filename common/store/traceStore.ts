/**
 * The in-memory trace store: decodes record streams (one `WireDecoder` per connection) and keeps
 * every event in columnar tables that answer the `TraceView` queries. Events of one connection
 * arrive in order; across connections they may interleave out of order, which every table handles
 * by sorted insertion. `version` increases on every change so a painter knows when to redraw.
 */
import type {
  Flow,
  Lane,
  LaneTreeRow,
  OpenSpan,
  PointColumns,
  OutputLine,
  Series,
  SpanColumns,
  TaskRow,
  TraceObject,
  TraceView,
} from './api';
import type { Chunk } from '../protocol';
import { Cat, Kind, Status, type EventOf, type TraceEvent } from '../schema';
import { WireDecoder } from '../wire';
import { FlowTable } from './flowTable';
import { LaneTable } from './laneTable';
import { OpenSpans } from './openSpans';
import { ObjectTable } from './objectTable';
import { OutputLines } from './outputLines';
import { PointLog } from './pointLog';
import { SpanTable } from './spanTable';
import { SeriesMap } from './stepSeries';
import { StringTable } from './stringTable';
import { TaskTable } from './taskTable';

/** A connection whose stream could not be decoded; its later bytes are dropped. */
export interface StreamProblem {
  conn: number;
  message: string;
}

/** Facts about the run written by the runner. */
export interface RunFacts {
  snippet: string;
  runtime: string;
  endReason: string;
  exitCode: number;
  end: number;
}

/** Waits that count as waiters of the lock named in their `obj`. */
const LOCK_WAITS = new Set<number>([Cat.WaitLock, Cat.WaitSemaphore, Cat.WaitCondition]);

/** Columnar store of one trace; implements the read API `TraceView`. */
export class TraceStore implements TraceView {
  /** Monotonic ns of relative time 0: the runner's RunStart, else the first event. Earlier events get negative times. */
  origin = NaN;
  /** Latest relative time seen. */
  now = 0;
  /** Increases on every change. */
  version = 0;
  /** Connections dropped because their stream was corrupt, with the decoder's message. */
  readonly problems: StreamProblem[] = [];
  /** Records skipped: kinds this schema does not know, End records with no open span, non-finite times. */
  skipped = 0;

  private readonly strings = new StringTable();
  private readonly decoders = new Map<number, WireDecoder | null>();
  private readonly laneTable = new LaneTable();
  private readonly spanTables: SpanTable[] = [];
  private readonly open: OpenSpans;
  private readonly objs = new ObjectTable();
  private readonly taskTable = new TaskTable();
  private readonly flowTable = new FlowTable();
  private readonly depth = new SeriesMap<string>();
  private readonly holders = new SeriesMap<string>();
  private readonly waiters = new SeriesMap<string>();
  private readonly cpuSeries = new SeriesMap<number>();
  private readonly eluSeries = new SeriesMap<number>();
  /** Keyed by "obj index". */
  private readonly valueSeries = new SeriesMap<string>();
  private readonly pointLog = new PointLog();
  /** Per lane, the last closed lock wait not yet matched to an acquire. */
  private readonly lastLockWait: ({ obj: number; start: number } | undefined)[] = [];
  private readonly lines = new OutputLines();
  private readonly markList: { lane: number; t: number; name: string }[] = [];
  private readonly errorList: { lane: number; t: number; message: string; stack: string }[] = [];
  /** Whether `origin` came from a RunStart (and so stays). */
  private originFromRun = false;
  private readonly facts: RunFacts = { snippet: '', runtime: '', endReason: '', exitCode: NaN, end: NaN };

  constructor() {
    this.open = new OpenSpans(
      (lane, s) => this.closeSpan(lane, s),
      (lane, start, depth, t, status) => this.fixSpan(lane, start, depth, t, status),
    );
  }

  /** Feeds a slice of one connection's record stream. A corrupt stream is reported in `problems` and ignored from then on. */
  ingest(chunk: Chunk): void {
    let dec = this.decoders.get(chunk.conn);
    if (dec === null) return;
    if (dec === undefined) {
      const d = new WireDecoder((e) => this.add(e));
      this.decoders.set(chunk.conn, d);
      dec = d;
    }
    try {
      dec.push(chunk.bytes);
    } catch (err) {
      this.decoders.set(chunk.conn, null);
      this.problems.push({ conn: chunk.conn, message: err instanceof Error ? err.message : String(err) });
      this.version++;
    } finally {
      this.skipped += dec.skipped;
      dec.skipped = 0;
    }
  }

  /** Adds one decoded event. */
  add(e: TraceEvent): void {
    if (!Number.isFinite(e.t)) {
      this.skipped++;
      return;
    }
    if (e.kind === Kind.RunStart && !this.originFromRun) {
      // The runner's RunStart fixes time 0, even if a process's records got here first.
      this.originFromRun = true;
      if (this.origin === this.origin && this.origin !== e.t) this.rebase(e.t);
      this.origin = e.t;
    }
    if (this.origin !== this.origin) this.origin = e.t;
    const t = e.t - this.origin;
    if (t > this.now) this.now = t;
    this.version++;
    // The runner's own run records belong to no lane.
    const lane = e.kind === Kind.RunStart || e.kind === Kind.RunEnd ? -1 : this.laneTable.ensure(e.pid, e.tid, t);
    if (PointLog.keeps(e.kind)) this.pointLog.add(e, t, lane, this.strings.internFn);
    switch (e.kind) {
      case Kind.ProcStart:
        this.laneTable.setProcess(e.pid, e.ppid, e.name, e.role, t);
        break;
      case Kind.ProcExit:
        this.exitProcess(e, t);
        break;
      case Kind.ThreadStart: {
        const l = this.laneTable.list[lane];
        if (e.name) l.name = e.name;
        l.start = t;
        this.laneTable.invalidate();
        break;
      }
      case Kind.ThreadEnd:
        this.laneTable.list[lane].end = t;
        this.open.closeLane(lane, t, Status.Ok);
        break;
      case Kind.Begin:
        this.begin(e, lane, t);
        break;
      case Kind.End:
        if (!this.open.end(lane, e.span, t, e.status)) this.skipped++;
        break;
      case Kind.ObjDecl:
        this.declare(e);
        break;
      case Kind.TaskSubmit: {
        const i = this.taskTable.row(e.pool, e.task);
        this.flowTable.push(this.taskTable.submit(i, lane, e.pid, t, e.fn, e.args, e.chunk, e.loc));
        break;
      }
      case Kind.TaskStart: {
        const i = this.taskTable.row(e.pool, e.task);
        this.flowTable.push(this.taskTable.start(i, lane, e.pid, t));
        this.open.taskStarted(lane, i);
        break;
      }
      case Kind.TaskEnd:
        this.flowTable.push(this.taskTable.end(this.taskTable.row(e.pool, e.task), t, e.status));
        break;
      case Kind.TaskResult:
        this.flowTable.push(this.taskTable.result(this.taskTable.row(e.pool, e.task), lane, t, e.status));
        break;
      case Kind.LockAcquire:
        this.holders.at(e.obj).add(t, NaN, 1);
        this.flowTable.acquire(e.obj, lane, t, e.fromPid, this.lockWaitStart(lane, e.obj));
        break;
      case Kind.LockRelease:
        this.holders.at(e.obj).add(t, NaN, -1);
        this.flowTable.release(e.obj, lane, e.pid, t);
        break;
      case Kind.QueuePut:
        this.depth.at(e.obj).add(t, e.depth >= 0 ? e.depth : NaN, 1);
        this.flowTable.end('queue', e.obj, e.pid, e.item, 'from', lane, t);
        break;
      case Kind.QueueGet:
        this.depth.at(e.obj).add(t, e.depth >= 0 ? e.depth : NaN, -1);
        this.flowTable.end('queue', e.obj, e.putPid, e.item, 'to', lane, t);
        break;
      case Kind.PipeSend:
        this.flowTable.end('pipe', e.obj, e.pid, e.msg, 'from', lane, t);
        break;
      case Kind.PipeRecv:
        this.flowTable.end('pipe', e.obj, e.sendPid, e.msg, 'to', lane, t);
        break;
      case Kind.Output:
        this.lines.add(t, e.pid, e.stream, e.text);
        break;
      case Kind.Sample:
        if (e.cpu >= 0) this.cpuSeries.at(lane).add(t, e.cpu, 0);
        if (e.elu >= 0) this.eluSeries.at(lane).add(t, e.elu, 0);
        break;
      case Kind.Mark:
        this.markList.push({ lane, t, name: e.name });
        break;
      case Kind.Error:
        this.errorList.push({ lane, t, message: e.message, stack: e.stack });
        break;
      case Kind.RunStart:
        this.facts.snippet = e.snippet;
        this.facts.runtime = e.runtime;
        break;
      case Kind.RunEnd:
        this.facts.endReason = e.reason;
        this.facts.exitCode = e.code;
        this.facts.end = t;
        // The run is over: whatever is still open ends here (a late ProcExit still sets the real end).
        this.open.closeAll(t, Status.Cancelled);
        for (const l of this.laneTable.list) if (l.end !== l.end) l.end = Math.max(t, l.start);
        break;
      case Kind.ValueWrite:
        this.valueSeries.at(`${e.obj} ${e.index}`).add(t, e.value, 0);
        break;
      case Kind.Aggregate:
        break;
      default:
        this.skipped++;
    }
  }

  /** Interns a string into the store's string table. */
  intern(s: string): number {
    return this.strings.intern(s);
  }

  str(id: number): string {
    return this.strings.str(id);
  }

  lanes(): readonly Lane[] {
    return this.laneTable.list;
  }

  /** Lanes in display order (process, its threads, its children) with their nesting level. */
  laneTree(): readonly LaneTreeRow[] {
    return this.laneTable.tree();
  }

  spans(lane: number): SpanColumns {
    return this.table(lane);
  }

  spanRange(lane: number, t0: number, t1: number): [number, number] {
    return this.table(lane).range(t0, t1);
  }

  /** Calls `fn` with each closed span index of `lane` that overlaps [t0, t1], skipping blocks of spans that ended earlier. */
  forEachSpan(lane: number, t0: number, t1: number, fn: (i: number) => void): void {
    this.table(lane).forEachOverlap(t0, t1, fn);
  }

  openSpans(): readonly OpenSpan[] {
    return this.open.list(this.strings.str.bind(this.strings));
  }

  objects(): readonly TraceObject[] {
    return this.objs.list;
  }

  /** The declared object with this key, if any. */
  object(key: string): TraceObject | undefined {
    return this.objs.get(key);
  }

  tasks(): readonly TaskRow[] {
    return this.taskTable.rows;
  }

  flows(): readonly Flow[] {
    return this.flowTable.all();
  }

  queueDepth(obj: string): Series {
    return this.depth.view(obj);
  }

  lockHolders(obj: string): Series {
    return this.holders.view(obj);
  }

  lockWaiters(obj: string): Series {
    return this.waiters.view(obj);
  }

  cpu(lane: number): Series {
    return this.cpuSeries.view(lane);
  }

  /** Event-loop utilisation samples of a lane (0..1). */
  elu(lane: number): Series {
    return this.eluSeries.view(lane);
  }

  /** Values written to element `index` of a shared Value/Array over time. */
  values(obj: string, index = 0): Series {
    return this.valueSeries.view(`${obj} ${index}`);
  }

  /** Queue, lock, pipe, value and aggregate records as columns, in arrival order (for exporters). */
  points(): PointColumns {
    return this.pointLog;
  }

  output(): readonly OutputLine[] {
    return this.lines.list;
  }

  marks(): readonly { lane: number; t: number; name: string }[] {
    return this.markList;
  }

  errors(): readonly { lane: number; t: number; message: string; stack: string }[] {
    return this.errorList;
  }

  /** Bytes held by span columns and their indexes, and by the point log (capacity, for benchmarks). */
  byteSize(): { spans: number; spanCount: number; points: number } {
    let spans = 0;
    let spanCount = 0;
    for (const t of this.spanTables) {
      if (!t) continue;
      spans += t.byteSize;
      spanCount += t.count;
    }
    return { spans, spanCount, points: this.pointLog.byteSize };
  }

  run(): RunFacts {
    return this.facts;
  }

  private table(lane: number): SpanTable {
    let t = this.spanTables[lane];
    if (!t) {
      t = new SpanTable();
      this.spanTables[lane] = t;
    }
    return t;
  }

  private begin(e: EventOf<Kind.Begin>, lane: number, t: number): void {
    this.open.begin(lane, e.span, {
      start: t,
      cat: e.cat,
      name: this.intern(e.name),
      detail: this.intern(e.detail),
      obj: this.intern(e.obj),
      loc: this.intern(e.loc),
    });
    if (e.obj && LOCK_WAITS.has(e.cat)) this.waiters.at(e.obj).add(t, NaN, 1);
  }

  private closeSpan(lane: number, s: Parameters<SpanTable['insert']>[0]): void {
    this.table(lane).insert(s);
    if (s.obj !== 0 && LOCK_WAITS.has(s.cat)) {
      this.waiters.at(this.strings.str(s.obj)).add(s.end, NaN, -1);
      this.lastLockWait[lane] = { obj: s.obj, start: s.start };
    }
  }

  /** Moves time 0 to `origin`: every relative time held shifts by the difference. */
  private rebase(origin: number): void {
    const d = this.origin - origin;
    this.now += d;
    this.facts.end += d;
    for (const m of this.markList) m.t += d;
    for (const e of this.errorList) e.t += d;
    for (const w of this.lastLockWait) if (w) w.start += d;
    for (const t of this.spanTables) t?.shiftTimes(d);
    for (const m of [this.depth, this.holders, this.waiters, this.cpuSeries, this.eluSeries, this.valueSeries]) {
      m.shiftTimes(d);
    }
    this.laneTable.shiftTimes(d);
    this.open.shiftTimes(d);
    this.pointLog.shiftTimes(d);
    this.taskTable.shiftTimes(d);
    this.flowTable.shiftTimes(d);
    this.lines.shiftTimes(d);
  }

  /** A span closed by its process's exit got its own End after all: it really ended at `t`. */
  private fixSpan(lane: number, start: number, depth: number, t: number, status: number): void {
    const table = this.table(lane);
    const i = table.indexOf(start, depth);
    if (i < 0) return;
    const obj = table.obj[i];
    if (obj !== 0 && LOCK_WAITS.has(table.cat[i])) {
      // Undo the waiter's leaving at the forced end; it left at `t`.
      this.waiters.at(this.strings.str(obj)).add(table.end[i], NaN, 1);
      this.waiters.at(this.strings.str(obj)).add(t, NaN, -1);
    }
    table.setEnd(i, t, status);
  }

  /** Start of the wait that led to an acquire of `obj` on `lane` (still open, or the last one closed), else NaN. */
  private lockWaitStart(lane: number, obj: string): number {
    const id = this.intern(obj);
    const open = this.open.openStart(lane, id, LOCK_WAITS);
    if (open === open) return open;
    const last = this.lastLockWait[lane];
    if (!last || last.obj !== id) return NaN;
    this.lastLockWait[lane] = undefined; // one wait leads to one acquire
    return last.start;
  }

  private exitProcess(e: EventOf<Kind.ProcExit>, t: number): void {
    const killed = e.signal !== '' || e.code !== 0;
    for (const id of this.laneTable.ofPid(e.pid)) {
      const l = this.laneTable.list[id];
      if (id !== this.laneTable.find(e.pid, 0) && l.end === l.end) continue;
      l.end = t;
      this.open.closeLane(id, t, killed ? Status.Error : Status.Cancelled);
    }
    const proc = this.laneTable.list[this.laneTable.find(e.pid, 0)];
    proc.exitCode = e.code;
    proc.signal = e.signal;
  }

  private declare(e: EventOf<Kind.ObjDecl>): void {
    this.objs.declare({ key: e.obj, type: e.type, name: e.name, capacity: e.capacity, loc: e.loc, pid: e.pid });
  }
}
