/**
 * The columnar tables of one trace and the per-kind switch that fills them from decoded events:
 * spans (closed on End, on a thread's or process's end, or at RunEnd), queue, lock and value series,
 * flows, tasks, output lines, marks and errors. `TraceStore` feeds it and answers queries from it.
 */
import { Cat, Kind, Status, type EventOf, type TraceEvent } from '../schema';
import type { LostRecords } from './api';
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

/** Facts about the run written by the runner. */
export interface RunFacts {
  snippet: string;
  runtime: string;
  endReason: string;
  exitCode: number;
  end: number;
  /** Cores of the machine that ran the snippet; 0 when the trace does not say. */
  cores: number;
}

/** Waits that count as waiters of the lock named in their `obj`. */
const LOCK_WAITS = new Set<number>([Cat.WaitLock, Cat.WaitSemaphore, Cat.WaitCondition]);

/** The tables of one trace, filled one decoded event at a time by `add`. */
export class TraceTables {
  /** Monotonic ns of relative time 0: the runner's RunStart, else the first event. Earlier events get negative times. */
  origin = NaN;
  /** Latest relative time seen. */
  now = 0;
  /** Increases on every change. */
  version = 0;
  /** Records skipped: kinds this schema does not know, End records with no open span, non-finite times. */
  skipped = 0;

  readonly strings = new StringTable();
  readonly laneTable = new LaneTable();
  /** Per lane; a lane's table is created on first use (see `table`). */
  readonly spanTables: SpanTable[] = [];
  readonly open: OpenSpans;
  readonly objs = new ObjectTable();
  readonly taskTable = new TaskTable();
  readonly flowTable = new FlowTable();
  readonly depth = new SeriesMap<string>();
  readonly holders = new SeriesMap<string>();
  readonly waiters = new SeriesMap<string>();
  readonly cpuSeries = new SeriesMap<number>();
  readonly eluSeries = new SeriesMap<number>();
  /** Keyed by "obj index". */
  readonly valueSeries = new SeriesMap<string>();
  readonly pointLog = new PointLog();
  readonly lines = new OutputLines();
  readonly markList: { lane: number; t: number; name: string }[] = [];
  readonly errorList: { lane: number; t: number; message: string; stack: string }[] = [];
  /** Records lost per process and reason (`Lost`). */
  readonly lostList: LostRecords[] = [];
  readonly facts: RunFacts = { snippet: '', runtime: '', endReason: '', exitCode: NaN, end: NaN, cores: 0 };
  /** Per lane, the last closed lock wait not yet matched to an acquire. */
  private readonly lastLockWait: ({ obj: number; start: number } | undefined)[] = [];
  /** Whether `origin` came from a RunStart (and so stays). */
  private originFromRun = false;

  constructor() {
    this.open = new OpenSpans(
      (lane, s) => this.closeSpan(lane, s),
      (lane, start, depth, t, status) => this.fixSpan(lane, start, depth, t, status),
    );
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
        this.lines.add(t, e.pid, e.tid, e.stream, e.text);
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
        this.facts.cores = e.cores;
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
      case Kind.Lost: {
        const row = this.lostList.find((l) => l.pid === e.pid && l.reason === e.reason);
        if (row) row.count += e.count;
        else this.lostList.push({ pid: e.pid, count: e.count, reason: e.reason });
        break;
      }
      default:
        this.skipped++;
    }
  }

  /** The span table of `lane`, created empty on first use. */
  table(lane: number): SpanTable {
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
      name: this.strings.intern(e.name),
      detail: this.strings.intern(e.detail),
      obj: this.strings.intern(e.obj),
      loc: this.strings.intern(e.loc),
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
    const id = this.strings.intern(obj);
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
