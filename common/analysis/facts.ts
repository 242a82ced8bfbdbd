/**
 * Event facts the analyses need but `TraceView` does not keep: Value writes, every queue put and get
 * (including items never taken), lock acquisitions with their source lines, and aggregated
 * (uncontended, not individually recorded) operations. Feed it the same events as the trace store.
 */
import { Kind, type TraceEvent } from '../schema';
import type { Chunk } from '../protocol';
import type { TraceView } from '../store/api';
import { WireDecoder } from '../wire';
import { F64List } from './util';

/** Writes to one Value/Array, in arrival order (absolute monotonic ns). */
export class ValueWrites {
  readonly t = new F64List();
  readonly pid = new F64List();
  readonly tid = new F64List();
  readonly index = new F64List();
  readonly value = new F64List();
  get count(): number {
    return this.t.length;
  }
}

/** Puts and gets of one queue (absolute monotonic ns). */
export class QueueOps {
  readonly putT = new F64List();
  readonly putPid = new F64List();
  readonly putItem = new F64List();
  readonly getT = new F64List();
  readonly getPid = new F64List();
  readonly getPutPid = new F64List();
  readonly getItem = new F64List();
}

/** Acquisitions of one lock/semaphore seen as `LockAcquire` records. */
export interface AcquireFacts {
  count: number;
  waited: number;
  /** Acquisitions per source location. */
  byLoc: Map<string, number>;
}

/** Collected facts of a run. */
export class EventFacts {
  readonly values = new Map<string, ValueWrites>();
  readonly queues = new Map<string, QueueOps>();
  readonly acquires = new Map<string, AcquireFacts>();
  /** Aggregated operations per object: `Aggregate.what` (a `Kind`) → count. */
  readonly aggregated = new Map<string, Map<number, number>>();
  private readonly decoders = new Map<number, WireDecoder>();
  private readonly sink = (e: TraceEvent): void => this.add(e);

  /** Decodes a record-stream chunk (one decoder per connection, as the store does) and adds its events. */
  ingest(chunk: Chunk): void {
    let dec = this.decoders.get(chunk.conn);
    if (!dec) this.decoders.set(chunk.conn, (dec = new WireDecoder(this.sink)));
    try {
      dec.push(chunk.bytes);
    } catch {
      // A corrupt connection is reported by the store; the facts keep what was decoded.
      this.decoders.set(chunk.conn, new WireDecoder(() => {}));
    }
  }

  /** Adds one decoded event; kinds the analyses do not need are ignored in O(1). */
  add(e: TraceEvent): void {
    switch (e.kind) {
      case Kind.ValueWrite:
        return this.valueWrite(e.obj, e.t, e.pid, e.tid, e.index, e.value);
      case Kind.QueuePut:
        return this.queuePut(e.obj, e.t, e.pid, e.item);
      case Kind.QueueGet:
        return this.queueGet(e.obj, e.t, e.pid, e.putPid, e.item);
      case Kind.LockAcquire:
        return this.lockAcquire(e.obj, e.waited, e.loc);
      case Kind.Aggregate:
        return this.aggregate(e.obj, e.what, e.count);
    }
  }

  /** A Value/Array write (absolute ns). */
  valueWrite(obj: string, t: number, pid: number, tid: number, index: number, value: number): void {
    let w = this.values.get(obj);
    if (!w) this.values.set(obj, (w = new ValueWrites()));
    w.t.push(t);
    w.pid.push(pid);
    w.tid.push(tid);
    w.index.push(index);
    w.value.push(value);
  }

  /** A queue put (absolute ns). */
  queuePut(obj: string, t: number, pid: number, item: number): void {
    const q = this.queue(obj);
    q.putT.push(t);
    q.putPid.push(pid);
    q.putItem.push(item);
  }

  /** A queue get of `putPid`'s item (absolute ns). */
  queueGet(obj: string, t: number, pid: number, putPid: number, item: number): void {
    const q = this.queue(obj);
    q.getT.push(t);
    q.getPid.push(pid);
    q.getPutPid.push(putPid);
    q.getItem.push(item);
  }

  /** A lock acquisition at source line `loc`. */
  lockAcquire(obj: string, waited: number, loc: string): void {
    let a = this.acquires.get(obj);
    if (!a) this.acquires.set(obj, (a = { count: 0, waited: 0, byLoc: new Map() }));
    a.count++;
    if (waited) a.waited++;
    if (loc) a.byLoc.set(loc, (a.byLoc.get(loc) ?? 0) + 1);
  }

  /** `count` aggregated operations of kind `what` on `obj`. */
  aggregate(obj: string, what: number, count: number): void {
    let m = this.aggregated.get(obj);
    if (!m) this.aggregated.set(obj, (m = new Map()));
    m.set(what, (m.get(what) ?? 0) + count);
  }

  /** Aggregated count of operation `kind` on `obj` (0 if none). */
  aggregatedCount(obj: string, kind: number): number {
    return this.aggregated.get(obj)?.get(kind) ?? 0;
  }

  private queue(obj: string): QueueOps {
    let q = this.queues.get(obj);
    if (!q) this.queues.set(obj, (q = new QueueOps()));
    return q;
  }
}

const fromViews = new WeakMap<TraceView, { facts: EventFacts; read: number }>();

/**
 * The facts of a view, read from its point records (`TraceView.points`, when the store keeps them)
 * and cached: later calls only read the points added since. Undefined if the view has no points.
 */
export function factsOf(view: TraceView): EventFacts | undefined {
  if (!view.points) return undefined;
  const p = view.points();
  let c = fromViews.get(view);
  if (!c || p.count < c.read) fromViews.set(view, (c = { facts: new EventFacts(), read: 0 }));
  const lanes = view.lanes();
  const f = c.facts;
  const { kind, lane: laneCol, obj: objCol, a, b, s } = p;
  for (let i = c.read; i < p.count; i++) {
    const lane = lanes[laneCol[i]];
    if (!lane) continue;
    const t = p.t[i] + view.origin;
    switch (kind[i]) {
      case Kind.ValueWrite:
        f.valueWrite(view.str(objCol[i]), t, lane.pid, lane.tid, a[i], b[i]);
        break;
      case Kind.QueuePut:
        f.queuePut(view.str(objCol[i]), t, lane.pid, a[i]);
        break;
      case Kind.QueueGet:
        f.queueGet(view.str(objCol[i]), t, lane.pid, a[i], b[i]);
        break;
      case Kind.LockAcquire:
        f.lockAcquire(view.str(objCol[i]), b[i], view.str(s[i]));
        break;
      case Kind.Aggregate:
        f.aggregate(view.str(objCol[i]), a[i], b[i]);
        break;
    }
  }
  c.read = p.count;
  return f;
}
