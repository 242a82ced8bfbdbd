/**
 * Closed spans of one lane as growable parallel typed arrays, kept sorted by start (ties: outer
 * spans first). Spans are added when they end, so an outer span lands before the inner spans that
 * closed earlier: insertion shifts the tail with `copyWithin`, which stays cheap because late spans
 * are few and recent.
 *
 * Range queries use two derived columns, refreshed lazily from the first changed index:
 * a running maximum of `end` (non-decreasing, so the first span that reaches t0 is found by binary
 * search) and the maximum `end` per block of `BLOCK` spans (so a scan skips whole blocks of short
 * spans that ended before t0, even when one long span keeps the running maximum high).
 */
import type { SpanColumns } from './api';
import { grow, lowerBound, upperBound } from './grow';

/** Spans per block of the per-block max-end index. */
export const BLOCK = 64;

/** The fields of one span, with strings as store string ids. */
export interface SpanFields {
  start: number;
  end: number;
  cat: number;
  status: number;
  depth: number;
  name: number;
  detail: number;
  obj: number;
  loc: number;
  task: number;
}

/** Columnar, start-sorted closed spans of one lane. */
export class SpanTable implements SpanColumns {
  count = 0;
  start = new Float64Array(16);
  end = new Float64Array(16);
  cat = new Uint8Array(16);
  status = new Uint8Array(16);
  depth = new Uint8Array(16);
  name = new Uint32Array(16);
  detail = new Uint32Array(16);
  obj = new Uint32Array(16);
  loc = new Uint32Array(16);
  task = new Int32Array(16);
  /** Running maximum of `end` over [0, i]. Valid below `validFrom`. */
  private maxEnd = new Float64Array(16);
  /** Maximum `end` per block. Valid for blocks entirely below `validFrom`'s block. */
  private blockMax = new Float64Array(1);
  private validFrom = 0;

  /** Inserts a closed span at its sorted position; returns that index. */
  insert(s: SpanFields): number {
    const n = this.count;
    this.reserve(n + 1);
    let pos = n;
    if (n > 0 && (this.start[n - 1] > s.start || (this.start[n - 1] === s.start && this.depth[n - 1] > s.depth))) {
      pos = upperBound(this.start, 0, n, s.start);
      // Among equal starts, the shallower span goes first.
      while (pos > 0 && this.start[pos - 1] === s.start && this.depth[pos - 1] > s.depth) pos--;
      for (const col of this.columns()) col.copyWithin(pos + 1, pos, n);
    }
    this.start[pos] = s.start;
    this.end[pos] = s.end;
    this.cat[pos] = s.cat;
    this.status[pos] = s.status;
    this.depth[pos] = Math.min(s.depth, 255);
    this.name[pos] = s.name;
    this.detail[pos] = s.detail;
    this.obj[pos] = s.obj;
    this.loc[pos] = s.loc;
    this.task[pos] = s.task;
    this.count = n + 1;
    if (pos < this.validFrom) this.validFrom = pos;
    return pos;
  }

  /** Adds `d` to every start and end (the store's origin moved). */
  shiftTimes(d: number): void {
    for (let i = 0; i < this.count; i++) {
      this.start[i] += d;
      this.end[i] += d;
    }
    this.validFrom = 0;
  }

  /** Index of the span that starts at `start` at nesting `depth`, or -1. */
  indexOf(start: number, depth: number): number {
    for (let i = lowerBound(this.start, 0, this.count, start); i < this.count && this.start[i] === start; i++) {
      if (this.depth[i] === depth) return i;
    }
    return -1;
  }

  /** Changes the end and status of span `i` (its start, and so its place, stay). */
  setEnd(i: number, end: number, status: number): void {
    this.end[i] = end;
    this.status[i] = status;
    if (i < this.validFrom) this.validFrom = i;
  }

  /** Index range [lo, hi) holding every span that overlaps [t0, t1] (and possibly others between them). */
  range(t0: number, t1: number): [number, number] {
    this.refresh();
    const hi = upperBound(this.start, 0, this.count, t1);
    const lo = lowerBound(this.maxEnd, 0, hi, t0);
    return [lo, hi];
  }

  /** Calls `fn` with the index of each span that overlaps [t0, t1], in start order, skipping blocks that end before t0. */
  forEachOverlap(t0: number, t1: number, fn: (i: number) => void): void {
    const [lo, hi] = this.range(t0, t1);
    let i = lo;
    while (i < hi) {
      const b = Math.floor(i / BLOCK);
      const blockEnd = Math.min((b + 1) * BLOCK, hi);
      if (this.blockMax[b] < t0) {
        i = blockEnd;
        continue;
      }
      for (; i < blockEnd; i++) if (this.end[i] >= t0) fn(i);
    }
  }

  /** The fields of span `i`. */
  get(i: number): SpanFields {
    return {
      start: this.start[i],
      end: this.end[i],
      cat: this.cat[i],
      status: this.status[i],
      depth: this.depth[i],
      name: this.name[i],
      detail: this.detail[i],
      obj: this.obj[i],
      loc: this.loc[i],
      task: this.task[i],
    };
  }

  /** Bytes held by the columns and indexes (capacity, not count). */
  get byteSize(): number {
    let n = this.maxEnd.byteLength + this.blockMax.byteLength;
    for (const col of this.columns()) n += col.byteLength;
    return n;
  }

  private columns(): (Float64Array | Uint8Array | Uint32Array | Int32Array)[] {
    return [
      this.start,
      this.end,
      this.cat,
      this.status,
      this.depth,
      this.name,
      this.detail,
      this.obj,
      this.loc,
      this.task,
    ];
  }

  private reserve(need: number): void {
    if (need <= this.start.length) return;
    const n = this.count;
    this.start = grow(this.start, need, n);
    this.end = grow(this.end, need, n);
    this.cat = grow(this.cat, need, n);
    this.status = grow(this.status, need, n);
    this.depth = grow(this.depth, need, n);
    this.name = grow(this.name, need, n);
    this.detail = grow(this.detail, need, n);
    this.obj = grow(this.obj, need, n);
    this.loc = grow(this.loc, need, n);
    this.task = grow(this.task, need, n);
    this.maxEnd = grow(this.maxEnd, need, Math.min(this.validFrom, n));
  }

  private refresh(): void {
    const n = this.count;
    if (this.validFrom >= n) return;
    const from = this.validFrom;
    let m = from > 0 ? this.maxEnd[from - 1] : -Infinity;
    for (let i = from; i < n; i++) {
      if (this.end[i] > m) m = this.end[i];
      this.maxEnd[i] = m;
    }
    const blocks = Math.ceil(n / BLOCK);
    if (this.blockMax.length < blocks) this.blockMax = grow(this.blockMax, blocks, this.blockMax.length);
    for (let b = Math.floor(from / BLOCK); b < blocks; b++) {
      let bm = -Infinity;
      const e = Math.min((b + 1) * BLOCK, n);
      for (let i = b * BLOCK; i < e; i++) if (this.end[i] > bm) bm = this.end[i];
      this.blockMax[b] = bm;
    }
    this.validFrom = n;
  }
}
