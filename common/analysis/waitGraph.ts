/**
 * The live state behind deadlock detection: which lanes are alive, which wait (and for what), which
 * hold which locks, who feeds which queue and pipe. Updated event by event in O(1) (a hash lookup or
 * two); `releasers` answers "who could end this lane's wait" for the cycle search.
 */
import { Cat, isWait, Kind, type TraceEvent } from '../schema';
import { NameTable, typeForWait } from './util';

/** An open wait of a lane. */
export interface OpenWait {
  span: number;
  cat: number;
  obj: string;
  detail: string;
  loc: string;
  t: number;
}

/** One process (tid 0) or thread. */
export class LaneState {
  alive = true;
  /** Open waits by span id, oldest first. */
  readonly waits = new Map<number, OpenWait>();
  /** Held objects → re-entrance count, from `Hold` spans and from acquire/release records. */
  readonly spanHeld = new Map<string, number>();
  readonly acqHeld = new Map<string, number>();
  /** Where each held object was taken. */
  readonly holdLoc = new Map<string, string>();
  /** Open hold spans: span id → object. */
  readonly holdSpans = new Map<number, string>();
  blockedSince = NaN;
  constructor(
    readonly pid: number,
    readonly tid: number,
  ) {}

  /** Objects the lane holds now, in acquisition order. */
  held(g: WaitGraph): string[] {
    const out: string[] = [];
    for (const k of this.spanHeld.keys()) if (g.obj(k).spanHolds) out.push(k);
    for (const k of this.acqHeld.keys()) if (!g.obj(k).spanHolds) out.push(k);
    return out;
  }

  /** True if it holds anything besides `obj` (cheap pre-check, no allocation). */
  holdsOtherThan(obj: string): boolean {
    for (const k of this.spanHeld.keys()) if (k !== obj) return true;
    for (const k of this.acqHeld.keys()) if (k !== obj) return true;
    return false;
  }

  /** The wait that blocks the lane now (the latest one), if any. */
  currentWait(): OpenWait | undefined {
    let last: OpenWait | undefined;
    for (const w of this.waits.values()) last = w;
    return last;
  }
}

/** A synchronisation object as the graph sees it. */
export class ObjState {
  type = -1;
  name = '';
  /** Whether holds come from `Hold` spans (then `LockAcquire`/`LockRelease` are not counted twice). */
  spanHolds = false;
  readonly spanHolders = new Map<LaneState, number>();
  readonly acqHolders = new Map<LaneState, number>();
  /** Lanes that put/sent into it, and lanes that got/received from it. */
  readonly producers = new Set<LaneState>();
  readonly consumers = new Set<LaneState>();
  /** A lane that held no slot released it (a semaphore used as a signal): its holders are not its releasers. */
  foreignRelease = false;
  constructor(readonly key: string) {}

  /** Lanes holding it now. */
  holders(): Map<LaneState, number> {
    return this.spanHolds ? this.spanHolders : this.acqHolders;
  }
}

/** Live wait-for graph of a run. */
export class WaitGraph {
  private readonly byPid = new Map<number, Map<number, LaneState>>();
  readonly objs = new Map<string, ObjState>();
  readonly names = new NameTable();
  liveCount = 0;
  blockedCount = 0;
  /**
   * Whether every semaphore acquire and release is on record: the Node runtime records each one (they
   * go through its broker); the Python hook records them only up to a budget, then counts acquisitions
   * and drops releases, so there its holders are not known.
   */
  semaphoreHolders = false;
  /** Called when a lane starts waiting, after the graph is updated. */
  onWait: (lane: LaneState, w: OpenWait) => void = () => {};
  /** Called when a lane that has an open wait takes a lock (its events arrived out of order). */
  onLateHold: (lane: LaneState) => void = () => {};
  /** Called when a lane takes (or starts waiting for) a lock while holding others. */
  onAcquire: (lane: LaneState, obj: string, loc: string, t: number) => void = () => {};

  /** Applies one event. */
  add(e: TraceEvent): void {
    if (e.kind === Kind.RunStart) this.semaphoreHolders = e.runtime === 'node';
    if (e.kind === Kind.RunStart || e.kind === Kind.RunEnd) return;
    const lane = this.lane(e.pid, e.tid);
    switch (e.kind) {
      case Kind.ProcExit:
        for (const l of this.byPid.get(e.pid)?.values() ?? []) this.kill(l);
        break;
      case Kind.ThreadEnd:
        this.kill(lane);
        break;
      case Kind.ObjDecl: {
        const o = this.obj(e.obj);
        o.type = e.type;
        o.name = e.name;
        this.names.declare(e.name);
        break;
      }
      case Kind.Begin:
        if (e.cat === Cat.Hold) {
          const o = this.obj(e.obj);
          o.spanHolds = true;
          lane.holdSpans.set(e.span, e.obj);
          if (e.loc) lane.holdLoc.set(e.obj, e.loc);
          this.onAcquire(lane, e.obj, e.loc || (lane.holdLoc.get(e.obj) ?? ''), e.t);
          inc(o.spanHolders, lane, 1);
          inc(lane.spanHeld, e.obj, 1);
          if (lane.waits.size > 0) this.onLateHold(lane);
        } else if (isWait(e.cat) && lane.alive) {
          const w: OpenWait = { span: e.span, cat: e.cat, obj: e.obj, detail: e.detail, loc: e.loc, t: e.t };
          if (lane.waits.size === 0) {
            this.blockedCount++;
            lane.blockedSince = e.t;
          }
          lane.waits.set(e.span, w);
          if (e.cat === Cat.WaitLock && e.obj) this.onAcquire(lane, e.obj, e.loc, e.t);
          this.onWait(lane, w);
        }
        break;
      case Kind.End: {
        const held = lane.holdSpans.get(e.span);
        if (held !== undefined) {
          lane.holdSpans.delete(e.span);
          inc(this.obj(held).spanHolders, lane, -1);
          inc(lane.spanHeld, held, -1);
        } else if (lane.waits.delete(e.span) && lane.waits.size === 0 && lane.alive) {
          this.blockedCount--;
          lane.blockedSince = NaN;
        }
        break;
      }
      case Kind.LockAcquire: {
        const o = this.obj(e.obj);
        if (e.loc) lane.holdLoc.set(e.obj, e.loc);
        if (!o.spanHolds) this.onAcquire(lane, e.obj, e.loc, e.t);
        inc(o.acqHolders, lane, 1);
        inc(lane.acqHeld, e.obj, 1);
        break;
      }
      case Kind.LockRelease: {
        const o = this.obj(e.obj);
        // A semaphore may be released by a lane that did not acquire it: release the oldest holder.
        if (!o.acqHolders.has(lane)) o.foreignRelease = true;
        const who = o.acqHolders.has(lane) ? lane : o.acqHolders.keys().next().value;
        if (who) {
          inc(o.acqHolders, who, -1);
          inc(who.acqHeld, e.obj, -1);
        }
        break;
      }
      case Kind.QueuePut:
      case Kind.PipeSend:
        this.obj(e.obj).producers.add(lane);
        break;
      case Kind.QueueGet:
      case Kind.PipeRecv:
        this.obj(e.obj).consumers.add(lane);
        break;
    }
  }

  /** The lane (pid, tid), created alive on first sight. */
  lane(pid: number, tid: number): LaneState {
    let m = this.byPid.get(pid);
    if (!m) this.byPid.set(pid, (m = new Map()));
    let l = m.get(tid);
    if (!l) {
      m.set(tid, (l = new LaneState(pid, tid)));
      this.liveCount++;
    }
    return l;
  }

  /** Existing lane or undefined. */
  find(pid: number, tid: number): LaneState | undefined {
    return this.byPid.get(pid)?.get(tid);
  }

  /** Every lane seen. */
  *lanes(): IterableIterator<LaneState> {
    for (const m of this.byPid.values()) yield* m.values();
  }

  /** The object state of a key (created on first sight). */
  obj(key: string): ObjState {
    let o = this.objs.get(key);
    if (!o) this.objs.set(key, (o = new ObjState(key)));
    return o;
  }

  /**
   * Lanes that could end `lane`'s current wait, or null when that is unknown or not stuck (an event,
   * a condition, a pool result, a lock with no recorded holder, a join on a process that already exited).
   */
  releasers(lane: LaneState): LaneState[] | null {
    const w = lane.currentWait();
    if (!w) return null;
    switch (w.cat) {
      case Cat.WaitLock: {
        const hs = [...this.obj(w.obj).holders().keys()].filter((h) => h !== lane);
        return hs.length ? hs : null;
      }
      // A semaphore waits for its holders only where every acquire and release is on record, and
      // only while every release came from a holder (any process may release one: the stall rule
      // covers the rest).
      case Cat.WaitSemaphore: {
        const o = this.obj(w.obj);
        if (!this.semaphoreHolders || o.foreignRelease) return null;
        const hs = [...o.acqHolders.keys()].filter((h) => h !== lane);
        return hs.length ? hs : null;
      }
      case Cat.WaitJoin: {
        const target = this.joinTarget(w);
        return target && target.alive && target !== lane ? [target] : null;
      }
      case Cat.WaitQueueGet:
      case Cat.WaitRecv:
        return others(w.cat === Cat.WaitRecv ? this.pipePeers(w.obj) : this.obj(w.obj).producers, lane);
      case Cat.WaitQueuePut:
        return others(this.obj(w.obj).consumers, lane);
      default:
        return null;
    }
  }

  /** The lane a join waits for: `proc:<pid>` / `thread:<pid>:<tid>` keys, or `pid <n>` in the detail. */
  joinTarget(w: OpenWait): LaneState | undefined {
    const m = /^(?:proc|process):(\d+)$|^thread:(\d+):(\d+)$/.exec(w.obj);
    if (m) return m[1] !== undefined ? this.find(Number(m[1]), 0) : this.find(Number(m[2]), Number(m[3]));
    const d = /\bpid (\d+)/.exec(w.detail);
    return d ? this.find(Number(d[1]), 0) : undefined;
  }

  /** Whether a join's named target has been seen; undefined when the join names no process. */
  joinTargetKnown(w: OpenWait): boolean | undefined {
    const named = /^(?:proc|process|thread):\d+/.test(w.obj) || /\bpid \d+/.test(w.detail);
    return named ? this.joinTarget(w) !== undefined : undefined;
  }

  /** Type of an object: declared, else implied by the wait on it. */
  typeOf(key: string, cat: number): number {
    const t = this.objs.get(key)?.type ?? -1;
    if (t >= 0) return t;
    return typeForWait(cat);
  }

  private pipePeers(key: string): Set<LaneState> {
    const o = this.obj(key);
    return new Set([...o.producers, ...o.consumers]);
  }

  private kill(l: LaneState): void {
    if (!l.alive) return;
    l.alive = false;
    this.liveCount--;
    if (l.waits.size > 0) this.blockedCount--;
    l.waits.clear();
    l.blockedSince = NaN;
  }
}

function others(set: Set<LaneState>, me: LaneState): LaneState[] | null {
  const out: LaneState[] = [];
  for (const l of set) if (l !== me && l.alive) out.push(l);
  return out.length ? out : null;
}

function inc<K>(m: Map<K, number>, k: K, d: number): void {
  const n = (m.get(k) ?? 0) + d;
  if (n > 0) m.set(k, n);
  else m.delete(k);
}
