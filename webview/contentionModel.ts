/**
 * What the contention table shows, as plain data: its columns (header, sort key, cell text) over the
 * analysis core's `ContentionRow`, and the wait spans of one object to highlight in the chart.
 */
import { DURATION_COLUMNS, durationOf, type ContentionColumn, type ContentionRow } from '../common/analysis/contention';
import { Cat } from '../common/schema';
import type { TraceView } from '../common/store/api';
import { formatDuration } from './layout';

/** One column of the table. */
export interface TableColumn {
  key: ContentionColumn;
  header: string;
  /** Tooltip of the header. */
  title: string;
  cell: (r: ContentionRow) => string;
  numeric: boolean;
}

const col = (
  key: ContentionColumn,
  header: string,
  title: string,
  cell: (r: ContentionRow) => string,
  numeric = true,
): TableColumn => ({ key, header, title, cell, numeric });

/** "Wait p50", "Hold total". */
const durationHeader = (of: string, stat: string): string => `${of[0].toUpperCase()}${of.slice(1)} ${stat}`;

/** The columns, in order. */
export const COLUMNS: readonly TableColumn[] = [
  col('name', 'Object', 'Name of the lock, semaphore, condition or queue', (r) => r.name, false),
  col('type', 'Kind', 'Kind of object', (r) => r.typeWord, false),
  col('acquisitions', 'Acq.', 'Acquisitions (locks) or gets (queues)', (r) => String(r.acquisitions)),
  col('waitShare', 'Waited', 'Share of acquisitions that had to wait', (r) => `${Math.round(r.waitShare * 100)}%`),
  ...DURATION_COLUMNS.map((c) =>
    col(c.key, durationHeader(c.of, c.stat), c.title, (r) => {
      const ns = durationOf(c, r);
      return ns === undefined ? '–' : formatDuration(ns);
    }),
  ),
  col('convoy', 'Convoy', 'Most waiters at once', (r) => String(r.convoy)),
  col('processes', 'Procs', 'Processes that used it', (r) => String(r.pids.length)),
];

/** A span to highlight: lane and [start, end] in relative ns. */
export interface SpanBox {
  lane: number;
  start: number;
  end: number;
}

const WAIT_CATS = new Set<number>([
  Cat.WaitLock,
  Cat.WaitSemaphore,
  Cat.WaitCondition,
  Cat.WaitQueueGet,
  Cat.WaitQueuePut,
]);

/** Every wait span on object `obj` (open ones end at the view's now), in lane then time order. */
export function waitsOf(view: TraceView, obj: string): SpanBox[] {
  const out: SpanBox[] = [];
  for (const lane of view.lanes()) {
    const s = view.spans(lane.id);
    for (let i = 0; i < s.count; i++)
      if (WAIT_CATS.has(s.cat[i]) && view.str(s.obj[i]) === obj)
        out.push({ lane: lane.id, start: s.start[i], end: s.end[i] });
  }
  for (const o of view.openSpans())
    if (WAIT_CATS.has(o.cat) && o.obj === obj) out.push({ lane: o.lane, start: o.start, end: view.now });
  return out.sort((a, b) => a.lane - b.lane || a.start - b.start);
}
