/**
 * Arrows between lanes. Queue items (put → get, keyed by queue, putter pid and item id) and pipe
 * messages (send → recv, keyed by pipe, sender pid and message id) are matched as soon as both ends
 * have arrived, in either order. Lock hand-offs are inferred per lock from its acquires and
 * releases: an acquire names the process that handed the lock over (`fromPid`), or, when the
 * runtime could not tell (`fromPid` 0), the hand-off is the last release on another lane while the
 * acquirer was waiting (a release before the wait began left the lock free: no hand-off). Because
 * a release may arrive after the acquire it enabled, a lock's hand-offs are recomputed lazily when
 * its events change.
 */
import type { Flow } from './api';

interface End {
  lane: number;
  t: number;
}

interface LockEvents {
  /** Releases by time (see `unsorted`). */
  rel: { t: number; lane: number; pid: number }[];
  /** `waitStart`: when the acquirer began waiting for this acquire, NaN if it did not wait. */
  acq: { t: number; lane: number; fromPid: number; waitStart: number }[];
  /** Hand-offs, sorted by acquire time; those at or after `dirtyFrom` are stale. */
  flows: Flow[];
  dirtyFrom: number;
  /** Set when an event arrived late; both lists are sorted (stably) before the next use. */
  unsorted: boolean;
}

/** All flows of a trace. */
export class FlowTable {
  /** Queue, pipe and task flows, in the order they were matched. */
  private readonly matched: Flow[] = [];
  /** Unmatched ends by "kind obj", then sender pid, then item/message id. */
  private readonly waiting = new Map<string, Map<number, Map<number, End & { side: 'from' | 'to' }>>>();
  private readonly locks = new Map<string, LockEvents>();
  private cache: Flow[] | undefined;
  /** The queue or pipe of the previous `end` (consecutive records mostly name the same one). */
  private lastKind = '';
  private lastObj = '';
  private lastByPid: Map<number, Map<number, End & { side: 'from' | 'to' }>> | undefined;

  /** Adds an already-matched flow (tasks). */
  push(f: Flow | undefined): void {
    if (!f) return;
    this.matched.push(f);
    this.cache = undefined;
  }

  /** One end of a queue or pipe flow; `side` 'from' for put/send, 'to' for get/recv. */
  end(
    kind: 'queue' | 'pipe',
    obj: string,
    senderPid: number,
    id: number,
    side: 'from' | 'to',
    lane: number,
    t: number,
  ): void {
    let byPid = kind === this.lastKind && obj === this.lastObj ? this.lastByPid : undefined;
    if (!byPid) {
      const k = `${kind} ${obj}`;
      byPid = this.waiting.get(k);
      if (!byPid) this.waiting.set(k, (byPid = new Map()));
      this.lastKind = kind;
      this.lastObj = obj;
      this.lastByPid = byPid;
    }
    let byId = byPid.get(senderPid);
    if (!byId) byPid.set(senderPid, (byId = new Map()));
    const other = byId.get(id);
    if (other === undefined || other.side === side) {
      byId.set(id, { lane, t, side });
      return;
    }
    byId.delete(id);
    const [from, to] = side === 'to' ? [other, { lane, t }] : [{ lane, t }, other];
    this.push({ kind, obj, fromLane: from.lane, fromT: from.t, toLane: to.lane, toT: to.t });
  }

  /** A lock (or semaphore slot) was acquired; `waitStart` is when its wait began (NaN if it did not wait). */
  acquire(obj: string, lane: number, t: number, fromPid: number, waitStart: number): void {
    const l = this.lock(obj);
    if (l.acq.length > 0 && l.acq[l.acq.length - 1].t > t) l.unsorted = true;
    l.acq.push({ t, lane, fromPid, waitStart });
    l.dirtyFrom = Math.min(l.dirtyFrom, t);
    this.cache = undefined;
  }

  /** A lock was released. */
  release(obj: string, lane: number, pid: number, t: number): void {
    const l = this.lock(obj);
    if (l.rel.length > 0 && l.rel[l.rel.length - 1].t > t) l.unsorted = true;
    l.rel.push({ t, lane, pid });
    l.dirtyFrom = Math.min(l.dirtyFrom, t);
    this.cache = undefined;
  }

  /** Adds `d` to every time (the store's origin moved). */
  shiftTimes(d: number): void {
    for (const f of this.matched) {
      f.fromT += d;
      f.toT += d;
    }
    for (const byPid of this.waiting.values())
      for (const byId of byPid.values()) for (const e of byId.values()) e.t += d;
    for (const l of this.locks.values()) {
      for (const r of l.rel) r.t += d;
      for (const a of l.acq) {
        a.t += d;
        a.waitStart += d;
      }
      for (const f of l.flows) {
        f.fromT += d;
        f.toT += d;
      }
      l.dirtyFrom += d;
    }
    this.cache = undefined;
  }

  /** Every flow: matched ones, then lock hand-offs per lock. */
  all(): readonly Flow[] {
    if (this.cache) return this.cache;
    const out = this.matched.slice();
    for (const [obj, l] of this.locks) {
      if (l.dirtyFrom !== Infinity) {
        handOffs(obj, l);
        l.dirtyFrom = Infinity;
      }
      for (const f of l.flows) out.push(f);
    }
    this.cache = out;
    return out;
  }

  private lock(obj: string): LockEvents {
    let l = this.locks.get(obj);
    if (!l) {
      l = { rel: [], acq: [], flows: [], dirtyFrom: Infinity, unsorted: false };
      this.locks.set(obj, l);
    }
    return l;
  }
}

/** How many releases back a hand-off is looked for before giving up. */
const MAX_LOOKBACK = 256;

/** Recomputes the hand-offs of one lock from `dirtyFrom` on. */
function handOffs(obj: string, l: LockEvents): void {
  if (l.unsorted) {
    // Nearly sorted already: the engine's merge sort makes this close to linear.
    l.acq.sort((a, b) => a.t - b.t);
    l.rel.sort((a, b) => a.t - b.t);
    l.unsorted = false;
  }
  const out = l.flows;
  while (out.length > 0 && out[out.length - 1].toT >= l.dirtyFrom) out.pop();
  for (let k = lowerTime(l.acq, l.dirtyFrom); k < l.acq.length; k++) {
    const a = l.acq[k];
    if (a.fromPid === 0 && !(a.waitStart <= a.t)) continue;
    // Latest release at or before the acquire: by the named process, else by another lane during the wait.
    let r: LockEvents['rel'][number] | undefined;
    const last = upper(l.rel, a.t) - 1;
    for (let i = last; i >= 0 && i > last - MAX_LOOKBACK; i--) {
      const c = l.rel[i];
      if (a.fromPid !== 0 ? c.pid === a.fromPid : c.lane !== a.lane) {
        r = c;
        break;
      }
    }
    if (!r || r.lane === a.lane || (a.fromPid === 0 && r.t < a.waitStart)) continue;
    out.push({ kind: 'lock', obj, fromLane: r.lane, fromT: r.t, toLane: a.lane, toT: a.t });
  }
}

/** Index of the first entry at or after `t`. */
function lowerTime(a: readonly { t: number }[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first entry after `t`. */
function upper(rel: readonly { t: number }[], t: number): number {
  let lo = 0;
  let hi = rel.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rel[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
