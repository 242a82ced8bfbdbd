/** Query helpers over any `TraceView`, using the store's fast paths when it has them. */
import type { TraceView } from './api';

/**
 * Calls `fn` with the index of each closed span of `lane` that overlaps [t0, t1], in start order.
 * Uses `forEachSpan` (block-skipping) when the view has it, else walks `spanRange`.
 */
export function forEachSpanIn(view: TraceView, lane: number, t0: number, t1: number, fn: (i: number) => void): void {
  if (view.forEachSpan) {
    view.forEachSpan(lane, t0, t1, fn);
    return;
  }
  const c = view.spans(lane);
  const [lo, hi] = view.spanRange(lane, t0, t1);
  for (let i = lo; i < hi; i++) if (c.end[i] >= t0 && c.start[i] <= t1) fn(i);
}
