/**
 * Pure span maths for the painter and the pointer: which spans of a lane become which rectangles
 * (everything narrower than a pixel merged into about one rectangle per pixel column and depth),
 * how to visit only the spans in view, and which span lies under a time. No DOM: unit-tested in Node.
 */

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
