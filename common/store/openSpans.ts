/**
 * Spans that have begun but not ended, per lane and span id. Each gets the lowest nesting depth not
 * taken by another open span of its lane, so nested spans stack and overlapping async waits get
 * rows of their own. A `Cat.Task` span is linked to the task whose TaskStart came on its lane.
 * Closed spans are handed to `onClose`.
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

interface Open extends BeginFields {
  depth: number;
  task: number;
}

interface LaneState {
  spans: Map<number, Open>;
  /** depthUsed[d] is true while an open span sits at depth d. */
  depthUsed: boolean[];
  /** Task row of the latest TaskStart on this lane not yet linked to a Task span, or -1. */
  pendingTask: number;
}

/** The open spans of every lane. */
export class OpenSpans {
  private readonly lanes: LaneState[] = [];
  private cache: OpenSpan[] | undefined;

  constructor(private readonly onClose: (lane: number, span: SpanFields) => void) {}

  /** Opens span `id` on `lane`. */
  begin(lane: number, id: number, b: BeginFields): void {
    const st = this.state(lane);
    const prev = st.spans.get(id);
    if (prev) this.close(lane, st, id, prev, b.start, 0);
    let depth = 0;
    while (st.depthUsed[depth]) depth++;
    st.depthUsed[depth] = true;
    let task = -1;
    if (b.cat === Cat.Task && st.pendingTask >= 0) {
      task = st.pendingTask;
      st.pendingTask = -1;
    }
    st.spans.set(id, { ...b, depth, task });
    this.cache = undefined;
  }

  /** Closes span `id` on `lane`; false if it was not open. */
  end(lane: number, id: number, t: number, status: number): boolean {
    const st = this.lanes[lane];
    const o = st?.spans.get(id);
    if (!st || !o) return false;
    this.close(lane, st, id, o, t, status);
    return true;
  }

  /** Links a TaskStart on `lane` to that lane's open Task span without a task, or to the next one. */
  taskStarted(lane: number, row: number): void {
    const st = this.state(lane);
    for (const o of st.spans.values()) {
      if (o.cat === Cat.Task && o.task < 0) {
        o.task = row;
        this.cache = undefined;
        return;
      }
    }
    st.pendingTask = row;
  }

  /** Closes every open span of `lane` at `t` (its process or thread ended). */
  closeLane(lane: number, t: number, status: number): void {
    const st = this.lanes[lane];
    if (!st) return;
    for (const [id, o] of [...st.spans]) this.close(lane, st, id, o, Math.max(t, o.start), status);
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
      for (const o of st.spans.values()) {
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

  private close(lane: number, st: LaneState, id: number, o: Open, t: number, status: number): void {
    st.spans.delete(id);
    st.depthUsed[o.depth] = false;
    this.cache = undefined;
    this.onClose(lane, { ...o, end: t, status });
  }

  private state(lane: number): LaneState {
    return (this.lanes[lane] ??= { spans: new Map(), depthUsed: [], pendingTask: -1 });
  }
}
