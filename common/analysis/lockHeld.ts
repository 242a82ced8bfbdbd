/**
 * "Lock held across a blocking call": waits and sleeps nested in a lock's hold, and output (prints)
 * written by the holding thread inside it. Part of `lint`.
 */
import { Cat, Stream } from '../schema';
import type { OutputLine } from '../store/api';
import type { ContentionRow } from './contention';
import type { Make } from './lints';
import { fmtDuration, ViewIndex, waitWord } from './util';

const BLOCKING_IN_HOLD = new Set<number>([
  Cat.Sleep,
  Cat.WaitQueueGet,
  Cat.WaitQueuePut,
  Cat.WaitRecv,
  Cat.WaitJoin,
  Cat.WaitResult,
  Cat.WaitEvent,
  Cat.WaitManager,
]);

/** A sleep, queue, pipe, join, result, event or manager wait nested in a `Hold` span of the same lane. */
export function lockHeldAcross(ix: ViewIndex, table: ContentionRow[], make: Make): void {
  const view = ix.view;
  const groups = new Map<
    string,
    { lock: string; cat: number; loc: string; count: number; total: number; lane: number; t0: number; t1: number }
  >();
  for (const lane of ix.lanes) {
    const s = view.spans(lane.id);
    const holds: number[] = [];
    for (let i = 0; i < s.count; i++) {
      for (let k = holds.length - 1; k >= 0; k--) if (s.end[holds[k]] <= s.start[i]) holds.splice(k, 1);
      const cat = s.cat[i];
      if (cat === Cat.Hold) {
        holds.push(i);
        continue;
      }
      if (!BLOCKING_IN_HOLD.has(cat) || holds.length === 0) continue;
      for (const h of holds) {
        if (s.end[i] > s.end[h]) continue;
        const lock = view.str(s.obj[h]);
        const loc = view.str(s.loc[i]);
        const key = `${lock}\u0000${cat}\u0000${loc}`;
        const g = groups.get(key) ?? {
          lock,
          cat,
          loc,
          count: 0,
          total: 0,
          lane: lane.id,
          t0: s.start[i],
          t1: s.end[i],
        };
        g.count++;
        g.total += s.end[i] - s.start[i];
        groups.set(key, g);
      }
    }
  }
  if (!groups.size) return;
  const waits = new Map(table.map((r) => [r.obj, r.wait.total]));
  for (const g of groups.values()) {
    const what = g.cat === Cat.Sleep ? 'a sleep' : `a ${waitWord(g.cat)}`;
    const others = waits.get(g.lock) ?? 0;
    make(
      'lock-held-across-wait',
      'warning',
      `${ix.describe(g.lock)} is held across ${what}${g.loc ? ` at ${g.loc}` : ''} (${g.count} time${g.count === 1 ? '' : 's'}, ${fmtDuration(g.total)} in total)` +
        (others > 0 ? `; processes waited ${fmtDuration(others)} in total for it` : ''),
      g.loc,
      { lane: g.lane, t0: g.t0, t1: g.t1 },
    );
  }
}

/** At most this many characters of a printed line in a message. */
const SHOWN_TEXT = 40;

/** `text` in quotes, cut to `SHOWN_TEXT` characters with an ellipsis. */
function quoteLine(text: string): string {
  const t = text.trim();
  return `"${t.length > SHOWN_TEXT ? `${t.slice(0, SHOWN_TEXT - 1)}\u2026` : t}"`;
}

/**
 * Output (a print, a console.log: I/O to a pipe or terminal that can block) written by the thread
 * that holds a lock, inside the hold. One warning per lock and hold site, naming the first line.
 */
export function lockHeldAcrossOutput(ix: ViewIndex, table: ContentionRow[], make: Make): void {
  const view = ix.view;
  const byLane = new Map<number, OutputLine[]>();
  for (const line of view.output()) {
    const lane = ix.lane(line.pid, line.tid ?? 0);
    if (lane < 0) continue;
    const list = byLane.get(lane);
    if (list) list.push(line);
    else byLane.set(lane, [line]);
  }
  const groups = new Map<
    string,
    { lock: string; loc: string; holds: number; lines: number; first: OutputLine; lane: number; t0: number; t1: number }
  >();
  for (const [lane, lines] of byLane) {
    lines.sort((a, b) => a.t - b.t);
    const s = view.spans(lane);
    for (let i = 0; i < s.count; i++) {
      if (s.cat[i] !== Cat.Hold) continue;
      const [a, b] = [s.start[i], s.end[i]];
      let k = lowerBound(lines, a);
      if (k >= lines.length || lines[k].t > b) continue;
      const first = lines[k];
      let n = 0;
      for (; k < lines.length && lines[k].t <= b; k++) n++;
      const lock = view.str(s.obj[i]);
      const loc = view.str(s.loc[i]);
      const key = `${lock}\u0000${loc}`;
      const g = groups.get(key);
      if (g) {
        g.holds++;
        g.lines += n;
      } else groups.set(key, { lock, loc, holds: 1, lines: n, first, lane, t0: a, t1: b });
    }
  }
  if (!groups.size) return;
  const waits = new Map(table.map((r) => [r.obj, r.wait.total]));
  for (const g of groups.values()) {
    const stream = g.first.stream === Stream.Stderr ? 'stderr' : 'stdout';
    const others = waits.get(g.lock) ?? 0;
    make(
      'lock-held-across-wait',
      'warning',
      `${ix.describe(g.lock)} is held while writing output: ${quoteLine(g.first.text)} to ${stream}` +
        (g.lines > 1 ? ` and ${g.lines - 1} more line${g.lines === 2 ? '' : 's'}` : '') +
        ` inside the hold taken${g.loc ? ` at ${g.loc}` : ''} (${g.holds} time${g.holds === 1 ? '' : 's'})` +
        (others > 0 ? `; processes waited ${fmtDuration(others)} in total for it` : ''),
      g.loc,
      { lane: g.lane, t0: g.t0, t1: g.t1 },
    );
  }
}

/** First index of `lines` (sorted by time) at or after `t`. */
function lowerBound(lines: readonly OutputLine[], t: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
