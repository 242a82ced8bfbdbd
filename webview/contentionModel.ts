/**
 * What the contention table shows, as plain data: its columns (header, sort key, cell text) over the
 * analysis core's `ContentionRow`, and the wait spans of one object to highlight in the chart.
 */
import type { ContentionColumn, ContentionRow } from '../common/analysis/contention';
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

const dur = (ns: number, count: number): string => (count > 0 ? formatDuration(ns) : '–');

/** The columns, in order. */
export const COLUMNS: readonly TableColumn[] = [
  {
    key: 'name',
    header: 'Object',
    title: 'Name of the lock, semaphore, condition or queue',
    cell: (r) => r.name,
    numeric: false,
  },
  { key: 'type', header: 'Kind', title: 'Kind of object', cell: (r) => r.typeWord, numeric: false },
  {
    key: 'acquisitions',
    header: 'Acq.',
    title: 'Acquisitions (locks) or gets (queues)',
    cell: (r) => String(r.acquisitions),
    numeric: true,
  },
  {
    key: 'waitShare',
    header: 'Waited',
    title: 'Share of acquisitions that had to wait',
    cell: (r) => `${Math.round(r.waitShare * 100)}%`,
    numeric: true,
  },
  {
    key: 'waitTotal',
    header: 'Wait total',
    title: 'Total time spent waiting',
    cell: (r) => dur(r.wait.total, r.wait.count),
    numeric: true,
  },
  {
    key: 'waitP50',
    header: 'Wait p50',
    title: 'Median wait',
    cell: (r) => dur(r.wait.p50, r.wait.count),
    numeric: true,
  },
  {
    key: 'waitP95',
    header: 'Wait p95',
    title: '95th percentile wait',
    cell: (r) => dur(r.wait.p95, r.wait.count),
    numeric: true,
  },
  {
    key: 'waitMax',
    header: 'Wait max',
    title: 'Longest wait',
    cell: (r) => dur(r.wait.max, r.wait.count),
    numeric: true,
  },
  {
    key: 'holdTotal',
    header: 'Hold total',
    title: 'Total time held',
    cell: (r) => dur(r.hold.total, r.hold.count),
    numeric: true,
  },
  {
    key: 'holdP50',
    header: 'Hold p50',
    title: 'Median hold',
    cell: (r) => dur(r.hold.p50, r.hold.count),
    numeric: true,
  },
  {
    key: 'holdP95',
    header: 'Hold p95',
    title: '95th percentile hold',
    cell: (r) => dur(r.hold.p95, r.hold.count),
    numeric: true,
  },
  {
    key: 'holdMax',
    header: 'Hold max',
    title: 'Longest hold',
    cell: (r) => dur(r.hold.max, r.hold.count),
    numeric: true,
  },
  { key: 'convoy', header: 'Convoy', title: 'Most waiters at once', cell: (r) => String(r.convoy), numeric: true },
  {
    key: 'processes',
    header: 'Procs',
    title: 'Processes that used it',
    cell: (r) => String(r.pids.length),
    numeric: true,
  },
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
