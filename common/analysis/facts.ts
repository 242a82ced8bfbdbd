/**
 * Event facts the analyses need but `TraceView` does not keep: Value writes, every queue put and get
 * (including items never taken), lock acquisitions with their source lines, and aggregated
 * (uncontended, not individually recorded) operations. Feed it the same events as the trace store.
 */
import { Kind, type TraceEvent } from '../schema';
import type { Chunk } from '../protocol';
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
      case Kind.ValueWrite: {
        let w = this.values.get(e.obj);
        if (!w) this.values.set(e.obj, (w = new ValueWrites()));
        w.t.push(e.t);
        w.pid.push(e.pid);
        w.tid.push(e.tid);
        w.index.push(e.index);
        w.value.push(e.value);
        break;
      }
      case Kind.QueuePut: {
        const q = this.queue(e.obj);
        q.putT.push(e.t);
        q.putPid.push(e.pid);
        q.putItem.push(e.item);
        break;
      }
      case Kind.QueueGet: {
        const q = this.queue(e.obj);
        q.getT.push(e.t);
        q.getPid.push(e.pid);
        q.getPutPid.push(e.putPid);
        q.getItem.push(e.item);
        break;
      }
      case Kind.LockAcquire: {
        let a = this.acquires.get(e.obj);
        if (!a) this.acquires.set(e.obj, (a = { count: 0, waited: 0, byLoc: new Map() }));
        a.count++;
        if (e.waited) a.waited++;
        if (e.loc) a.byLoc.set(e.loc, (a.byLoc.get(e.loc) ?? 0) + 1);
        break;
      }
      case Kind.Aggregate: {
        let m = this.aggregated.get(e.obj);
        if (!m) this.aggregated.set(e.obj, (m = new Map()));
        m.set(e.what, (m.get(e.what) ?? 0) + e.count);
        break;
      }
    }
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
