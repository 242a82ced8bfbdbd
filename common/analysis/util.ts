/**
 * Small helpers shared by the analyses: time ranges, percentiles, human wording of lanes, objects and
 * durations, and a lane lookup by (pid, tid).
 */
import { CATEGORIES } from '../categories';
import { Cat, ObjType, Role } from '../schema';
import type { Lane, TraceObject, TraceView } from '../store/api';

/** A time window in relative ns (as `TraceView` times); `t1` may be `Infinity`. */
export interface TimeRange {
  t0: number;
  t1: number;
}

/** A closed span of a lane (`index` into `view.spans(lane)`), or an open one (`index` = -1). */
export interface SpanRef {
  lane: number;
  index: number;
  start: number;
  end: number;
}

/** Whole run: everything. */
export const ALL_TIME: TimeRange = { t0: -Infinity, t1: Infinity };

/** The range to use: the one given, else the whole run. */
export function rangeOf(range?: TimeRange): TimeRange {
  return range ?? ALL_TIME;
}

/** Value at quantile q (0..1) of an ascending-sorted array; NaN when empty (nearest-rank). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const i = Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  return sorted[i];
}

/** Summary of a set of durations. */
export interface DurationStats {
  count: number;
  total: number;
  p50: number;
  p95: number;
  max: number;
}

/** Count, total, p50, p95 and max of `values[0..n)` (the array is sorted in place). */
export function durationStats(values: Float64Array, n = values.length): DurationStats {
  const v = n === values.length ? values : values.subarray(0, n);
  v.sort();
  let total = 0;
  for (let i = 0; i < n; i++) total += v[i];
  return { count: n, total, p50: quantile(v, 0.5), p95: quantile(v, 0.95), max: n ? v[n - 1] : NaN };
}

/** A growable Float64Array, for collecting durations without boxing. */
export class F64List {
  data = new Float64Array(16);
  length = 0;
  /** Appends one value. */
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

/** "1.23 s", "450 ms", "12.0 µs", "800 ns". */
export function fmtDuration(ns: number): string {
  if (!Number.isFinite(ns)) return '—';
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(a >= 1e10 ? 1 : 2)} s`;
  if (a >= 1e6) return `${trimZeros((ns / 1e6).toFixed(a >= 1e8 ? 0 : a >= 1e7 ? 1 : 2))} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${Math.round(ns)} ns`;
}

function trimZeros(x: string): string {
  return x.includes('.') ? x.replace(/\.?0+$/, '') : x;
}

/** "37%". */
export function fmtPercent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Word for an object type in sentences ("lock", "queue", ...). */
export function objTypeWord(type: number): string {
  switch (type) {
    case ObjType.Lock:
      return 'lock';
    case ObjType.RLock:
      return 'rlock';
    case ObjType.Semaphore:
      return 'semaphore';
    case ObjType.Event:
      return 'event';
    case ObjType.Condition:
      return 'condition';
    case ObjType.Queue:
      return 'queue';
    case ObjType.Pipe:
      return 'pipe';
    case ObjType.Value:
      return 'value';
    case ObjType.Array:
      return 'array';
    case ObjType.Pool:
      return 'pool';
    case ObjType.Manager:
      return 'manager';
    case ObjType.Barrier:
      return 'barrier';
    default:
      return 'object';
  }
}

/** The object type a wait category implies when the object was never declared. */
export function typeForWait(cat: number): number {
  return CATEGORIES[cat]?.object ?? ObjType.Lock;
}

/** What a wait category means, for sentences: "a lock", "an item from a queue", ... */
export function waitWord(cat: number): string {
  return CATEGORIES[cat]?.wait ?? 'wait';
}

/** "process 41", or "thread 3 of process 41". */
export function laneLabel(pid: number, tid: number): string {
  return tid === 0 ? `process ${pid}` : `thread ${tid} of process ${pid}`;
}

/**
 * Names counted so that objects declared with the same name (`a, b = Lock(), Lock()` gives two
 * "Lock"s) are told apart in sentences by the number their key ends with: "Lock#1", "Lock#2".
 */
export class NameTable {
  private readonly count = new Map<string, number>();

  /** Notes a declared name. */
  declare(name: string): void {
    if (name) this.count.set(name, (this.count.get(name) ?? 0) + 1);
  }

  /** The name to show for `key` declared as `name` ('' if undeclared: the key itself). */
  show(key: string, name: string): string {
    if (!name) return key;
    if ((this.count.get(name) ?? 0) < 2) return name;
    const n = /(\d+)$/.exec(key);
    return n ? `${name}#${n[1]}` : `${name} (${key})`;
  }
}

/** Lookups over a view's lanes and objects, built once per analysis call. */
export class ViewIndex {
  readonly lanes: readonly Lane[];
  private readonly byPidTid = new Map<number, Map<number, number>>();
  readonly objects = new Map<string, TraceObject>();
  private readonly names = new NameTable();

  /** The index of a view, cached per store version. */
  static of(view: TraceView): ViewIndex {
    return cached(view, 'index', () => new ViewIndex(view));
  }

  constructor(readonly view: TraceView) {
    this.lanes = view.lanes();
    for (const l of this.lanes) {
      let m = this.byPidTid.get(l.pid);
      if (!m) this.byPidTid.set(l.pid, (m = new Map()));
      m.set(l.tid, l.id);
    }
    for (const o of view.objects()) {
      this.objects.set(o.key, o);
      this.names.declare(o.name);
    }
  }

  /** Name of an object for tables and sentences (told apart from namesakes). */
  name(key: string): string {
    return this.names.show(key, this.objects.get(key)?.name ?? '');
  }

  /** Lane id of (pid, tid), or -1. */
  lane(pid: number, tid = 0): number {
    return this.byPidTid.get(pid)?.get(tid) ?? -1;
  }

  /** Declared type of an object key, else the type implied by `cat`. */
  typeOf(key: string, cat: number): number {
    return this.objects.get(key)?.type ?? typeForWait(cat);
  }

  /** "lock A" style reference to an object. */
  describe(key: string, cat = Cat.WaitLock): string {
    return `${objTypeWord(this.typeOf(key, cat))} ${this.name(key)}`;
  }

  /** True for pool worker lanes. */
  isWorker(lane: number): boolean {
    return this.lanes[lane]?.role === Role.PoolWorker;
  }

  /** End of a lane's life, or `now` while alive. */
  laneEnd(lane: number): number {
    const e = this.lanes[lane].end;
    return Number.isNaN(e) ? this.view.now : e;
  }

  /** Start of a lane's life (0 when unknown). */
  laneStart(lane: number): number {
    const s = this.lanes[lane].start;
    return Number.isNaN(s) ? 0 : s;
  }
}

/**
 * Calls `fn(i)` for each closed span of `lane` overlapping [t0, t1]. Uses the store's block-skipping
 * `forEachSpan` when it has one (a whole-run span makes `spanRange` start at 0).
 */
export function forEachOverlap(view: TraceView, lane: number, t0: number, t1: number, fn: (i: number) => void): void {
  const fast = (view as { forEachSpan?: (lane: number, t0: number, t1: number, fn: (i: number) => void) => void })
    .forEachSpan;
  if (fast) return fast.call(view, lane, t0, t1, fn);
  const s = view.spans(lane);
  const [lo, hi] = view.spanRange(lane, t0, t1);
  for (let i = lo; i < hi; i++) if (s.end[i] >= t0 && s.start[i] <= t1) fn(i);
}

const caches = new WeakMap<TraceView, Map<string, { version: number; value: unknown }>>();

/**
 * `build()` once per view and store version (`TraceStore.version`); rebuilt whenever the store
 * changed, and every time for views without a version.
 */
export function cached<T>(view: TraceView, slot: string, build: () => T): T {
  const version = (view as { version?: number }).version;
  if (version === undefined) return build();
  let m = caches.get(view);
  if (!m) caches.set(view, (m = new Map()));
  const hit = m.get(slot);
  if (hit && hit.version === version) return hit.value as T;
  const value = build();
  m.set(slot, { version, value });
  return value;
}
