/**
 * A step series built from time-stamped changes that may arrive out of order: each point either
 * reports the value (≥ 0, e.g. a queue depth the runtime knew) or moves it by a delta (a put or a
 * get when the depth was unknown). Points are kept sorted by time; values are recomputed lazily
 * from the first point that changed.
 */
import type { Series } from './api';
import { grow, upperBound } from './grow';

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

  /** Number of points. */
  get count(): number {
    return this.n;
  }

  /** Adds a point: a reported value (pass NaN if unknown) and the delta to apply when it is not reported. */
  add(t: number, reported: number, delta: number): void {
    const n = this.n;
    if (n + 1 > this.t.length) {
      this.t = grow(this.t, n + 1, n);
      this.reported = grow(this.reported, n + 1, n);
      this.delta = grow(this.delta, n + 1, n);
      this.v = grow(this.v, n + 1, Math.min(n, this.validFrom));
    }
    let pos = n;
    if (n > 0 && this.t[n - 1] > t) {
      pos = upperBound(this.t, 0, n, t);
      this.t.copyWithin(pos + 1, pos, n);
      this.reported.copyWithin(pos + 1, pos, n);
      this.delta.copyWithin(pos + 1, pos, n);
    }
    this.t[pos] = t;
    this.reported[pos] = reported;
    this.delta[pos] = delta;
    this.n = n + 1;
    if (pos < this.validFrom) this.validFrom = pos;
  }

  /** The series as sorted times and values (arrays may be longer than `count`). */
  view(): Series {
    if (this.validFrom < this.n) {
      let cur = this.validFrom > 0 ? this.v[this.validFrom - 1] : 0;
      for (let i = this.validFrom; i < this.n; i++) {
        const r = this.reported[i];
        // Deltas never take a count below zero (a get can arrive before its put across connections).
        cur = r === r ? r : Math.max(0, cur + this.delta[i]);
        this.v[i] = cur;
      }
      this.validFrom = this.n;
    }
    return { count: this.n, t: this.t, v: this.v };
  }
}
