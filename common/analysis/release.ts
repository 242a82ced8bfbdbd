/**
 * Who ended a wait: the lane and time of the event that unblocked it (the lock hand-off, the queue put,
 * the pipe send, the task result, the joined process's exit). Shared by "why waiting" and the
 * critical path. Built once per view from its flows; each query is a binary search.
 */
import { Cat } from '../schema';
import type { Flow } from '../store/api';
import { cached, type ViewIndex } from './util';

/** The unblocking event of a wait. */
export interface Release {
  /** Lane that released, and when (relative ns). */
  lane: number;
  t: number;
  /** What carried it: a lock hand-off, a queue item, a pipe message, a task result, a process exit. */
  via: 'lock' | 'queue' | 'pipe' | 'task' | 'exit';
  obj: string;
}

/** How late after a wait's end the unblocking event may be stamped (clock reads differ slightly). */
const SLACK_NS = 2e6;

const FLOW_FOR_WAIT: Partial<Record<number, Flow['kind']>> = {
  [Cat.WaitLock]: 'lock',
  [Cat.WaitSemaphore]: 'lock',
  [Cat.WaitCondition]: 'lock',
  [Cat.WaitQueueGet]: 'queue',
  [Cat.WaitRecv]: 'pipe',
  [Cat.WaitResult]: 'task',
};

/** Flows into each lane sorted by arrival time, and queue gets per queue, for release queries. */
export class ReleaseIndex {
  private readonly into = new Map<number, Flow[]>();
  private readonly getsOf = new Map<string, Flow[]>();
  private readonly exits: { lane: number; t: number }[] = [];

  /** The index of a view, cached per store version. */
  static of(ix: ViewIndex): ReleaseIndex {
    return cached(ix.view, 'release', () => new ReleaseIndex(ix));
  }

  constructor(private readonly ix: ViewIndex) {
    for (const f of ix.view.flows()) {
      if (f.kind === 'task' && f.fromT > f.toT) continue;
      let l = this.into.get(f.toLane);
      if (!l) this.into.set(f.toLane, (l = []));
      l.push(f);
      if (f.kind === 'queue') {
        let q = this.getsOf.get(f.obj);
        if (!q) this.getsOf.set(f.obj, (q = []));
        q.push(f);
      }
    }
    for (const l of this.into.values()) l.sort((a, b) => a.toT - b.toT);
    for (const l of this.getsOf.values()) l.sort((a, b) => a.toT - b.toT);
    for (const lane of ix.lanes) if (!Number.isNaN(lane.end)) this.exits.push({ lane: lane.id, t: lane.end });
    this.exits.sort((a, b) => a.t - b.t);
  }

  /** The event that ended the wait `[start, end]` of `lane` (category `cat`, object `obj`), or null. */
  releaser(lane: number, cat: number, obj: string, detail: string, start: number, end: number): Release | null {
    const kind = FLOW_FOR_WAIT[cat];
    if (kind) {
      const f = latestBefore(
        this.into.get(lane),
        end + SLACK_NS,
        start,
        (x) => x.kind === kind && (kind === 'task' || x.obj === obj),
      );
      return f
        ? { lane: f.fromLane, t: kind === 'task' ? f.fromT : Math.min(f.fromT, end), via: kind, obj: f.obj }
        : null;
    }
    if (cat === Cat.WaitQueuePut) {
      const f = latestBefore(this.getsOf.get(obj), end + SLACK_NS, start, (x) => x.toLane !== lane);
      return f ? { lane: f.toLane, t: Math.min(f.toT, end), via: 'queue', obj } : null;
    }
    if (cat === Cat.WaitJoin) {
      const targets = joinTargets(this.ix, obj, detail);
      const e = latestBefore(
        this.exits,
        end + SLACK_NS,
        start,
        (x) => x.lane !== lane && (targets.size === 0 || targets.has(x.lane)),
      );
      return e ? { lane: e.lane, t: Math.min(e.t, end), via: 'exit', obj } : null;
    }
    return null;
  }
}

/**
 * Lanes a join waits for: `proc:<pid>` and `thread:<pid>:<tid>` keys (as the runtimes write them), or
 * numbers in an undeclared key or the detail that name a process of the run. Empty when the span does
 * not say (a pool join): then any exit during the wait may have ended it.
 */
export function joinTargets(ix: ViewIndex, obj: string, detail: string): Set<number> {
  const out = new Set<number>();
  const thread = /^thread:(\d+):(\d+)$/.exec(obj);
  if (thread) {
    const lane = ix.lane(Number(thread[1]), Number(thread[2]));
    if (lane >= 0) out.add(lane);
    return out;
  }
  // A declared object (a pool) is not a process; `lock:<creatorPid>:<n>`-style keys name their creator.
  if (ix.objects.has(obj)) return out;
  for (const text of [obj, detail]) {
    for (const m of text.matchAll(/\d+/g)) {
      const lane = ix.lane(Number(m[0]), 0);
      if (lane >= 0) out.add(lane);
    }
  }
  return out;
}

/** The last element with `t` (or `toT`) in [lo, hi] that satisfies `ok`, by binary search then a backward scan. */
function latestBefore<T extends { t: number } | { toT: number }>(
  list: T[] | undefined,
  hi: number,
  lo: number,
  ok: (x: T) => boolean,
): T | undefined {
  if (!list) return undefined;
  const time = (x: T): number => ('t' in x ? x.t : x.toT);
  let a = 0;
  let b = list.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (time(list[m]) <= hi) a = m + 1;
    else b = m;
  }
  for (let i = a - 1; i >= 0 && time(list[i]) >= lo; i--) if (ok(list[i])) return list[i];
  return undefined;
}
