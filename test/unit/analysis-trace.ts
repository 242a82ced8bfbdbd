/**
 * Builds small synthetic traces for the analysis tests: events are written with `RecordEncoder`, one
 * connection per process as the runtimes do, and fed to a real `TraceStore` and `EventFacts`. Times
 * are given in milliseconds from the start of the run.
 */
import { Cat, Kind, ObjType, Role, Status, type TraceEvent } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { EventFacts } from '../../common/analysis/facts';
import { StreamsByPid } from '../recordStreams';

/** Absolute monotonic ns of time 0 in built traces. */
export const BASE = 5e12;
/** ms → absolute ns. */
export const at = (ms: number): number => BASE + ms * 1e6;
/** ms → ns (durations and relative times). */
export const ms = (x: number): number => x * 1e6;

interface SpanOpts {
  name?: string;
  detail?: string;
  obj?: string;
  loc?: string;
  status?: number;
}

/** A trace under construction. */
export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  private spanId = 1;

  private push(kind: number, tMs: number, pid: number, tid: number, fields: Record<string, number | string>): void {
    this.events.push({ kind, t: at(tMs), pid, tid, ...fields } as TraceEvent);
  }

  /** A process living from `start` to `end` ms (open if `end` is undefined). */
  proc(
    pid: number,
    start: number,
    end?: number,
    opts: { ppid?: number; name?: string; role?: number; code?: number } = {},
  ): this {
    this.push(Kind.ProcStart, start, pid, 0, {
      ppid: opts.ppid ?? 0,
      name: opts.name ?? `p${pid}`,
      role: opts.role ?? Role.Process,
    });
    if (end !== undefined) this.push(Kind.ProcExit, end, pid, 0, { code: opts.code ?? 0, signal: '' });
    return this;
  }

  /** Declares an object (lock, queue, value, pool...). */
  obj(pid: number, key: string, type: number, name: string, loc = '', capacity = -1): this {
    this.push(Kind.ObjDecl, 0, pid, 0, { obj: key, type, name, capacity, loc });
    return this;
  }

  /** A span from `start` to `end` ms (open if `end` is undefined). */
  span(pid: number, cat: number, start: number, end: number | undefined, o: SpanOpts = {}, tid = 0): this {
    const span = this.spanId++;
    this.push(Kind.Begin, start, pid, tid, {
      span,
      cat,
      name: o.name ?? '',
      detail: o.detail ?? '',
      obj: o.obj ?? '',
      loc: o.loc ?? '',
    });
    if (end !== undefined) this.push(Kind.End, end, pid, tid, { span, status: o.status ?? Status.Ok });
    return this;
  }

  /** Holding lock `obj` from `start` to `end` (open if undefined), with its acquire and release records. */
  hold(
    pid: number,
    obj: string,
    start: number,
    end: number | undefined,
    loc = '',
    fromPid = 0,
    waited = 0,
    tid = 0,
  ): this {
    this.push(Kind.LockAcquire, start, pid, tid, { obj, fromPid, waited, loc });
    this.span(pid, Cat.Hold, start, end, { obj, loc, name: 'hold' }, tid);
    if (end !== undefined) this.push(Kind.LockRelease, end, pid, tid, { obj });
    return this;
  }

  /** Waits for lock `obj` from `start` to `end`, then holds it until `release` (a contended acquire). */
  contended(
    pid: number,
    obj: string,
    start: number,
    end: number | undefined,
    release: number | undefined,
    loc = '',
    fromPid = 0,
    tid = 0,
  ): this {
    this.span(pid, Cat.WaitLock, start, end, { obj, loc, name: 'acquire' }, tid);
    if (end !== undefined) this.hold(pid, obj, end, release, loc, fromPid, 1, tid);
    return this;
  }

  /** A queue put. */
  put(pid: number, obj: string, t: number, item: number, depth = -1): this {
    this.push(Kind.QueuePut, t, pid, 0, { obj, item, depth });
    return this;
  }

  /** A queue get of `putPid`'s item. */
  get(pid: number, obj: string, t: number, putPid: number, item: number, depth = -1): this {
    this.push(Kind.QueueGet, t, pid, 0, { obj, putPid, item, depth });
    return this;
  }

  /** `count` operations of kind `what` on `obj` that the runtime only counted (its fast path). */
  aggregate(pid: number, obj: string, t: number, what: number, count: number): this {
    this.push(Kind.Aggregate, t, pid, 0, { obj, what, count, since: at(0) });
    return this;
  }

  /** The runner's `RunStart`: which runtime ran the snippet. */
  run(runtime: 'node' | 'python', cores = 2): this {
    this.push(Kind.RunStart, 0, 0, 0, { snippet: `snippet.${runtime === 'node' ? 'ts' : 'py'}`, runtime, cores });
    return this;
  }

  /** CPU samples of lane `pid`/`tid` every 10 ms from `from` to `to` ms, each `cpu` of a core. */
  samples(pid: number, tid: number, from: number, to: number, cpu: number): this {
    for (let t = from + 10; t <= to; t += 10) this.push(Kind.Sample, t, pid, tid, { cpu, elu: -1 });
    return this;
  }

  /** An uncaught error reported by process `pid`. */
  error(pid: number, t: number, message: string): this {
    this.push(Kind.Error, t, pid, 0, { message, stack: `Error: ${message}` });
    return this;
  }

  /** A Value write. */
  write(pid: number, obj: string, t: number, value: number, tid = 0): this {
    this.push(Kind.ValueWrite, t, pid, tid, { obj, index: 0, value });
    return this;
  }

  /** A pool task from submit to result, run by `worker`. */
  task(
    pool: string,
    task: number,
    submitPid: number,
    worker: number,
    submit: number,
    start: number,
    end: number,
    result: number,
    chunk = 1,
  ): this {
    this.push(Kind.TaskSubmit, submit, submitPid, 0, {
      pool,
      task,
      fn: 'work',
      args: `${task}`,
      chunk,
      loc: 'snippet.py:9:5',
    });
    this.push(Kind.TaskStart, start, worker, 0, { pool, task });
    this.span(worker, Cat.Task, start, end, { name: 'work', detail: `${task}` });
    this.push(Kind.TaskEnd, end, worker, 0, { pool, task, status: Status.Ok });
    this.push(Kind.TaskResult, result, submitPid, 0, { pool, task, status: Status.Ok });
    return this;
  }

  /** The events sorted by time (ties keep insertion order), as the live stream would deliver them. */
  sorted(): TraceEvent[] {
    return this.events
      .map((e, i) => [e, i] as const)
      .sort((a, b) => a[0].t - b[0].t || a[1] - b[1])
      .map((x) => x[0]);
  }

  /** Encodes every process's events on its own connection and feeds a real store and the facts. */
  build(): { store: TraceStore; facts: EventFacts; events: TraceEvent[] } {
    const events = this.sorted();
    const store = new TraceStore();
    const facts = new EventFacts();
    // One connection after the other: the store sorts spans that arrive out of order.
    const chunks = new StreamsByPid().add(events).take();
    for (const c of chunks) {
      store.ingest(c);
      facts.ingest(c);
    }
    return { store, facts, events };
  }
}

/** Pool(2).map over four tasks (pool `pool:41:1`); the last one is long: the stair-step. */
export function stairStep() {
  return new TraceBuilder()
    .proc(41, 0, 110, { role: Role.Root })
    .proc(42, 1, 104, { ppid: 41, role: Role.PoolWorker })
    .proc(43, 1, 105, { ppid: 41, role: Role.PoolWorker })
    .obj(41, 'pool:41:1', ObjType.Pool, 'Pool-1', 'stairs.py:8:10', 2)
    .task('pool:41:1', 1, 41, 42, 10, 10, 20, 20)
    .task('pool:41:1', 2, 41, 43, 10, 10, 20, 20)
    .task('pool:41:1', 3, 41, 42, 10, 20, 30, 30)
    .task('pool:41:1', 4, 41, 43, 10, 20, 100, 100)
    .span(41, Cat.WaitResult, 10, 100, { name: 'map', loc: 'stairs.py:9:5' })
    .span(41, Cat.WaitJoin, 100, 105, { obj: 'pool:41:1', name: 'join' })
    .build();
}

export { Cat, Kind, ObjType, Role, Status };
