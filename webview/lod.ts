/**
 * Level of detail for big lanes: the lane's time range cut into a fixed number of buckets, each
 * remembering, per nesting depth, the category (and one span) covering most of it. When a bucket is
 * no wider than a pixel the painter draws buckets instead of visiting every span, so a zoomed-out
 * frame of a million spans costs a few thousand rectangles. Pure; rebuilt lazily as the trace grows
 * (spans after `t1` are still drawn one by one).
 */
import { MAX_DEPTH, PixelMerger, type RectSink, type SpanCols } from './merge';

/** Finest buckets per lane: about one per two spans, a power of 2 between 4,096 and 65,536. */
export function lodBuckets(spans: number): number {
  let n = 4096;
  while (n < spans / 2 && n < 65536) n *= 2;
  return n;
}
/** Lanes with fewer closed spans than this are always drawn span by span. */
export const LOD_MIN_SPANS = 20000;
const NONE = 255;

/** One level of buckets. */
export interface LodLevel {
  /** Width of a bucket (ns). */
  bw: number;
  buckets: number;
  /** Per (depth, bucket): covered ns of the best span, its category (255 = none) and index. */
  cov: Float32Array;
  cat: Uint8Array;
  idx: Int32Array;
}

/** The buckets of one lane: level 0 has `lodBuckets(count)`, each next level a quarter as many. */
export interface LaneLod {
  t0: number;
  t1: number;
  /** Width of a finest bucket (ns). */
  bw: number;
  depths: number;
  levels: LodLevel[];
  /** Spans folded in (the lane's count when built). */
  count: number;
}

/** Builds the buckets of spans [0, count) over [t0, t1]. */
export function buildLod(
  cols: SpanCols & { readonly count: number },
  t0: number,
  t1: number,
  buckets = lodBuckets(cols.count),
): LaneLod {
  let depths = 1;
  for (let i = 0; i < cols.count; i++) if (cols.depth[i] + 1 > depths) depths = Math.min(MAX_DEPTH, cols.depth[i] + 1);
  const bw = Math.max(1e-9, (t1 - t0) / buckets);
  const cov = new Float32Array(depths * buckets);
  const cat = new Uint8Array(depths * buckets).fill(NONE);
  const idx = new Int32Array(depths * buckets).fill(-1);
  for (let i = 0; i < cols.count; i++) {
    const s = cols.start[i];
    const e = cols.end[i];
    if (e < t0 || s > t1) continue;
    const d = Math.min(cols.depth[i], depths - 1);
    const b0 = Math.max(0, Math.floor((s - t0) / bw));
    const b1 = Math.min(buckets - 1, Math.floor((e - t0) / bw));
    for (let b = b0; b <= b1; b++) {
      const bs = t0 + b * bw;
      const c = Math.min(e, bs + bw) - Math.max(s, bs);
      const k = d * buckets + b;
      if (c > cov[k] || cat[k] === NONE) {
        cov[k] = c;
        cat[k] = cols.cat[i];
        idx[k] = i;
      }
    }
  }
  const levels: LodLevel[] = [{ bw, buckets, cov, cat, idx }];
  for (let n = buckets >> 2; n >= 256; n >>= 2) {
    const below = levels[levels.length - 1];
    const lv: LodLevel = {
      bw: below.bw * 4,
      buckets: n,
      cov: new Float32Array(depths * n),
      cat: new Uint8Array(depths * n).fill(NONE),
      idx: new Int32Array(depths * n).fill(-1),
    };
    for (let d = 0; d < depths; d++) {
      for (let b = 0; b < n; b++) {
        const k = d * n + b;
        for (let c = 0; c < 4; c++) {
          const j = d * below.buckets + b * 4 + c;
          if (below.cat[j] !== NONE && (lv.cat[k] === NONE || below.cov[j] > lv.cov[k])) {
            lv.cov[k] = below.cov[j];
            lv.cat[k] = below.cat[j];
            lv.idx[k] = below.idx[j];
          }
        }
      }
    }
    levels.push(lv);
  }
  return { t0, t1, bw, depths, levels, count: cols.count };
}

/** Width of one bucket in pixels at `pxPerNs`. */
export function bucketPx(lod: LaneLod, pxPerNs: number): number {
  return lod.bw * pxPerNs;
}

/**
 * Emits rectangles for the buckets overlapping [t0, t0 + width / pxPerNs]: runs of neighbouring
 * buckets with the same category, merged below a pixel by `PixelMerger` as spans are. Returns the
 * number of rectangles.
 */
export function emitLod(lod: LaneLod, t0: number, pxPerNs: number, width: number, sink: RectSink): number {
  // The coarsest level whose buckets are still at most a pixel wide.
  let lv = lod.levels[0];
  for (const l of lod.levels) if (l.bw * pxPerNs <= 1) lv = l;
  const { buckets, bw } = lv;
  const t1 = t0 + width / pxPerNs;
  const b0 = Math.max(0, Math.floor((t0 - lod.t0) / bw));
  const b1 = Math.min(buckets - 1, Math.floor((t1 - lod.t0) / bw));
  const xOf = (b: number): number => Math.min(width + 1, Math.max(-1, (lod.t0 + b * bw - t0) * pxPerNs));
  const m = new PixelMerger(sink);
  for (let d = 0; d < lod.depths; d++) {
    const base = d * buckets;
    let runCat = lv.cat[base + b0];
    let runStart = b0;
    for (let b = b0 + 1; b <= b1 + 1; b++) {
      const c = b <= b1 ? lv.cat[base + b] : -1;
      if (c === runCat) continue;
      if (runCat !== NONE) m.add(xOf(runStart), xOf(b), d, runCat, lv.idx[base + runStart], b - runStart);
      runCat = c;
      runStart = b;
    }
  }
  m.finish();
  return m.emitted;
}
