/**
 * Lost updates on shared Values. The trace has writes, not reads, so the evidence is the write
 * sequence of a cell that behaves as a counter (most steps go the same way): two consecutive writes
 * by different lanes where the second does not advance the value past the first (same or earlier
 * value) and the second writer did not hold a lock from before the first write until its own. The
 * second writer must have read the cell before the first write landed — the two read-modify-write
 * windows overlapped — so one update was lost.
 */
import { Cat, ObjType } from '../schema';
import type { EventFacts } from './facts';
import { fmtDuration, forEachOverlap, laneLabel, ViewIndex } from './util';

/** Lost updates found on one Value/Array cell. */
export interface LostUpdate {
  obj: string;
  index: number;
  writes: number;
  writers: number;
  /** Overlapping read-modify-write pairs seen (each lost one update). */
  lost: number;
  /** The first pair: when (relative ns), who wrote first, who overwrote, and the value both wrote. */
  first: {
    t: number;
    firstPid: number;
    firstTid: number;
    secondPid: number;
    secondTid: number;
    firstValue: number;
    secondValue: number;
    lane: number;
    t0: number;
  };
  message: string;
  loc: string;
  at: { lane: number; t0: number; t1: number };
}

/** Finds lost updates in every written Value/Array cell. */
export function lostUpdates(ix: ViewIndex, facts: EventFacts): LostUpdate[] {
  const out: LostUpdate[] = [];
  for (const [obj, w] of facts.values) {
    const n = w.count;
    if (n < 4) continue;
    const cells = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const k = w.index.data[i];
      let l = cells.get(k);
      if (!l) cells.set(k, (l = []));
      l.push(i);
    }
    for (const [index, list] of cells) {
      let sorted = true;
      for (let k = 1; k < list.length && sorted; k++) sorted = w.t.data[list[k - 1]] <= w.t.data[list[k]];
      if (!sorted) list.sort((a, b) => w.t.data[a] - w.t.data[b] || a - b);
      const dir = counterDirection(w.value.data, list);
      if (dir === 0) continue;
      let lost = 0;
      let first: LostUpdate['first'] | null = null;
      const writers = new Set<string>();
      for (let k = 0; k < list.length; k++) {
        const b = list[k];
        writers.add(`${w.pid.data[b]}:${w.tid.data[b]}`);
        if (k === 0) continue;
        const a = list[k - 1];
        if (w.pid.data[a] === w.pid.data[b] && w.tid.data[a] === w.tid.data[b]) continue;
        if ((w.value.data[b] - w.value.data[a]) * dir > 0) continue;
        const ta = w.t.data[a] - ix.view.origin;
        const tb = w.t.data[b] - ix.view.origin;
        const lane = ix.lane(w.pid.data[b], w.tid.data[b]);
        if (lane >= 0 && heldThrough(ix, lane, ta, tb)) continue;
        lost++;
        first ??= {
          t: tb,
          firstPid: w.pid.data[a],
          firstTid: w.tid.data[a],
          secondPid: w.pid.data[b],
          secondTid: w.tid.data[b],
          firstValue: w.value.data[a],
          secondValue: w.value.data[b],
          lane,
          t0: ta,
        };
      }
      if (!lost || !first) continue;
      const decl = ix.objects.get(obj);
      const name = `${decl?.type === ObjType.Array ? 'array' : 'value'} ${ix.name(obj)}${index >= 0 && decl?.type === ObjType.Array ? `[${index}]` : ''}`;
      const same = first.firstValue === first.secondValue;
      const message =
        `${name}: ${writers.size} ${writers.size === 1 ? 'lane' : 'processes'} wrote it ${list.length} times without holding its lock around the update; ` +
        `${lost} write${lost === 1 ? '' : 's'} did not advance it, so at least ${lost} update${lost === 1 ? ' was' : 's were'} lost. ` +
        `First at ${fmtDuration(first.t)}: ${laneLabel(first.secondPid, first.secondTid)} wrote ${first.secondValue} ${same ? 'right after' : 'after'} ${laneLabel(first.firstPid, first.firstTid)} wrote ${first.firstValue}.`;
      out.push({
        obj,
        index,
        writes: list.length,
        writers: writers.size,
        lost,
        first,
        message,
        loc: decl?.loc ?? '',
        at: { lane: Math.max(0, first.lane), t0: first.t0, t1: first.t },
      });
    }
  }
  return out;
}

/**
 * +1 for a cell that counts up (it ends higher than it started and steps up more often than down), -1
 * for one that counts down, 0 otherwise (a flag or a value set to arbitrary numbers). Repeated values
 * do not count either way: under heavy loss most writes repeat.
 */
function counterDirection(values: Float64Array, order: number[]): number {
  let up = 0;
  let down = 0;
  for (let k = 1; k < order.length; k++) {
    const d = values[order[k]] - values[order[k - 1]];
    if (d > 0) up++;
    else if (d < 0) down++;
  }
  const net = values[order[order.length - 1]] - values[order[0]];
  if (up >= 3 && up > down && net > 0) return 1;
  if (down >= 3 && down > up && net < 0) return -1;
  return 0;
}

/** True if `lane` held some lock from at or before `from` until at least `to`. */
function heldThrough(ix: ViewIndex, lane: number, from: number, to: number): boolean {
  const s = ix.view.spans(lane);
  let held = false;
  forEachOverlap(ix.view, lane, to, to, (i) => {
    if (s.cat[i] === Cat.Hold && s.start[i] <= from && s.end[i] >= to) held = true;
  });
  if (held) return true;
  for (const o of ix.view.openSpans()) if (o.lane === lane && o.cat === Cat.Hold && o.start <= from) return true;
  return false;
}
