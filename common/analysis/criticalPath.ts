/**
 * Critical path of a run: the chain of work, waits and hand-offs that determined its wall time.
 * Walks backwards from the end of the root process: time a lane spent outside waits is on the path;
 * at a wait the path jumps to whoever ended it (lock hand-off, queue put, task result, exit); at a
 * pool task's start it jumps to the submit if the worker sat idle for it; a pool's join waits for
 * the pool's last task (if it was still running) and is otherwise just shutdown; at a lane's start,
 * the path jumps to the parent. A wait nobody explains stays on the path as waiting.
 */
import { Cat, isWait, Role } from '../schema';
import type { TraceView } from '../store/api';
import { ReleaseIndex, type Release } from './release';
import { fmtDuration, fmtPercent, laneLabel, ViewIndex } from './util';

/** A stretch of the path on one lane. */
export interface CriticalSegment {
  lane: number;
  pid: number;
  tid: number;
  from: number;
  to: number;
  /** `running` (the lane's own work, sleeps included) or `waiting` (a wait nobody on record ended). */
  kind: 'running' | 'waiting';
}

/** A jump of the path between lanes. */
export interface CriticalEdge {
  fromLane: number;
  toLane: number;
  /** When the earlier lane released the later one. */
  t: number;
  via: Release['via'] | 'submit' | 'spawn';
}

/** The critical path and where its time went. */
export interface CriticalPath {
  start: number;
  end: number;
  segments: CriticalSegment[];
  edges: CriticalEdge[];
  /** Time on the path per lane, largest first. */
  byLane: { lane: number; pid: number; tid: number; label: string; running: number; waiting: number }[];
  /** "critical path 4.00 s: process 43 1.20 s (30%), process 41 …". */
  summary: string;
}

interface LaneIdx {
  /** Wait span indices sorted by end. */
  waits: Int32Array;
  waitEnds: Float64Array;
  /** Tasks run on this lane, sorted by start. */
  tasks: { start: number; end: number; submit: number; submitLane: number; prevEnd: number }[];
}

/** Computes the critical path of the run (or of what was recorded so far). */
export function criticalPath(view: TraceView): CriticalPath {
  const ix = ViewIndex.of(view);
  const rel = ReleaseIndex.of(ix);
  const idx = buildIndex(ix);
  const lastTaskOf = new Map<string, { lane: number; end: number }>();
  for (const r of view.tasks()) {
    const w = ix.lane(r.workerPid, 0);
    const p = lastTaskOf.get(r.pool);
    if (w >= 0 && Number.isFinite(r.end) && (!p || r.end > p.end)) lastTaskOf.set(r.pool, { lane: w, end: r.end });
  }
  const root = ix.lanes.find((l) => l.role === Role.Root && l.tid === 0) ?? ix.lanes[0];
  const segments: CriticalSegment[] = [];
  const edges: CriticalEdge[] = [];
  if (!root) return { start: 0, end: 0, segments, edges, byLane: [], summary: 'nothing recorded' };
  const end = Math.max(...ix.lanes.map((l) => ix.laneEnd(l.id)));
  const begin = Math.min(...ix.lanes.map((l) => ix.laneStart(l.id)));
  const seg = (lane: number, from: number, to: number, kind: CriticalSegment['kind']): void => {
    if (to > from) segments.push({ lane, pid: ix.lanes[lane].pid, tid: ix.lanes[lane].tid, from, to, kind });
  };
  // The lane that finished last ends the run; prefer the root when it ends at the same time.
  let lane =
    ix.laneEnd(root.id) >= end
      ? root.id
      : ix.lanes.reduce((a, l) => (ix.laneEnd(l.id) > ix.laneEnd(a) ? l.id : a), root.id);
  let t = ix.laneEnd(lane);
  // Time only goes backwards along the path, so each wait or task is used at most once: these are
  // per lane the highest wait / task index still eligible.
  const waitLimit = idx.map((li) => li.waits.length - 1);
  const taskLimit = idx.map((li) => li.tasks.length - 1);
  const maxSteps = 4 * (idx.reduce((n, li) => n + li.waits.length + li.tasks.length, 0) + ix.lanes.length) + 16;
  for (let step = 0; step < maxSteps; step++) {
    const li = idx[lane];
    const s = view.spans(lane);
    const wi = Math.min(lastAtOrBefore(li.waitEnds, t), waitLimit[lane]);
    const waitEnd = wi >= 0 ? li.waitEnds[wi] : -Infinity;
    let ti = taskLimit[lane];
    while (ti >= 0 && li.tasks[ti].start > t) ti--;
    const taskStart = ti >= 0 ? li.tasks[ti].start : -Infinity;
    const laneStart = ix.laneStart(lane);
    if (waitEnd === -Infinity && taskStart === -Infinity) {
      seg(lane, laneStart, t, 'running');
      const l = ix.lanes[lane];
      const from = l.tid !== 0 ? ix.lane(l.pid, 0) : ix.lane(l.ppid, 0);
      if (from < 0 || from === lane || laneStart <= begin) break;
      edges.push({ fromLane: from, toLane: lane, t: laneStart, via: 'spawn' });
      [lane, t] = [from, laneStart];
      continue;
    }
    if (waitEnd >= taskStart) {
      waitLimit[lane] = wi - 1;
      const i = li.waits[wi];
      seg(lane, waitEnd, t, 'running');
      const start = s.start[i];
      const obj = view.str(s.obj[i]);
      const pool = s.cat[i] === Cat.WaitJoin ? lastTaskOf.get(obj) : undefined;
      // Joining a pool: workers exit once their last task is done; any exit after that is shutdown.
      const r = pool
        ? pool.end > start && pool.lane !== lane
          ? { lane: pool.lane, t: pool.end, via: 'task' as const, obj }
          : null
        : rel.releaser(lane, s.cat[i], obj, view.str(s.detail[i]), start, waitEnd);
      if (r && r.lane !== lane) {
        const at = Math.max(start, Math.min(r.t, waitEnd));
        edges.push({ fromLane: r.lane, toLane: lane, t: at, via: r.via });
        seg(lane, at, waitEnd, 'waiting');
        [lane, t] = [r.lane, at];
      } else {
        seg(lane, start, waitEnd, 'waiting');
        t = start;
      }
      continue;
    }
    taskLimit[lane] = ti - 1;
    const task = li.tasks[ti];
    seg(lane, taskStart, t, 'running');
    if (task.submitLane >= 0 && task.submitLane !== lane && task.submit >= task.prevEnd) {
      edges.push({ fromLane: task.submitLane, toLane: lane, t: task.submit, via: 'submit' });
      seg(lane, task.submit, taskStart, 'waiting');
      [lane, t] = [task.submitLane, task.submit];
    } else t = taskStart;
  }
  segments.reverse();
  edges.reverse();
  return { start: begin, end, segments, edges, ...summarise(ix, segments, end - begin) };
}

function summarise(ix: ViewIndex, segments: CriticalSegment[], wall: number): Pick<CriticalPath, 'byLane' | 'summary'> {
  const m = new Map<number, { running: number; waiting: number }>();
  for (const s of segments) {
    let e = m.get(s.lane);
    if (!e) m.set(s.lane, (e = { running: 0, waiting: 0 }));
    e[s.kind] += s.to - s.from;
  }
  const byLane = [...m]
    .map(([lane, e]) => ({
      lane,
      pid: ix.lanes[lane].pid,
      tid: ix.lanes[lane].tid,
      label: laneLabel(ix.lanes[lane].pid, ix.lanes[lane].tid),
      ...e,
    }))
    .sort((a, b) => b.running + b.waiting - (a.running + a.waiting));
  const parts = byLane.slice(0, 4).map((l) => {
    const ns = l.running + l.waiting;
    return `${l.label} ${fmtDuration(ns)} (${fmtPercent(wall > 0 ? ns / wall : 0)}${l.waiting > 0 ? `, ${fmtDuration(l.waiting)} of it waiting` : ''})`;
  });
  return { byLane, summary: `critical path ${fmtDuration(wall)}: ${parts.join(', ')}` };
}

function buildIndex(ix: ViewIndex): LaneIdx[] {
  const out: LaneIdx[] = ix.lanes.map((l) => {
    const s = ix.view.spans(l.id);
    const list: number[] = [];
    for (let i = 0; i < s.count; i++) if (isWait(s.cat[i])) list.push(i);
    list.sort((a, b) => s.end[a] - s.end[b]);
    const waits = Int32Array.from(list);
    const waitEnds = Float64Array.from(list, (i) => s.end[i]);
    return { waits, waitEnds, tasks: [] };
  });
  for (const r of ix.view.tasks()) {
    const w = ix.lane(r.workerPid, 0);
    if (w < 0 || !Number.isFinite(r.start)) continue;
    out[w].tasks.push({
      start: r.start,
      end: r.end,
      submit: r.submit,
      submitLane: ix.lane(r.submitPid, 0),
      prevEnd: -Infinity,
    });
  }
  for (const li of out) {
    li.tasks.sort((a, b) => a.start - b.start);
    // Until its previous task ended the worker could not have started this one, submitted or not.
    for (let k = 1; k < li.tasks.length; k++) li.tasks[k].prevEnd = li.tasks[k - 1].end;
  }
  return out;
}

/** Index of the last value ≤ t in an ascending array, or -1. */
function lastAtOrBefore(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
