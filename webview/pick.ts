/**
 * Pure hit-testing against the trace: what lies at time `t` on a row (a span, a lock's state, a
 * queue's depth), and which flows belong to a picked thing (a pool task's submit → run → result,
 * a queue item's put → get, a lock wait's hand-off). No DOM; unit-tested in Node.
 */
import type { Flow, TraceView } from '../common/store/api';
import { Cat } from '../common/schema';
import { stepIndex, type Row } from './layout';
import { hitSpan, overlapIter } from './merge';

/** A span under the pointer (closed, or open and drawn up to now). */
export interface SpanPick {
  kind: 'span';
  lane: number;
  /** Index in the lane's span columns, -1 for an open span. */
  index: number;
  start: number;
  /** NaN while the span is open. */
  end: number;
  cat: number;
  depth: number;
  name: string;
  detail: string;
  obj: string;
  loc: string;
  /** Row in `tasks()`, -1 if not a task span. */
  task: number;
}
/** A lock lane at a time. */
export interface LockPick {
  kind: 'lock';
  obj: string;
  t: number;
  holders: number;
  waiters: number;
}
/** A queue-depth row at a time. */
export interface QueuePick {
  kind: 'queue';
  obj: string;
  t: number;
  depth: number;
}
/** A user mark on a lane. */
export interface MarkPick extends PointBase {
  kind: 'mark';
}
/** An uncaught error on a lane. */
export interface ErrorPick extends PointBase {
  kind: 'error';
}
/** What marks and errors have in common. */
export interface PointBase {
  lane: number;
  t: number;
  text: string;
  /** Stack of an error ('' for marks). */
  stack: string;
}
/** Anything the pointer can be over. */
export type Pick = SpanPick | LockPick | QueuePick | MarkPick | ErrorPick;

function valueAt(s: { count: number; t: Float64Array; v: Float64Array }, t: number): number {
  const i = stepIndex(s.t, s.count, t);
  return i < 0 ? 0 : s.v[i];
}

/** The closed span at `index` of `lane` as a pick. */
export function spanPick(view: TraceView, lane: number, index: number): SpanPick {
  const c = view.spans(lane);
  return {
    kind: 'span',
    lane,
    index,
    start: c.start[index],
    end: c.end[index],
    cat: c.cat[index],
    depth: c.depth[index],
    name: view.str(c.name[index]),
    detail: view.str(c.detail[index]),
    obj: view.str(c.obj[index]),
    loc: view.str(c.loc[index]),
    task: c.task[index],
  };
}

/** What is at time `t` on `row`; `tolNs` is how far a thin span may be missed. */
export function pickAt(view: TraceView, row: Row, t: number, tolNs: number): Pick | undefined {
  if (row.kind === 'lock') {
    return {
      kind: 'lock',
      obj: row.obj,
      t,
      holders: valueAt(view.lockHolders(row.obj), t),
      waiters: valueAt(view.lockWaiters(row.obj), t),
    };
  }
  if (row.kind === 'queue') return { kind: 'queue', obj: row.obj, t, depth: valueAt(view.queueDepth(row.obj), t) };
  for (const e of view.errors()) {
    if (e.lane === row.lane && Math.abs(e.t - t) <= tolNs * 2)
      return { kind: 'error', lane: e.lane, t: e.t, text: e.message, stack: e.stack };
  }
  for (const m of view.marks()) {
    if (m.lane === row.lane && Math.abs(m.t - t) <= tolNs * 2)
      return { kind: 'mark', lane: m.lane, t: m.t, text: m.name, stack: '' };
  }
  let open: SpanPick | undefined;
  for (const o of view.openSpans()) {
    if (o.lane !== row.lane || o.start > t || (open && o.depth < open.depth)) continue;
    open = {
      kind: 'span',
      lane: o.lane,
      index: -1,
      start: o.start,
      end: NaN,
      cat: o.cat,
      depth: o.depth,
      name: o.name,
      detail: o.detail,
      obj: o.obj,
      loc: o.loc,
      task: o.task,
    };
  }
  const i = hitSpan(view.spans(row.lane), overlapIter(view, row.lane, t - tolNs, t + tolNs), t, tolNs);
  if (i < 0) return open;
  const closed = spanPick(view, row.lane, i);
  const inside = closed.start <= t && t <= closed.end;
  return open && (!inside || open.depth > closed.depth) ? open : closed;
}

function laneOfPid(view: TraceView, pid: number): number {
  for (const l of view.lanes()) if (l.pid === pid && l.tid === 0) return l.id;
  return -1;
}

/** Flows that explain a pick: task path, queue item path, or lock hand-off. */
export function flowsFor(view: TraceView, pick: Pick, tolNs: number): Flow[] {
  if (pick.kind === 'queue') {
    let best: Flow | undefined;
    let dist = Infinity;
    for (const f of view.flows()) {
      if (f.kind !== 'queue' || f.obj !== pick.obj) continue;
      const d = Math.min(Math.abs(f.fromT - pick.t), Math.abs(f.toT - pick.t));
      if (d < dist) [best, dist] = [f, d];
    }
    return best ? [best] : [];
  }
  if (pick.kind !== 'span') return [];
  if (pick.task >= 0) {
    const task = view.tasks()[pick.task];
    if (!task) return [];
    const from = laneOfPid(view, task.submitPid);
    const worker = laneOfPid(view, task.workerPid);
    const out: Flow[] = [];
    if (from >= 0 && worker >= 0 && Number.isFinite(task.submit) && Number.isFinite(task.start))
      out.push({ kind: 'task', obj: task.pool, fromLane: from, fromT: task.submit, toLane: worker, toT: task.start });
    if (from >= 0 && worker >= 0 && Number.isFinite(task.end) && Number.isFinite(task.result))
      out.push({ kind: 'task', obj: task.pool, fromLane: worker, fromT: task.end, toLane: from, toT: task.result });
    return out;
  }
  const kind =
    pick.cat === Cat.WaitLock || pick.cat === Cat.WaitSemaphore
      ? 'lock'
      : pick.cat === Cat.WaitQueueGet
        ? 'queue'
        : pick.cat === Cat.WaitRecv
          ? 'pipe'
          : undefined;
  if (!kind) return [];
  const end = Number.isNaN(pick.end) ? view.now : pick.end;
  let best: Flow | undefined;
  let dist = Infinity;
  for (const f of view.flows()) {
    if (f.kind !== kind || f.toLane !== pick.lane || (pick.obj && f.obj !== pick.obj)) continue;
    if (f.toT < pick.start - tolNs || f.toT > end + tolNs) continue;
    const d = Math.abs(f.toT - end);
    if (d < dist) [best, dist] = [f, d];
  }
  return best ? [best] : [];
}
