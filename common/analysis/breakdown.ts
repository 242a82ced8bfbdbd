/**
 * What each lane was doing over time: running, waiting (per kind), sleeping, or idle (a pool worker
 * outside any task). `laneStates` walks one lane's spans once and emits state segments; `breakdown`
 * sums them per lane for a time range (so it follows a brushed range).
 */
import { Cat, isWait } from '../schema';
import type { TraceView } from '../store/api';
import { forEachOverlap, rangeOf, ViewIndex, waitWord, type TimeRange } from './util';

/** State codes: `RUNNING`, `IDLE`, `Cat.Sleep`, or a `Cat.Wait*` value. */
export const RUNNING = 0;
/** A pool worker outside any task. */
export const IDLE = 1;

/** Label of a state code for legends and sentences. */
export function stateLabel(state: number): string {
  if (state === RUNNING) return 'running';
  if (state === IDLE) return 'idle';
  if (state === Cat.Sleep) return 'sleeping';
  return `waiting (${waitWord(state)})`;
}

/** Time of one lane in one state. */
export interface BreakdownPart {
  state: number;
  label: string;
  ns: number;
}

/** The stacked bar of one lane. */
export interface LaneBreakdown {
  lane: number;
  pid: number;
  tid: number;
  name: string;
  /** Time the lane was alive within the range. */
  total: number;
  /** Non-zero states: running first, then waits by kind, sleeping, idle. */
  parts: BreakdownPart[];
}

/** Per-lane breakdown of the time range (whole run if omitted). */
export function breakdown(view: TraceView, range?: TimeRange): LaneBreakdown[] {
  const ix = ViewIndex.of(view);
  const { t0, t1 } = rangeOf(range);
  const open = openByLane(view);
  const out: LaneBreakdown[] = [];
  const acc = new Float64Array(32);
  for (const lane of ix.lanes) {
    acc.fill(0);
    laneStates(ix, lane.id, t0, t1, (state, a, b) => (acc[state] += b - a), open.get(lane.id));
    let total = 0;
    const parts: BreakdownPart[] = [];
    for (const state of ORDER) {
      if (acc[state] <= 0) continue;
      total += acc[state];
      parts.push({ state, label: stateLabel(state), ns: acc[state] });
    }
    out.push({ lane: lane.id, pid: lane.pid, tid: lane.tid, name: lane.name, total, parts });
  }
  return out;
}

const ORDER = [RUNNING, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, Cat.Sleep, IDLE];

/** Open spans grouped by lane, sorted by start. */
export function openByLane(view: TraceView): Map<number, { start: number; cat: number }[]> {
  const m = new Map<number, { start: number; cat: number }[]>();
  for (const o of view.openSpans()) {
    let l = m.get(o.lane);
    if (!l) m.set(o.lane, (l = []));
    l.push({ start: o.start, cat: o.cat });
  }
  for (const l of m.values()) l.sort((a, b) => a.start - b.start);
  return m;
}

/**
 * Emits `(state, from, to)` segments covering the lane's life within [t0, t1], in time order. The
 * state is the most telling active span: a wait, else a sleep, else running; a pool worker outside a
 * task is idle. Open spans (ending "now") can be passed from `openByLane`.
 */
export function laneStates(
  ix: ViewIndex,
  lane: number,
  t0: number,
  t1: number,
  emit: (state: number, from: number, to: number) => void,
  open?: readonly { start: number; cat: number }[],
): void {
  const lo = Math.max(t0, ix.laneStart(lane));
  const hi = Math.min(t1, ix.laneEnd(lane));
  if (!(hi > lo)) return;
  const s = ix.view.spans(lane);
  const worker = ix.isWorker(lane);
  const counts = new Int32Array(32);
  const heap = new EndHeap();
  let cursor = lo;
  let waits = 0;
  const state = (): number => {
    if (worker && counts[Cat.Task] === 0) return IDLE;
    if (waits > 0) for (let c = 10; c < 30; c++) if (counts[c] > 0) return c;
    return counts[Cat.Sleep] > 0 ? Cat.Sleep : RUNNING;
  };
  const advance = (to: number): void => {
    while (heap.size > 0 && heap.topEnd() <= to) {
      const end = Math.min(heap.topEnd(), hi);
      const cat = heap.pop();
      if (end > cursor) {
        emit(state(), cursor, end);
        cursor = end;
      }
      counts[cat]--;
      if (isWait(cat)) waits--;
    }
    const until = Math.min(to, hi);
    if (until > cursor) {
      emit(state(), cursor, until);
      cursor = until;
    }
  };
  const push = (start: number, end: number, cat: number): void => {
    if (end <= lo || start >= hi || cat >= 32) return;
    advance(Math.max(start, lo));
    heap.push(end, cat);
    counts[cat]++;
    if (isWait(cat)) waits++;
  };
  let k = 0;
  const openList = open ?? [];
  forEachOverlap(ix.view, lane, lo, hi, (i) => {
    while (k < openList.length && openList[k].start <= s.start[i]) push(openList[k].start, Infinity, openList[k++].cat);
    push(s.start[i], s.end[i], s.cat[i]);
  });
  while (k < openList.length) push(openList[k].start, Infinity, openList[k++].cat);
  advance(hi);
}

/** A binary min-heap of (end time, category). */
class EndHeap {
  private ends = new Float64Array(16);
  private cats = new Uint8Array(16);
  size = 0;

  topEnd(): number {
    return this.ends[0];
  }

  push(end: number, cat: number): void {
    if (this.size === this.ends.length) {
      const e = new Float64Array(this.size * 2);
      e.set(this.ends);
      const c = new Uint8Array(this.size * 2);
      c.set(this.cats);
      this.ends = e;
      this.cats = c;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.ends[p] <= end) break;
      this.ends[i] = this.ends[p];
      this.cats[i] = this.cats[p];
      i = p;
    }
    this.ends[i] = end;
    this.cats[i] = cat;
  }

  /** Removes the earliest end and returns its category. */
  pop(): number {
    const top = this.cats[0];
    const n = --this.size;
    const end = this.ends[n];
    const cat = this.cats[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.ends[c + 1] < this.ends[c]) c++;
      if (this.ends[c] >= end) break;
      this.ends[i] = this.ends[c];
      this.cats[i] = this.cats[c];
      i = c;
    }
    this.ends[i] = end;
    this.cats[i] = cat;
    return top;
  }
}
