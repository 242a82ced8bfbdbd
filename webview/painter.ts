/**
 * The thin canvas painter: draws one frame of rows (lanes, lock lanes, queue-depth charts) for the
 * time window [t0, t1] from the trace, using the pure merge module (`merge.ts`). Returns a
 * report of what it drew (the read-only debug hook and the tests read it).
 */
import type { TraceView } from '../common/store/api';
import { Cat, Role } from '../common/schema';
import { taskLabel, type Row } from './layout';
import { MAX_DEPTH, mergeSpans, overlapIter, type RectSink } from './merge';
import { bucketPx, emitLod, type LaneLod } from './lod';
import { paintCpu, paintLocks, paintMarkers, paintPoints, paintQueues } from './paintRows';
import { STATE_COUNT, State, stateOfCat } from './states';
import type { Theme } from './theme';

/** Everything one frame needs. */
export interface Frame {
  view: TraceView;
  rows: readonly Row[];
  t0: number;
  t1: number;
  width: number;
  height: number;
  theme: Theme;
  /** Time positions of the axis ticks, for grid lines. */
  ticks: readonly number[];
  /** Whether the run is still going (open spans grow to now, a "now" line is drawn). */
  live: boolean;
  /** Level-of-detail buckets of a big lane, if it has them. */
  lod?: (lane: number) => LaneLod | undefined;
}

/** What a frame drew. */
export interface DrawReport {
  /** Rectangles filled for spans (after merging). */
  rects: number;
  /** Rectangles per `State`. */
  byState: number[];
  /** Closed spans considered (sum of visible index ranges). */
  spans: number;
  /** Task labels written, in drawing order (first 200). */
  labels: string[];
  /** Lock lanes: holder segments drawn per lock key. */
  lockHolds: Record<string, number>;
  /** Queue rows: steps drawn per queue key and the largest depth shown. */
  queues: Record<string, { steps: number; max: number; capacity: number }>;
  /** Crash markers written ("SIGKILL", "exit 1"). */
  crashes: string[];
  /** Lanes drawn from level-of-detail buckets. */
  lodLanes: number;
  ms: number;
}

// Reused rectangle buffers (x0, x1, y, h) bucketed by depth and state.
let cap = 4096;
let rx0 = new Float32Array(cap);
let rx1 = new Float32Array(cap);
let rkey = new Uint16Array(cap);
let rn = 0;
const bucketCount = new Int32Array(MAX_DEPTH * STATE_COUNT + 1);
let order = new Int32Array(cap);

function pushRect(x0: number, x1: number, key: number): void {
  if (rn === cap) {
    cap *= 2;
    const g = <T extends Float32Array | Uint16Array>(a: T, C: new (n: number) => T): T => {
      const b = new C(cap);
      b.set(a);
      return b;
    };
    rx0 = g(rx0, Float32Array);
    rx1 = g(rx1, Float32Array);
    rkey = g(rkey, Uint16Array);
    order = new Int32Array(cap);
  }
  rx0[rn] = x0;
  rx1[rn] = x1;
  rkey[rn] = key;
  rn++;
}

/** Paints a frame on `ctx` (already scaled to CSS pixels). */
export function paint(ctx: CanvasRenderingContext2D, f: Frame): DrawReport {
  const began = performance.now();
  const { view, theme, width, t0, t1 } = f;
  const k = width / Math.max(1, t1 - t0);
  const X = (t: number): number => (t - t0) * k;
  const report: DrawReport = {
    rects: 0,
    byState: new Array(STATE_COUNT).fill(0),
    spans: 0,
    labels: [],
    lockHolds: {},
    queues: {},
    crashes: [],
    lodLanes: 0,
    ms: 0,
  };
  ctx.clearRect(0, 0, width, f.height);
  ctx.fillStyle = theme.grid;
  for (const t of f.ticks) ctx.fillRect(Math.round(X(t)), 0, 1, f.height);

  const now = view.now;
  const lanes = view.lanes();
  const open = view.openSpans();
  const tasks = view.tasks();
  const holds: { obj: number; lane: number; x0: number; x1: number }[] = [];
  ctx.font = '11px sans-serif';
  ctx.textBaseline = 'middle';

  for (const row of f.rows) {
    if (row.kind !== 'lane') continue;
    const lane = lanes[row.lane];
    if (!lane) continue;
    const y = row.y + 2;
    const h = row.h - 7;
    const ls = Number.isNaN(lane.start) ? 0 : lane.start;
    const le = Number.isNaN(lane.end) ? now : lane.end;
    // Lifetime: idle-in-pool for workers, a faint track otherwise; "exited" after the end.
    if (lane.role === Role.PoolWorker) ctx.fillStyle = theme.fills[State.Idle];
    else ctx.fillStyle = theme.grid;
    ctx.fillRect(X(ls), y, X(le) - X(ls), h);
    if (!Number.isNaN(lane.end) && lane.end < now) {
      ctx.fillStyle = theme.fills[State.Exited];
      ctx.fillRect(X(lane.end), y + h / 3, X(now) - X(lane.end), h / 3);
    }

    const cols = view.spans(lane.id);
    rn = 0;
    const labelIdx: number[] = [];
    const sink: RectSink = (x0, x1, d, cat, i, merged) => {
      if (cat === Cat.Hold) {
        holds.push({ obj: cols.obj[i], lane: lane.id, x0, x1 });
        return;
      }
      pushRect(x0, x1, d * STATE_COUNT + stateOfCat(cat));
      if (merged === 1 && cat === Cat.Task && x1 - x0 > 36) labelIdx.push(i, x0, x1);
    };
    const lod = f.lod?.(lane.id);
    let from = t0;
    if (lod && bucketPx(lod, k) <= 1) {
      // Zoomed out on a big lane: draw the buckets, then whatever came after they were built.
      emitLod(lod, t0, k, width, sink);
      report.lodLanes++;
      from = Math.max(t0, lod.t1);
    }
    if (from < t1) {
      const each = overlapIter(view, lane.id, from, t1);
      const tail = from > t0;
      mergeSpans(
        cols,
        (visit) => each((i) => (tail && cols.start[i] < from ? undefined : (report.spans++, visit(i)))),
        t0,
        k,
        width,
        sink,
      );
    }
    for (const o of open) {
      if (o.lane !== lane.id || o.start > t1) continue;
      const x0 = Math.max(-1, X(o.start));
      const x1 = Math.min(width + 1, X(le));
      if (o.cat === Cat.Hold) continue;
      pushRect(x0, Math.max(x1, x0 + 1), Math.min(o.depth, MAX_DEPTH - 1) * STATE_COUNT + stateOfCat(o.cat));
    }
    // Counting sort by (depth, state): deeper spans on top, one fillStyle per bucket.
    bucketCount.fill(0);
    for (let i = 0; i < rn; i++) bucketCount[rkey[i] + 1]++;
    for (let b = 1; b < bucketCount.length; b++) bucketCount[b] += bucketCount[b - 1];
    for (let i = 0; i < rn; i++) order[bucketCount[rkey[i]]++] = i;
    let cur = -1;
    for (let j = 0; j < rn; j++) {
      const i = order[j];
      const key = rkey[i];
      const d = (key / STATE_COUNT) | 0;
      const s = key % STATE_COUNT;
      if (key !== cur) {
        ctx.fillStyle = theme.fills[s];
        cur = key;
      }
      const inset = Math.min(d, 3) * 3;
      ctx.fillRect(rx0[i], y + inset, rx1[i] - rx0[i], h - inset);
      if (theme.contrast && rx1[i] - rx0[i] > 3) {
        ctx.strokeStyle = theme.contrast;
        ctx.lineWidth = 1;
        ctx.strokeRect(rx0[i] + 0.5, y + inset + 0.5, rx1[i] - rx0[i] - 1, h - inset - 1);
        cur = -1;
      }
      report.byState[s]++;
    }
    report.rects += rn;
    // Task labels: fn(args), clipped to the span.
    ctx.fillStyle = theme.kind.endsWith('light') ? '#ffffff' : '#000000';
    for (let j = 0; j < labelIdx.length; j += 3) {
      const row2 = cols.task[labelIdx[j]];
      const task = row2 >= 0 ? tasks[row2] : undefined;
      const text = task ? taskLabel(task.fn, task.args) : view.str(cols.name[labelIdx[j]]);
      const x0 = Math.max(0, labelIdx[j + 1]) + 3;
      const x1 = Math.min(width, labelIdx[j + 2]) - 3;
      if (x1 - x0 < 20) continue;
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0, y, x1 - x0, h);
      ctx.clip();
      ctx.fillText(text, x0, y + h / 2 + 1);
      ctx.restore();
      if (report.labels.length < 200) report.labels.push(text);
    }
    paintCpu(ctx, f, lane.id, row.y + row.h - 4, X);
    paintMarkers(ctx, f, lane, y, h, X, report);
  }
  paintPoints(ctx, f, X);
  paintLocks(ctx, f, holds, X, report);
  paintQueues(ctx, f, X, report);
  const run = view.run();
  if (Number.isFinite(run.end) && run.end > 0 && !f.live) {
    ctx.fillStyle = theme.fg;
    ctx.fillRect(Math.round(X(run.end)), 0, 2, f.height);
  } else if (f.live) {
    ctx.fillStyle = theme.focus;
    ctx.fillRect(Math.round(X(now)), 0, 1, f.height);
  }
  report.ms = performance.now() - began;
  return report;
}
