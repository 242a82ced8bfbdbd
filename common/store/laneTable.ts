/**
 * Lanes of a trace: one per process (tid 0) and one per thread, created by ProcStart/ThreadStart
 * or by the first event of a (pid, tid) never seen before, with dense ids in order of appearance.
 * `tree()` orders them for display: each process, then its threads, then its child processes.
 */
import type { Lane, LaneTreeRow } from './api';
import { Role } from '../schema';

/** Lanes by id and by (pid, tid). */
export class LaneTable {
  readonly list: Lane[] = [];
  private readonly byPid = new Map<number, Map<number, number>>();
  private treeCache: LaneTreeRow[] | undefined;
  private lastPid = NaN;
  private lastTid = NaN;
  private lastLane = -1;

  /** Id of the lane (pid, tid), creating it (and its process lane) at time `t` if new. */
  ensure(pid: number, tid: number, t: number): number {
    // Records come in runs from one lane: remember the last one.
    if (pid === this.lastPid && tid === this.lastTid) return this.lastLane;
    const id = this.lookup(pid, tid, t);
    this.lastPid = pid;
    this.lastTid = tid;
    this.lastLane = id;
    return id;
  }

  private lookup(pid: number, tid: number, t: number): number {
    let threads = this.byPid.get(pid);
    if (threads === undefined) {
      threads = new Map();
      this.byPid.set(pid, threads);
    }
    const id = threads.get(tid);
    if (id !== undefined) return id;
    if (tid !== 0) this.ensure(pid, 0, t);
    const proc = tid === 0 ? undefined : this.list[threads.get(0)!];
    const lane: Lane = {
      id: this.list.length,
      pid,
      tid,
      name: tid === 0 ? `pid ${pid}` : `thread ${tid}`,
      ppid: tid === 0 ? 0 : pid,
      role: proc ? proc.role : Role.Other,
      start: t,
      end: NaN,
      exitCode: NaN,
      signal: '',
    };
    this.list.push(lane);
    threads.set(tid, lane.id);
    this.treeCache = undefined;
    return lane.id;
  }

  /** Id of lane (pid, tid), or -1. */
  find(pid: number, tid: number): number {
    return this.byPid.get(pid)?.get(tid) ?? -1;
  }

  /** Ids of every lane of a process (main thread first). */
  ofPid(pid: number): number[] {
    const threads = this.byPid.get(pid);
    return threads ? [...threads.values()] : [];
  }

  /** Sets a process's parent, name and role (threads of it inherit the role). */
  setProcess(pid: number, ppid: number, name: string, role: number, t: number): void {
    const id = this.ensure(pid, 0, t);
    const lane = this.list[id];
    lane.ppid = ppid;
    if (name) lane.name = name;
    lane.role = role;
    lane.start = t;
    for (const other of this.ofPid(pid)) this.list[other].role = role;
    this.treeCache = undefined;
  }

  /** Lanes in display order: each process, its threads, then its children, by start time. */
  tree(): readonly LaneTreeRow[] {
    if (this.treeCache) return this.treeCache;
    const procs = this.list.filter((l) => l.tid === 0);
    const known = new Set(procs.map((l) => l.pid));
    const children = new Map<number, Lane[]>();
    for (const p of procs) {
      const parent = p.ppid !== p.pid && known.has(p.ppid) ? p.ppid : 0;
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent)!.push(p);
    }
    const byStart = (a: Lane, b: Lane): number => (a.start || 0) - (b.start || 0) || a.pid - b.pid || a.tid - b.tid;
    const out: LaneTreeRow[] = [];
    const seen = new Set<number>();
    const visit = (p: Lane, level: number): void => {
      if (seen.has(p.pid)) return;
      seen.add(p.pid);
      out.push({ lane: p.id, level });
      const threads = this.ofPid(p.pid)
        .map((id) => this.list[id])
        .filter((l) => l.tid !== 0)
        .sort(byStart);
      for (const t of threads) out.push({ lane: t.id, level: level + 1 });
      for (const c of (children.get(p.pid) ?? []).sort(byStart)) visit(c, level + 1);
    };
    for (const root of (children.get(0) ?? []).sort(byStart)) visit(root, 0);
    // Processes caught in a parent cycle (bad data) still get a row.
    for (const p of procs.sort(byStart)) visit(p, 0);
    this.treeCache = out;
    return out;
  }

  /** Adds `d` to every lane's start and end (the store's origin moved). */
  shiftTimes(d: number): void {
    for (const l of this.list) {
      l.start += d;
      l.end += d;
    }
  }

  /** Forgets the cached display order (a lane's start changed). */
  invalidate(): void {
    this.treeCache = undefined;
  }
}
