/**
 * Spans that have begun but not ended, per lane and span id. Each gets the lowest nesting depth not
 * taken by another open span of its lane, so nested spans stack and overlapping async waits get
 * rows of their own. A `Cat.Task` span is linked to the task whose TaskStart came on its lane.
 * Closed spans are handed to `onClose` (in a reused object).
 */
import type { OpenSpan } from './api';
import { Cat } from '../schema';
import type { SpanFields } from './spanTable';

/** What a Begin record says, with strings as store ids. */
export interface BeginFields {
  start: number;
  cat: number;
  name: number;
  detail: number;
  obj: number;
  loc: number;
}

/** An open span (a class, so every record has the same shape). */
class Open implements BeginFields {
  constructor(
    readonly id: number,
    public start: number,
    readonly cat: number,
    readonly name: number,
    readonly detail: number,
    readonly obj: number,
    readonly loc: number,
    readonly depth: number,
    public task: number,
  ) {}
}

interface LaneState {
  /** Open spans in begin order; a lane rarely has more than a handful, so a scan beats a map. */
  spans: Open[];
  /** depthUsed[d] is true while an open span sits at depth d. */
  depthUsed: boolean[];
  /** Task row of the latest TaskStart on this lane not yet linked to a Task span, or -1. */
  pendingTask: number;
  /** Spans closed because their process ended, by id, in case their own End arrives late. */
  forced: Map<number, { start: number; depth: number }>;
}

/** Called when a late End arrives for a span closed by its process's exit: the span really ended at `t`. */
export type FixEnd = (lane: number, start: number, depth: number, t: number, status: number) => void;

/** The open spans of every lane. */
export class OpenSpans {
  private readonly lanes: LaneState[] = [];
  private cache: OpenSpan[] | undefined;
  /** Reused for every close: `onClose` copies the fields out. */
  private readonly scratch: SpanFields = {
    start: 0,
    end: 0,
    cat: 0,
    status: 0,
    depth: 0,
    name: 0,
    detail: 0,
    obj: 0,
    loc: 0,
    task: 0,
  };

  constructor(
    private readonly onClose: (lane: number, span: SpanFields) => void,
    private readonly onFix: FixEnd,
  ) {}

  /** Opens span `id` on `lane`. */
  begin(lane: number, id: number, b: BeginFields): void {
    const st = this.state(lane);
    const prev = find(st.spans, id);
    if (prev >= 0) this.close(lane, st, prev, b.start, 0);
    st.forced.delete(id);
    let depth = 0;
    while (st.depthUsed[depth]) depth++;
    st.depthUsed[depth] = true;
    let task = -1;
    if (b.cat === Cat.Task && st.pendingTask >= 0) {
      task = st.pendingTask;
      st.pendingTask = -1;
    }
    st.spans.push(new Open(id, b.start, b.cat, b.name, b.detail, b.obj, b.loc, depth, task));
    this.cache = undefined;
  }

  /** Closes span `id` on `lane` (or corrects it if its process's exit closed it first); false if unknown. */
  end(lane: number, id: number, t: number, status: number): boolean {
    const st = this.lanes[lane];
    if (!st) return false;
    const i = find(st.spans, id);
    if (i >= 0) {
      this.close(lane, st, i, t, status);
      return true;
    }
    const f = st.forced.get(id);
    if (!f) return false;
    st.forced.delete(id);
    this.onFix(lane, f.start, f.depth, t, status);
    return true;
  }

  /** Links a TaskStart on `lane` to that lane's open Task span without a task, or to the next one. */
  taskStarted(lane: number, row: number): void {
    const st = this.state(lane);
    for (const o of st.spans) {
      if (o.cat === Cat.Task && o.task < 0) {
        o.task = row;
        this.cache = undefined;
        return;
      }
    }
    st.pendingTask = row;
  }

  /** Start of the newest open span of `lane` on object `obj` with a category in `cats`, else NaN. */
  openStart(lane: number, obj: number, cats: ReadonlySet<number>): number {
    const spans = this.lanes[lane]?.spans ?? [];
    for (let i = spans.length - 1; i >= 0; i--)
      if (spans[i].obj === obj && cats.has(spans[i].cat)) return spans[i].start;
    return NaN;
  }

  /** Closes every open span of `lane` at `t` (its process or thread ended). */
  closeLane(lane: number, t: number, status: number): void {
    const st = this.lanes[lane];
    if (!st) return;
    while (st.spans.length > 0) {
      const last = st.spans.length - 1;
      const o = st.spans[last];
      // Records of a process and the runner's record of its exit travel on different connections.
      st.forced.set(o.id, { start: o.start, depth: o.depth });
      this.close(lane, st, last, Math.max(t, o.start), status);
    }
  }

  /** Adds `d` to every time held (the store's origin moved). */
  shiftTimes(d: number): void {
    for (const st of this.lanes) {
      if (!st) continue;
      for (const o of st.spans) o.start += d;
      for (const f of st.forced.values()) f.start += d;
    }
    this.cache = undefined;
  }

  /** Closes every open span of every lane at `t`. */
  closeAll(t: number, status: number): void {
    for (let lane = 0; lane < this.lanes.length; lane++) this.closeLane(lane, t, status);
  }

  /** The open spans with strings resolved. */
  list(str: (id: number) => string): readonly OpenSpan[] {
    if (this.cache) return this.cache;
    const out: OpenSpan[] = [];
    this.lanes.forEach((st, lane) => {
      for (const o of st.spans) {
        out.push({
          lane,
          start: o.start,
          cat: o.cat,
          depth: o.depth,
          name: str(o.name),
          detail: str(o.detail),
          obj: str(o.obj),
          loc: str(o.loc),
          task: o.task,
        });
      }
    });
    out.sort((a, b) => a.lane - b.lane || a.start - b.start);
    this.cache = out;
    return out;
  }

  private close(lane: number, st: LaneState, i: number, t: number, status: number): void {
    const o = st.spans[i];
    if (i === st.spans.length - 1) st.spans.pop();
    else st.spans.splice(i, 1);
    st.depthUsed[o.depth] = false;
    this.cache = undefined;
    const s = this.scratch;
    s.start = o.start;
    s.end = t;
    s.cat = o.cat;
    s.status = status;
    s.depth = o.depth;
    s.name = o.name;
    s.detail = o.detail;
    s.obj = o.obj;
    s.loc = o.loc;
    s.task = o.task;
    this.onClose(lane, s);
  }

  private state(lane: number): LaneState {
    return (this.lanes[lane] ??= { spans: [], depthUsed: [], pendingTask: -1, forced: new Map() });
  }
}

/** Index of the open span `id` (searched from the newest), or -1. */
function find(spans: readonly Open[], id: number): number {
  for (let i = spans.length - 1; i >= 0; i--) if (spans[i].id === id) return i;
  return -1;
}
