/**
 * Live deadlock detection. Fed the run's events one by one (O(1) for most events; a wait that begins
 * triggers a search bounded by the lanes reachable from it), it reports a wait-for cycle as soon as
 * it closes, a wait on a lock whose holder exited, or "every live lane blocked longer than the
 * threshold". It also collects lock-order inversions that did not (yet) deadlock.
 */
import type { Chunk } from '../protocol';
import { Cat, ObjType, type TraceEvent } from '../schema';
import { WireDecoder } from '../wire';
import { LockOrder, type LockOrderInversion } from './lockOrder';
import { fmtDuration, laneLabel, objTypeWord } from './util';
import { WaitGraph, type LaneState, type OpenWait } from './waitGraph';

/** One lane of a deadlock, in cycle order: it waits for the next one. */
export interface DeadlockStep {
  pid: number;
  tid: number;
  label: string;
  /** Objects it holds that the previous lane of the cycle waits for. */
  holds: string[];
  /** Its blocking wait. */
  cat: number;
  obj: string;
  detail: string;
  loc: string;
  /** Absolute monotonic ns when it started waiting. */
  since: number;
  /** False for a lane that exited (a holder that will never release). */
  alive: boolean;
}

/** A deadlock or stall, for the banner. */
export interface DeadlockReport {
  /** `cycle`: a wait-for cycle; `dead-holder`: waits on a lock held by an exited lane; `stall`: every live lane blocked. */
  kind: 'cycle' | 'dead-holder' | 'stall';
  /** Absolute monotonic ns of detection. */
  t: number;
  steps: DeadlockStep[];
  /** "process 41 holds lock A and waits for lock B; process 42 holds B and waits for A". */
  sentence: string;
}

/** One edge of the current wait-for graph: `from` waits on `obj`, which `to` could release. */
export interface WaitEdge {
  from: { pid: number; tid: number };
  /** null when nobody on record can release it (an event, a condition, a lock with no recorded holder). */
  to: { pid: number; tid: number } | null;
  cat: number;
  obj: string;
  /** Absolute monotonic ns when the wait began. */
  since: number;
}

/** Options of the detector. */
export interface DeadlockOptions {
  /** How long every live lane must be blocked before a stall is reported, in ns (default 2 s). */
  stallNs?: number;
  /** Most lanes searched per new wait (keeps a pathological run cheap). */
  maxSearch?: number;
}

/** Incremental wait-for graph with cycle and stall detection. */
export class DeadlockDetector {
  readonly graph = new WaitGraph();
  readonly reports: DeadlockReport[] = [];
  private readonly order: LockOrder;
  private readonly stallNs: number;
  private readonly maxSearch: number;
  private readonly reported = new Set<string>();
  private stallReported = false;
  private fresh: DeadlockReport | null = null;
  private now = -Infinity;
  private readonly decoders = new Map<number, WireDecoder | null>();
  private readonly pending: TraceEvent[] = [];

  constructor(opts: DeadlockOptions = {}) {
    this.stallNs = opts.stallNs ?? 2e9;
    this.maxSearch = opts.maxSearch ?? 512;
    this.order = new LockOrder(
      (k) => this.describe(k, Cat.WaitLock),
      (k) => this.short(k),
    );
    this.graph.onWait = (lane) => this.search(lane);
    // Connections are flushed separately, so a hold can arrive after the same lane's next wait.
    this.graph.onLateHold = (lane) => this.search(lane);
    this.graph.onAcquire = (lane, obj, loc, t) => {
      if (!lane.holdsOtherThan(obj)) return;
      const held = lane.held(this.graph);
      if (held.length === 0 || !this.isLock(obj)) return;
      const locks = held.filter((k) => this.isLock(k));
      if (locks.length) this.order.acquire(lane.pid, lane.tid, locks, (k) => lane.holdLoc.get(k) ?? '', obj, loc, t);
    };
  }

  /**
   * Decodes a record-stream chunk (one decoder per connection, as the store does) and applies its
   * events; returns the reports they raised. For hosts and panels that receive chunks, not events.
   */
  ingest(chunk: Chunk): DeadlockReport[] {
    const out: DeadlockReport[] = [];
    let dec = this.decoders.get(chunk.conn);
    if (dec === null) return out;
    if (!dec) this.decoders.set(chunk.conn, (dec = new WireDecoder((e) => this.pending.push(e))));
    try {
      dec.push(chunk.bytes);
    } catch {
      this.decoders.set(chunk.conn, null); // the store reports corrupt streams
    }
    for (const e of this.pending.splice(0)) {
      const r = this.add(e);
      if (r) out.push(r);
    }
    return out;
  }

  /** Applies one event; returns a report if a deadlock or stall became visible with it. */
  add(e: TraceEvent): DeadlockReport | null {
    this.fresh = null;
    if (e.t > this.now) this.now = e.t;
    this.graph.add(e);
    return this.fresh ?? this.tick(this.now);
  }

  /** Checks the stall rule at absolute time `now` (call it from a timer when no events arrive). */
  tick(now: number): DeadlockReport | null {
    const g = this.graph;
    if (g.liveCount === 0 || g.blockedCount < g.liveCount) {
      this.stallReported = false;
      return null;
    }
    if (this.stallReported) return null;
    let since = -Infinity;
    const live: LaneState[] = [];
    for (const l of g.lanes()) {
      if (!l.alive) continue;
      // A join on a process that has not reported yet (still starting) is not a stall.
      const w = l.currentWait();
      if (w?.cat === Cat.WaitJoin && g.joinTargetKnown(w) === false) return null;
      live.push(l);
      since = Math.max(since, l.blockedSince);
    }
    if (!(now - since >= this.stallNs)) return null;
    this.stallReported = true;
    const steps = live.map((l) => this.step(l, []));
    const clauses = this.clauses(steps);
    const report: DeadlockReport = {
      kind: 'stall',
      t: now,
      steps,
      sentence: `every live process has been blocked for ${fmtDuration(now - since)}: ${clauses}`,
    };
    this.reports.push(report);
    return report;
  }

  /** The wait-for graph now, to draw: one edge per blocked lane and possible releaser. */
  waitFor(): WaitEdge[] {
    const out: WaitEdge[] = [];
    for (const l of this.graph.lanes()) {
      const w = l.alive ? l.currentWait() : undefined;
      if (!w) continue;
      const from = { pid: l.pid, tid: l.tid };
      const rel = this.graph.releasers(l);
      if (!rel) out.push({ from, to: null, cat: w.cat, obj: w.obj, since: w.t });
      else for (const r of rel) out.push({ from, to: { pid: r.pid, tid: r.tid }, cat: w.cat, obj: w.obj, since: w.t });
    }
    return out;
  }

  /** Lock-order inversions seen so far, except pairs that are part of a reported deadlock. */
  inversions(): LockOrderInversion[] {
    const deadlocked = new Set<string>();
    for (const r of this.reports) if (r.kind === 'cycle') for (const s of r.steps) deadlocked.add(s.obj);
    return this.order.inversions.filter((i) => !(deadlocked.has(i.a.first) && deadlocked.has(i.a.second)));
  }

  /** Whether `start` is stuck for good; if so records and returns the report. */
  private search(start: LaneState): void {
    const g = this.graph;
    // Most waits are on a lane that is running: nothing can be stuck then.
    const first = g.releasers(start);
    if (!first || first.some((l) => l.alive && l.waits.size === 0)) return;
    // Collect the lanes reachable through "could be released by" edges.
    const rel = new Map<LaneState, LaneState[] | null>();
    const todo = [start];
    while (todo.length && rel.size < this.maxSearch) {
      const l = todo.pop()!;
      if (rel.has(l)) continue;
      const r = l.alive ? g.releasers(l) : [];
      rel.set(l, r);
      if (r) for (const x of r) if (!rel.has(x)) todo.push(x);
    }
    if (todo.some((l) => !rel.has(l))) return;
    // Greatest fixed point: a lane is stuck if it exited, or all lanes that could release it are stuck.
    const stuck = new Set<LaneState>();
    for (const [l, r] of rel) if (!l.alive || (r && r.length)) stuck.add(l);
    for (let changed = true; changed;) {
      changed = false;
      for (const l of stuck) {
        if (!l.alive) continue;
        if (rel.get(l)!.some((x) => !stuck.has(x))) {
          stuck.delete(l);
          changed = true;
        }
      }
    }
    if (!stuck.has(start)) return;
    // Follow one stuck releaser at a time until a lane repeats (a cycle) or an exited lane is reached.
    const path: LaneState[] = [];
    const seen = new Map<LaneState, number>();
    let cur: LaneState = start;
    while (!seen.has(cur) && cur.alive) {
      seen.set(cur, path.length);
      path.push(cur);
      cur = rel.get(cur)!.find((x) => stuck.has(x))!;
    }
    const dead = !cur.alive;
    const cycle = dead ? [...path, cur] : rotate(path.slice(seen.get(cur)));
    const key = cycle
      .map((l) => `${l.pid}:${l.tid}`)
      .sort()
      .join(' ');
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const steps = cycle.map((l, i) => {
      const prev = dead ? (i > 0 ? cycle[i - 1] : undefined) : cycle[(i + cycle.length - 1) % cycle.length];
      const wanted = prev?.currentWait()?.obj;
      return this.step(l, wanted ? [wanted] : []);
    });
    const clauses = this.clauses(steps);
    const report: DeadlockReport = dead
      ? { kind: 'dead-holder', t: this.now, steps, sentence: clauses }
      : { kind: 'cycle', t: this.now, steps, sentence: clauses };
    this.reports.push(report);
    this.fresh = report;
  }

  private step(l: LaneState, wanted: string[]): DeadlockStep {
    const held = l.held(this.graph);
    const w = l.currentWait();
    return {
      pid: l.pid,
      tid: l.tid,
      label: laneLabel(l.pid, l.tid),
      holds: wanted.filter((k) => held.includes(k)),
      cat: w?.cat ?? -1,
      obj: w?.obj ?? '',
      detail: w?.detail ?? '',
      loc: w?.loc ?? '',
      since: w?.t ?? NaN,
      alive: l.alive,
    };
  }

  /** "process 41 holds lock A and waits for lock B; process 42 holds B and waits for A". */
  private clauses(steps: DeadlockStep[]): string {
    const named = new Set<string>();
    const name = (key: string, cat: number): string => {
      if (named.has(key)) return this.short(key);
      named.add(key);
      return this.describe(key, cat);
    };
    return steps
      .map((s) => {
        const holds = s.holds.map((k) => name(k, Cat.WaitLock)).join(' and ');
        if (!s.alive) return `${s.label} exited while holding ${holds || 'it'}`;
        const w: OpenWait = { span: 0, cat: s.cat, obj: s.obj, detail: s.detail, loc: s.loc, t: s.since };
        return `${s.label} ${holds ? `holds ${holds} and ` : ''}${this.waitPhrase(w, name)}`;
      })
      .join('; ');
  }

  private waitPhrase(w: OpenWait, name: (key: string, cat: number) => string): string {
    switch (w.cat) {
      case Cat.WaitJoin: {
        const t = this.graph.joinTarget(w);
        return t ? `waits for ${laneLabel(t.pid, t.tid)} to exit` : 'waits in join';
      }
      case Cat.WaitQueueGet:
        return `waits for an item from ${name(w.obj, w.cat)}`;
      case Cat.WaitQueuePut:
        return `waits for room in ${name(w.obj, w.cat)}`;
      case Cat.WaitRecv:
        return `waits for a message on ${name(w.obj, w.cat)}`;
      case Cat.WaitResult:
        return 'waits for a pool result';
      case Cat.WaitEvent:
      case Cat.WaitCondition:
      case Cat.WaitManager:
      case Cat.WaitLock:
      case Cat.WaitSemaphore:
        return w.obj ? `waits for ${name(w.obj, w.cat)}` : 'waits';
      default:
        return 'is blocked';
    }
  }

  private isLock(key: string): boolean {
    const t = this.graph.objs.get(key)?.type ?? -1;
    return t === -1 || t === ObjType.Lock || t === ObjType.RLock;
  }

  private describe(key: string, cat: number): string {
    return `${objTypeWord(this.graph.typeOf(key, cat))} ${this.short(key)}`;
  }

  private short(key: string): string {
    return this.graph.names.show(key, this.graph.objs.get(key)?.name ?? '');
  }
}

/** The cycle starting at the lane that has been waiting longest (then lowest pid), so the sentence reads in order. */
function rotate(cycle: LaneState[]): LaneState[] {
  let best = 0;
  for (let i = 1; i < cycle.length; i++) {
    const a = cycle[i];
    const b = cycle[best];
    if (a.blockedSince < b.blockedSince || (a.blockedSince === b.blockedSince && a.pid < b.pid)) best = i;
  }
  return [...cycle.slice(best), ...cycle.slice(0, best)];
}
