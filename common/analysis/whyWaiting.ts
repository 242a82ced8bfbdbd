/**
 * "Why was this process waiting?": for one wait span, what it waited for, who held it (or, for a
 * queue, pipe, join or result, who it depended on), what that lane was doing meanwhile, and who
 * released it (the unblocking hand-off).
 */
import { Cat, isWait } from '../schema';
import type { TraceView } from '../store/api';
import { laneStates, openByLane, stateLabel, type BreakdownPart } from './breakdown';
import { ReleaseIndex, type Release } from './release';
import { fmtDuration, forEachOverlap, laneLabel, ViewIndex, waitWord, type SpanRef } from './util';

/** A span of the blocking lane that overlapped the wait. */
export interface Activity {
  cat: number;
  name: string;
  obj: string;
  loc: string;
  from: number;
  to: number;
}

/** A lane the wait depended on: a holder of the lock, or the lane that ended the wait. */
export interface Blocker {
  lane: number;
  pid: number;
  tid: number;
  label: string;
  /** 'held' for a lock holder, 'released' for the producer / sender / worker / joined process. */
  role: 'held' | 'released';
  /** Part of the wait this lane is accountable for. */
  from: number;
  to: number;
  /** Where it took the lock (holders). */
  loc: string;
  /** Its time in each state during [from, to], largest first. */
  states: BreakdownPart[];
  /** Its longest spans during [from, to] (not the hold itself), at most five. */
  spans: Activity[];
}

/** The answer shown when a wait is clicked. */
export interface WhyWaiting {
  lane: number;
  pid: number;
  tid: number;
  start: number;
  end: number;
  /** Still waiting (end = now). */
  open: boolean;
  cat: number;
  /** "lock", "queue get", ... */
  reason: string;
  obj: string;
  /** "lock A", "queue results", or '' when the wait names no object. */
  what: string;
  loc: string;
  blockers: Blocker[];
  releasedBy: (Release & { pid: number; tid: number; label: string }) | null;
  /** The whole answer as sentences. */
  sentence: string;
}

const LOCKLIKE = new Set<number>([Cat.WaitLock, Cat.WaitSemaphore, Cat.WaitCondition]);

/** Explains the wait `ref` (a closed span by index, or an open one by lane and start). Null if it is not a wait. */
export function whyWaiting(view: TraceView, ref: SpanRef): WhyWaiting | null {
  const ix = ViewIndex.of(view);
  const wait = readWait(view, ref);
  if (!wait || !isWait(wait.cat)) return null;
  const { lane, start, end, cat, obj } = wait;
  const me = ix.lanes[lane];
  const blockers: Blocker[] = [];
  const open = openByLane(view);
  const objId = obj ? findId(view, obj, lane, ref) : 0;

  if (LOCKLIKE.has(cat) && objId) {
    for (const other of ix.lanes) {
      if (other.id === lane) continue;
      const s = view.spans(other.id);
      forEachOverlap(view, other.id, start, end, (i) => {
        if (s.cat[i] !== Cat.Hold || s.obj[i] !== objId || s.end[i] <= start || s.start[i] >= end) return;
        blockers.push(
          blocker(
            ix,
            other.id,
            'held',
            Math.max(start, s.start[i]),
            Math.min(end, s.end[i]),
            view.str(s.loc[i]),
            open,
            i,
          ),
        );
      });
    }
    for (const o of view.openSpans()) {
      if (o.lane === lane || o.cat !== Cat.Hold || o.obj !== obj || o.start >= end) continue;
      blockers.push(blocker(ix, o.lane, 'held', Math.max(start, o.start), end, o.loc, open, -1));
    }
  }
  const rel = wait.open ? null : ReleaseIndex.of(ix).releaser(lane, cat, obj, wait.detail, start, end);
  const releasedBy = rel
    ? {
        ...rel,
        pid: ix.lanes[rel.lane].pid,
        tid: ix.lanes[rel.lane].tid,
        label: laneLabel(ix.lanes[rel.lane].pid, ix.lanes[rel.lane].tid),
      }
    : null;
  if (rel && !LOCKLIKE.has(cat) && rel.lane !== lane) {
    blockers.push(blocker(ix, rel.lane, 'released', start, Math.max(start, rel.t), '', open, -1));
  }
  blockers.sort((x, y) => x.from - y.from);

  const what = obj ? ix.describe(obj, cat) : '';
  const result: WhyWaiting = {
    lane,
    pid: me.pid,
    tid: me.tid,
    start,
    end,
    open: wait.open,
    cat,
    reason: waitWord(cat),
    obj,
    what,
    loc: wait.loc,
    blockers,
    releasedBy,
    sentence: '',
  };
  result.sentence = explain(result, laneLabel(me.pid, me.tid));
  return result;
}

function blocker(
  ix: ViewIndex,
  lane: number,
  role: Blocker['role'],
  from: number,
  to: number,
  loc: string,
  open: Map<number, { start: number; cat: number }[]>,
  holdIndex: number,
): Blocker {
  const l = ix.lanes[lane];
  const acc = new Map<number, number>();
  laneStates(ix, lane, from, to, (st, a, b) => acc.set(st, (acc.get(st) ?? 0) + b - a), open.get(lane));
  const states = [...acc].map(([state, ns]) => ({ state, label: stateLabel(state), ns })).sort((a, b) => b.ns - a.ns);
  const s = ix.view.spans(lane);
  const spans: Activity[] = [];
  forEachOverlap(ix.view, lane, from, to, (i) => {
    if (i === holdIndex || s.cat[i] === Cat.Run || s.end[i] <= from || s.start[i] >= to) return;
    spans.push({
      cat: s.cat[i],
      name: ix.view.str(s.name[i]),
      obj: ix.view.str(s.obj[i]),
      loc: ix.view.str(s.loc[i]),
      from: Math.max(from, s.start[i]),
      to: Math.min(to, s.end[i]),
    });
  });
  spans.sort((x, y) => y.to - y.from - (x.to - x.from));
  spans.length = Math.min(spans.length, 5);
  return { lane, pid: l.pid, tid: l.tid, label: laneLabel(l.pid, l.tid), role, from, to, loc, states, spans };
}

function explain(w: WhyWaiting, who: string): string {
  const dur = fmtDuration(w.end - w.start);
  const target = w.what ? `${w.what}` : `a ${w.reason}`;
  const parts = [
    `${who} ${w.open ? 'has been waiting' : 'waited'} ${dur} for ${target}${w.loc ? ` at ${w.loc}` : ''}.`,
  ];
  for (const b of w.blockers) {
    const doing = b.states
      .slice(0, 2)
      .map((s) => `${s.label} ${fmtDuration(s.ns)}`)
      .join(' and ');
    const verb = b.role === 'held' ? `held it for ${fmtDuration(b.to - b.from)} of that time` : `was what it waited on`;
    parts.push(`${b.label} ${verb}${doing ? `, meanwhile ${doing}` : ''}.`);
  }
  if (w.releasedBy) {
    const r = w.releasedBy;
    const how =
      r.via === 'exit'
        ? 'exited'
        : r.via === 'lock'
          ? 'handed it over'
          : r.via === 'task'
            ? 'delivered the result'
            : r.via === 'queue'
              ? w.cat === Cat.WaitQueuePut
                ? 'took an item out'
                : 'put the item'
              : 'sent the message';
    parts.push(`${r.label} ${how} at ${fmtDuration(r.t)}.`);
  } else if (!w.open && LOCKLIKE.has(w.cat) && w.blockers.length === 0) {
    parts.push(
      'No other process was recorded holding it meanwhile: the time went to the hand-over itself, or to holds too short to be recorded.',
    );
  }
  return parts.join(' ');
}

interface WaitInfo {
  lane: number;
  start: number;
  end: number;
  cat: number;
  obj: string;
  detail: string;
  loc: string;
  open: boolean;
}

function readWait(view: TraceView, ref: SpanRef): WaitInfo | null {
  if (ref.index >= 0) {
    const s = view.spans(ref.lane);
    if (ref.index >= s.count) return null;
    const i = ref.index;
    return {
      lane: ref.lane,
      start: s.start[i],
      end: s.end[i],
      cat: s.cat[i],
      obj: view.str(s.obj[i]),
      detail: view.str(s.detail[i]),
      loc: view.str(s.loc[i]),
      open: false,
    };
  }
  const o = view.openSpans().find((x) => x.lane === ref.lane && x.start === ref.start && isWait(x.cat));
  return o
    ? { lane: o.lane, start: o.start, end: view.now, cat: o.cat, obj: o.obj, detail: o.detail, loc: o.loc, open: true }
    : null;
}

/** The store's string id of `obj` (from the span itself when closed, else by scanning hold spans). */
function findId(view: TraceView, obj: string, lane: number, ref: SpanRef): number {
  if (ref.index >= 0) return view.spans(lane).obj[ref.index];
  for (const l of view.lanes()) {
    const s = view.spans(l.id);
    for (let i = 0; i < s.count; i++) if (s.cat[i] === Cat.Hold && view.str(s.obj[i]) === obj) return s.obj[i];
  }
  return -1;
}
