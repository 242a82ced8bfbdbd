/**
 * Pure layout and hit-testing for the chart: which rows exist and where (process lanes nested under
 * their parent with threads inside, then lock lanes, then queue-depth charts), which spans of a
 * lane are drawn as which rectangles (spans narrower than a pixel merged), and what lies under the
 * pointer. No DOM: unit-tested in Node, used by the painter and the interaction layer.
 */
import type { Lane, TraceObject } from '../common/store/api';
import { ObjType } from '../common/schema';

/** What a row shows. */
export type RowKind = 'lane' | 'lock' | 'queue';

/** One horizontal band of the chart. */
export interface Row {
  kind: RowKind;
  /** Stable key (for keeping the keyboard focus across relayouts). */
  key: string;
  /** Lane id for `lane` rows, -1 otherwise. */
  lane: number;
  /** Object key for `lock` / `queue` rows, '' otherwise. */
  obj: string;
  label: string;
  /** Secondary text: PID/TID, or capacity. */
  sub: string;
  /** Nesting level (0 = root process). */
  indent: number;
  y: number;
  h: number;
}

/** Row heights in CSS pixels. */
export const ROW_H: Readonly<Record<RowKind, number>> = { lane: 24, lock: 28, queue: 44 };

const LOCK_TYPES = new Set<number>([ObjType.Lock, ObjType.RLock, ObjType.Semaphore]);

/** Process lanes in tree order (children after their parent, by start time), each with its threads after it. */
export function orderLanes(lanes: readonly Lane[]): { lane: Lane; indent: number }[] {
  const procs = lanes.filter((l) => l.tid === 0);
  const pids = new Set(procs.map((p) => p.pid));
  const byStart = (a: Lane, b: Lane): number =>
    (Number.isNaN(a.start) ? Infinity : a.start) - (Number.isNaN(b.start) ? Infinity : b.start) ||
    a.pid - b.pid ||
    a.tid - b.tid;
  const children = new Map<number, Lane[]>();
  const roots: Lane[] = [];
  for (const p of procs) {
    if (p.ppid !== p.pid && pids.has(p.ppid)) {
      const list = children.get(p.ppid) ?? [];
      list.push(p);
      children.set(p.ppid, list);
    } else roots.push(p);
  }
  const threads = new Map<number, Lane[]>();
  const orphanThreads: Lane[] = [];
  for (const l of lanes) {
    if (l.tid === 0) continue;
    if (!pids.has(l.pid)) orphanThreads.push(l);
    else threads.set(l.pid, [...(threads.get(l.pid) ?? []), l]);
  }
  const out: { lane: Lane; indent: number }[] = [];
  const seen = new Set<number>();
  const visit = (p: Lane, indent: number): void => {
    if (seen.has(p.pid)) return;
    seen.add(p.pid);
    out.push({ lane: p, indent });
    for (const t of (threads.get(p.pid) ?? []).sort(byStart)) out.push({ lane: t, indent: indent + 1 });
    for (const c of (children.get(p.pid) ?? []).sort(byStart)) visit(c, indent + 1);
  };
  for (const r of roots.sort(byStart)) visit(r, 0);
  for (const t of orphanThreads.sort(byStart)) out.push({ lane: t, indent: 0 });
  return out;
}

/** All rows of the chart, stacked from y = 0. */
export function buildRows(lanes: readonly Lane[], objects: readonly TraceObject[]): Row[] {
  const rows: Row[] = [];
  let y = 0;
  const push = (r: Omit<Row, 'y' | 'h'>): void => {
    const h = ROW_H[r.kind];
    rows.push({ ...r, y, h });
    y += h;
  };
  for (const { lane, indent } of orderLanes(lanes)) {
    const sub = lane.tid === 0 ? `PID ${lane.pid}` : `TID ${lane.tid} · PID ${lane.pid}`;
    push({
      kind: 'lane',
      key: `lane:${lane.pid}:${lane.tid}`,
      lane: lane.id,
      obj: '',
      label: lane.name || sub,
      sub,
      indent,
    });
  }
  for (const o of objects) {
    if (LOCK_TYPES.has(o.type)) {
      const sub =
        o.type === ObjType.Semaphore ? `semaphore(${o.capacity})` : o.type === ObjType.RLock ? 'rlock' : 'lock';
      push({ kind: 'lock', key: `lock:${o.key}`, lane: -1, obj: o.key, label: o.name || o.key, sub, indent: 0 });
    }
  }
  for (const o of objects) {
    if (o.type === ObjType.Queue) {
      const sub = o.capacity > 0 ? `maxsize ${o.capacity}` : 'unbounded';
      push({ kind: 'queue', key: `queue:${o.key}`, lane: -1, obj: o.key, label: o.name || o.key, sub, indent: 0 });
    }
  }
  return rows;
}

/** Total height of the rows. */
export function rowsHeight(rows: readonly Row[]): number {
  const last = rows[rows.length - 1];
  return last ? last.y + last.h : 0;
}

/** Index of the row under `y`, or -1 (binary search: rows are stacked in order). */
export function rowAt(rows: readonly Row[], y: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid];
    if (y < r.y) hi = mid - 1;
    else if (y >= r.y + r.h) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Columns of one lane's spans that the merge and hit-test need (a subset of `SpanColumns`). */
export interface SpanCols {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly depth: Uint8Array;
  readonly cat: Uint8Array;
}

/** Receives the rectangles to draw: x in CSS pixels, the span index of the first span merged in, how many were merged. */
export type RectSink = (x0: number, x1: number, depth: number, cat: number, index: number, merged: number) => void;

/** Deepest nesting level that gets its own merge run; deeper spans share the last one. */
export const MAX_DEPTH = 8;

/**
 * Turns a left-to-right stream of rectangles per depth into what is worth drawing: material
 * narrower than a pixel is gathered until it fills a pixel and drawn as one rectangle in the
 * category that covered most of it; neighbouring gathered pixels of the same category join into one
 * rectangle. Rectangles of a pixel or more pass through unchanged. One instance per frame.
 */
export class PixelMerger {
  private readonly accX0 = new Float64Array(MAX_DEPTH);
  private readonly accX1 = new Float64Array(MAX_DEPTH);
  private readonly accCat = new Int32Array(MAX_DEPTH).fill(-1);
  private readonly accIdx = new Int32Array(MAX_DEPTH);
  private readonly accN = new Int32Array(MAX_DEPTH);
  private readonly accLong = new Float64Array(MAX_DEPTH);
  private readonly coX0 = new Float64Array(MAX_DEPTH);
  private readonly coX1 = new Float64Array(MAX_DEPTH);
  private readonly coCat = new Int32Array(MAX_DEPTH).fill(-1);
  private readonly coIdx = new Int32Array(MAX_DEPTH);
  private readonly coN = new Int32Array(MAX_DEPTH);
  /** Rectangles emitted. */
  emitted = 0;

  constructor(private readonly sink: RectSink) {}

  /** Adds [x0, x1) of category `cat` standing for `n` spans (the first being `idx`) at depth `d`. */
  add(x0: number, x1: number, d: number, cat: number, idx: number, n: number): void {
    const w = x1 - x0;
    if (this.accCat[d] >= 0) {
      if (x0 <= this.accX1[d] + 1 && this.accX1[d] - this.accX0[d] < 1) {
        if (x1 > this.accX1[d]) this.accX1[d] = x1;
        if (w > this.accLong[d]) {
          this.accLong[d] = w;
          this.accCat[d] = cat;
          this.accIdx[d] = idx;
        }
        this.accN[d] += n;
        return;
      }
      this.finalize(d);
    }
    if (w < 1) {
      this.accX0[d] = x0;
      this.accX1[d] = x1;
      this.accCat[d] = cat;
      this.accIdx[d] = idx;
      this.accN[d] = n;
      this.accLong[d] = w;
      return;
    }
    this.flushCo(d);
    this.sink(x0, x1, d, cat, idx, n);
    this.emitted++;
  }

  /** Emits everything still gathered. */
  finish(): void {
    for (let d = 0; d < MAX_DEPTH; d++) {
      if (this.accCat[d] >= 0) this.finalize(d);
      this.flushCo(d);
    }
  }

  private finalize(d: number): void {
    const x0 = this.accX0[d];
    const x1 = Math.max(this.accX1[d], x0 + 1);
    const cat = this.accCat[d];
    this.accCat[d] = -1;
    if (this.coCat[d] === cat && x0 <= this.coX1[d] + 0.5) {
      if (x1 > this.coX1[d]) this.coX1[d] = x1;
      this.coN[d] += this.accN[d];
      return;
    }
    this.flushCo(d);
    this.coX0[d] = x0;
    this.coX1[d] = x1;
    this.coCat[d] = cat;
    this.coIdx[d] = this.accIdx[d];
    this.coN[d] = this.accN[d];
  }

  private flushCo(d: number): void {
    if (this.coCat[d] < 0) return;
    this.sink(this.coX0[d], this.coX1[d], d, this.coCat[d], this.coIdx[d], this.coN[d]);
    this.coCat[d] = -1;
    this.emitted++;
  }
}

/** Visits span indices in increasing order (a range, or the store's block-skipping `forEachSpan`). */
export type SpanIter = (visit: (i: number) => void) => void;

/** Iterates the index range [lo, hi). */
export function rangeIter(lo: number, hi: number): SpanIter {
  return (visit) => {
    for (let i = lo; i < hi; i++) visit(i);
  };
}

/**
 * Turns the spans that `iter` visits into rectangles for x = (t - t0) * pxPerNs, clipped to
 * [-1, width + 1], merging spans narrower than a pixel (`PixelMerger`), so a frame draws at most
 * about one rectangle per pixel column and depth whatever the zoom. Returns the number of rectangles.
 */
export function mergeSpans(
  cols: SpanCols,
  iter: SpanIter,
  t0: number,
  pxPerNs: number,
  width: number,
  sink: RectSink,
): number {
  const m = new PixelMerger(sink);
  const { start, end, depth, cat } = cols;
  iter((i) => {
    let x0 = (start[i] - t0) * pxPerNs;
    let x1 = (end[i] - t0) * pxPerNs;
    if (x1 < -1 || x0 > width + 1) return;
    if (x0 < -1) x0 = -1;
    if (x1 > width + 1) x1 = width + 1;
    m.add(x0, x1, depth[i] < MAX_DEPTH ? depth[i] : MAX_DEPTH - 1, cat[i], i, 1);
  });
  m.finish();
  return m.emitted;
}

/**
 * The span among those `iter` visits that lies under time `t`: the deepest one containing it,
 * else the nearest one within `tolNs` (for spans too thin to aim at). Returns the index or -1.
 */
export function hitSpan(cols: SpanCols, iter: SpanIter, t: number, tolNs: number): number {
  let best = -1;
  let bestDepth = -1;
  let near = -1;
  let nearDist = Infinity;
  iter((i) => {
    const s = cols.start[i];
    const e = cols.end[i];
    if (s <= t && t <= e) {
      if (cols.depth[i] >= bestDepth) {
        best = i;
        bestDepth = cols.depth[i];
      }
    } else {
      const dist = t < s ? s - t : t - e;
      if (dist <= tolNs && dist < nearDist) {
        near = i;
        nearDist = dist;
      }
    }
  });
  return best >= 0 ? best : near;
}

/** The spans of `lane` overlapping [t0, t1], skipping blocks that ended earlier when the store can. */
export function overlapIter(
  view: { spanRange(lane: number, t0: number, t1: number): [number, number] },
  lane: number,
  t0: number,
  t1: number,
): SpanIter {
  const fast = (view as { forEachSpan?: (lane: number, t0: number, t1: number, fn: (i: number) => void) => void })
    .forEachSpan;
  if (typeof fast === 'function') return (visit) => fast.call(view, lane, t0, t1, visit);
  const [lo, hi] = view.spanRange(lane, t0, t1);
  return rangeIter(lo, hi);
}

/** Index of the last step of a step series at or before `t` (-1 if `t` precedes it). */
export function stepIndex(t: Float64Array, count: number, at: number): number {
  let lo = 0;
  let hi = count - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= at) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** A duration in ns as a short human string ("1.23 s", "12.4 ms", "56 µs", "800 ns"). */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns === 0) return '0';
  const a = Math.abs(ns);
  const fmt = (v: number, unit: string): string => `${Number(v.toPrecision(3))} ${unit}`;
  if (a >= 1e9) return fmt(ns / 1e9, 's');
  if (a >= 1e6) return fmt(ns / 1e6, 'ms');
  if (a >= 1e3) return fmt(ns / 1e3, 'µs');
  return `${Math.round(ns)} ns`;
}

/** A short form of a pool task's arguments for labels ("fn(1, 'a', …)"), at most `max` characters. */
export function taskLabel(fn: string, args: string, max = 40): string {
  const inner = args.length > max ? `${args.slice(0, max - 1)}…` : args;
  return `${fn || 'task'}(${inner})`;
}
