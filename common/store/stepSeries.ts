/**
 * A step series built from time-stamped changes that may arrive out of order: each point either
 * reports the value (≥ 0, e.g. a queue depth the runtime knew) or moves it by a delta (a put or a
 * get when the depth was unknown). Points are kept sorted by time: in-order points are appended,
 * late ones are merged in one pass on the next read; values are recomputed from the first point
 * that changed.
 */
import type { Series } from './api';
import { grow } from './grow';

/** A series with no points. */
export const EMPTY_SERIES: Series = Object.freeze({ count: 0, t: new Float64Array(0), v: new Float64Array(0) });

/** Sorted points of one series plus the lazily computed values. */
export class StepSeries {
  private n = 0;
  private t = new Float64Array(16);
  /** Reported value, or NaN when the point only carries a delta. */
  private reported = new Float64Array(16);
  private delta = new Float64Array(16);
  private v = new Float64Array(16);
  private validFrom = 0;
  /** Points that arrived earlier than the last sorted one, waiting to be merged. */
  private late: { t: number; reported: number; delta: number; seq: number }[] = [];

  /** Number of points. */
  get count(): number {
    return this.n + this.late.length;
  }

  /** Adds a point: a reported value (pass NaN if unknown) and the delta to apply when it is not reported. */
  add(t: number, reported: number, delta: number): void {
    const n = this.n;
    if (n > 0 && this.t[n - 1] > t) {
      // Out of order (another connection lagging behind): merged in one pass when next read.
      this.late.push({ t, reported, delta, seq: this.late.length });
      return;
    }
    this.reserve(n + 1);
    this.t[n] = t;
    this.reported[n] = reported;
    this.delta[n] = delta;
    this.n = n + 1;
  }

  private reserve(need: number): void {
    const n = this.n;
    if (need <= this.t.length) return;
    this.t = grow(this.t, need, n);
    this.reported = grow(this.reported, need, n);
    this.delta = grow(this.delta, need, n);
    this.v = grow(this.v, need, Math.min(n, this.validFrom));
  }

  /** Merges the late points into the sorted columns (stable: equal times keep arrival order). */
  private merge(): void {
    const late = this.late.sort((a, b) => a.t - b.t || a.seq - b.seq);
    this.late = [];
    const n = this.n;
    const m = late.length;
    this.reserve(n + m);
    // Merge from the back so no temporary copy of the columns is needed.
    let i = n - 1;
    let j = m - 1;
    let k = n + m - 1;
    while (j >= 0) {
      if (i >= 0 && this.t[i] > late[j].t) {
        this.t[k] = this.t[i];
        this.reported[k] = this.reported[i];
        this.delta[k] = this.delta[i];
        i--;
      } else {
        this.t[k] = late[j].t;
        this.reported[k] = late[j].reported;
        this.delta[k] = late[j].delta;
        j--;
      }
      k--;
    }
    this.n = n + m;
    if (i + 1 < this.validFrom) this.validFrom = i + 1;
  }

  /** Adds `d` to every time (the store's origin moved). */
  shiftTimes(d: number): void {
    for (let i = 0; i < this.n; i++) this.t[i] += d;
    for (const p of this.late) p.t += d;
  }

  /** The series as sorted times and values (arrays may be longer than `count`). */
  view(): Series {
    if (this.late.length > 0) this.merge();
    if (this.validFrom < this.n) {
      let cur = this.validFrom > 0 ? this.v[this.validFrom - 1] : 0;
      for (let i = this.validFrom; i < this.n; i++) {
        const r = this.reported[i];
        cur = r === r ? r : cur + this.delta[i];
        this.v[i] = cur;
      }
      this.validFrom = this.n;
    }
    return { count: this.n, t: this.t, v: this.v };
  }
}

/** Step series by key (an object key, a lane id), created on first use. */
export class SeriesMap<K extends string | number> {
  private readonly map = new Map<K, StepSeries>();

  /** The series of `key`, created if new (for adding points). */
  at(key: K): StepSeries {
    let s = this.map.get(key);
    if (!s) {
      s = new StepSeries();
      this.map.set(key, s);
    }
    return s;
  }

  /** Adds `d` to every time of every series. */
  shiftTimes(d: number): void {
    for (const s of this.map.values()) s.shiftTimes(d);
  }

  /** The sorted points of `key` (empty if it has none). */
  view(key: K): Series {
    return this.map.get(key)?.view() ?? EMPTY_SERIES;
  }
}
