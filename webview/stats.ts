/**
 * Pure statistics for the summary bar and the range selection: wall time, processes, tasks, CPU
 * utilisation, speed-up against running the tasks serially, and how much lane time each state
 * took inside a time range. Works on any `TraceView`; unit-tested in Node.
 */
import type { TraceView } from '../common/store/api';
import { Role } from '../common/schema';
import { STATE_COUNT, State, stateOfCat } from './states';

/** Numbers for the summary bar. */
export interface Summary {
  /** First lane start to the run's end (or now while live), ns. */
  wall: number;
  processes: number;
  threads: number;
  tasks: number;
  tasksDone: number;
  /** Integral of CPU samples over all lanes / wall: how many cores were busy on average; NaN without samples. */
  busyCores: number;
  /** Sum of task durations / wall; NaN without finished tasks. */
  speedup: number;
}

/** Computes the summary of a trace. */
export function summarize(view: TraceView): Summary {
  const lanes = view.lanes();
  let first = Infinity;
  for (const l of lanes) if (l.start < first) first = l.start;
  if (!Number.isFinite(first)) first = 0;
  const run = view.run();
  const end = Number.isFinite(run.end) && run.end > 0 ? run.end : view.now;
  const wall = Math.max(0, end - first);
  let cpuNs = 0;
  let sampled = false;
  for (const l of lanes) {
    const s = view.cpu(l.id);
    for (let i = 1; i < s.count; i++) {
      sampled = true;
      if (s.v[i] > 0) cpuNs += s.v[i] * (s.t[i] - s.t[i - 1]);
    }
  }
  let taskNs = 0;
  let done = 0;
  const tasks = view.tasks();
  for (const t of tasks) {
    if (Number.isFinite(t.start) && Number.isFinite(t.end)) {
      taskNs += t.end - t.start;
      done++;
    }
  }
  return {
    wall,
    processes: lanes.filter((l) => l.tid === 0).length,
    threads: lanes.filter((l) => l.tid !== 0).length,
    tasks: tasks.length,
    tasksDone: done,
    busyCores: sampled && wall > 0 ? cpuNs / wall : NaN,
    speedup: done > 0 && wall > 0 ? taskNs / wall : NaN,
  };
}

/** Statistics of a time range. */
export interface RangeStats {
  t0: number;
  t1: number;
  /** Lane-time (ns) spent in each `State` inside the range (innermost span wins). */
  byState: Float64Array;
  /** Pool tasks that ran (at least partly) inside the range. */
  tasks: number;
  /** Lanes alive in the range. */
  lanes: number;
  /** Integral of CPU samples inside the range / its length (cores busy on average); NaN without samples. */
  busyCores: number;
}

/**
 * Lane-time per state inside [t0, t1]. A span's time counts for its own state minus the time of
 * spans nested in it; alive time outside any span counts as idle for pool workers, running otherwise.
 */
export function rangeStats(view: TraceView, t0: number, t1: number): RangeStats {
  const byState = new Float64Array(STATE_COUNT);
  const clip = (s: number, e: number): number => Math.max(0, Math.min(e, t1) - Math.max(s, t0));
  const now = view.now;
  const open = view.openSpans();
  let alive = 0;
  for (const lane of view.lanes()) {
    const ls = Number.isNaN(lane.start) ? 0 : lane.start;
    const le = Number.isNaN(lane.end) ? now : lane.end;
    const life = clip(ls, le);
    if (life <= 0) continue;
    alive++;
    const cols = view.spans(lane.id);
    const [lo, hi] = view.spanRange(lane.id, t0, t1);
    const n = hi - lo;
    const laneOpen = open.filter((o) => o.lane === lane.id && o.start <= t1);
    const starts = new Float64Array(n + laneOpen.length);
    const ends = new Float64Array(n + laneOpen.length);
    const depths = new Uint8Array(n + laneOpen.length);
    const cats = new Uint8Array(n + laneOpen.length);
    for (let i = 0; i < n; i++) {
      starts[i] = cols.start[lo + i];
      ends[i] = cols.end[lo + i];
      depths[i] = cols.depth[lo + i];
      cats[i] = cols.cat[lo + i];
    }
    laneOpen.forEach((o, j) => {
      starts[n + j] = o.start;
      ends[n + j] = le;
      depths[n + j] = o.depth;
      cats[n + j] = o.cat;
    });
    const order = Array.from(starts.keys()).sort((a, b) => starts[a] - starts[b] || depths[a] - depths[b]);
    const parent: number[] = [];
    let covered = 0;
    for (const i of order) {
      const c = clip(starts[i], ends[i]);
      const d = depths[i];
      parent[d] = cats[i];
      if (c <= 0) continue;
      byState[stateOfCat(cats[i])] += c;
      if (d === 0) covered += c;
      else if (parent[d - 1] !== undefined) byState[stateOfCat(parent[d - 1])] -= c;
    }
    const rest = Math.max(0, life - covered);
    byState[lane.role === Role.PoolWorker ? State.Idle : State.Running] += rest;
  }
  let tasks = 0;
  for (const t of view.tasks()) {
    const e = Number.isFinite(t.end) ? t.end : now;
    if (Number.isFinite(t.start) && t.start <= t1 && e >= t0) tasks++;
  }
  for (let i = 0; i < byState.length; i++) if (byState[i] < 0) byState[i] = 0;
  let cpuNs = 0;
  let sampled = false;
  for (const lane of view.lanes()) {
    const s = view.cpu(lane.id);
    for (let i = 1; i < s.count; i++) {
      sampled = true;
      if (s.v[i] > 0) cpuNs += s.v[i] * clip(s.t[i - 1], s.t[i]);
    }
  }
  return { t0, t1, byState, tasks, lanes: alive, busyCores: sampled && t1 > t0 ? cpuNs / (t1 - t0) : NaN };
}
