/**
 * Finding the span a host `chart/focus` message names (the editor hover's "Show in chart"): the lane
 * by pid and tid, the span by its start (and end, if several start together), and the window to zoom
 * to around it. Pure; unit-tested in Node.
 */
import type { ChartFocus } from '../common/protocol';
import type { TraceView } from '../common/store/api';

/** Lane id of process `pid`, thread `tid` (0: the process's own lane), or -1. */
export function laneOf(view: TraceView, pid: number, tid: number): number {
  return view.lanes().find((l) => l.pid === pid && l.tid === tid)?.id ?? -1;
}

/** Index of the closed span on `lane` that starts at `start` (preferring one that ends at `end`), or -1. */
export function spanAt(view: TraceView, lane: number, start: number, end: number): number {
  const s = view.spans(lane);
  const [lo, hi] = view.spanRange(lane, start, start);
  let found = -1;
  for (let i = lo; i < hi; i++) {
    if (s.start[i] !== start) continue;
    if (s.end[i] === end) return i;
    if (found < 0) found = i;
  }
  return found;
}

/** The time window that shows [start, end] in its middle third (at least 2 ms wide). */
export function windowAround(start: number, end: number): [number, number] {
  const pad = Math.max(end - start, 1e6);
  return [start - pad, end + pad];
}

/** Where a focus message points: lane and span index (-1 when not in this trace). */
export function locateFocus(view: TraceView, f: ChartFocus): { lane: number; index: number } {
  const lane = laneOf(view, f.pid, f.tid);
  return { lane, index: lane < 0 ? -1 : spanAt(view, lane, f.start, f.end) };
}
