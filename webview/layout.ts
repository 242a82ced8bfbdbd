/**
 * Pure layout for the chart: which rows exist and where (process lanes nested under their parent
 * with threads inside, then lock lanes, then queue-depth charts), the row under a y, step-series
 * lookup and the short texts of durations and task labels. No DOM: unit-tested in Node. Span
 * merging and hit-testing are in `merge.ts`.
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
