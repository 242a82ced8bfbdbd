/**
 * Contention table: one row per lock, rlock, semaphore, condition and queue, with acquisitions, the
 * share that waited, wait and hold statistics, the longest convoy, the processes involved and the
 * source lines where it is taken. Spans overlapping the time range count, with their full duration.
 */
import { Cat, Kind, ObjType } from '../schema';
import type { TraceView } from '../store/api';
import { factsOf, type EventFacts } from './facts';
import {
  durationStats,
  F64List,
  forEachOverlap,
  objTypeWord,
  rangeOf,
  ViewIndex,
  type DurationStats,
  type SpanRef,
  type TimeRange,
} from './util';

/** Per source line statistics of one object (for the table and editor hints). */
export interface ContentionSite {
  loc: string;
  acquisitions: number;
  /** Waits that blocked at this line. */
  wait: DurationStats;
  /** The longest of them (for a hover that links to the chart). */
  worst: SpanRef | null;
}

/** One row of the contention table. */
export interface ContentionRow {
  obj: string;
  name: string;
  /** `ObjType`. */
  type: number;
  /** "lock", "queue", ... */
  typeWord: string;
  /** Where the object was created. */
  loc: string;
  /** Acquisitions (locks) or gets (queues). */
  acquisitions: number;
  /** How many of them had to wait first. */
  waited: number;
  /** `waited / acquisitions` (0..1). */
  waitShare: number;
  /** Statistics over the waits (blocked spans only). */
  wait: DurationStats;
  /** Statistics over the holds (locks only; count 0 for queues). */
  hold: DurationStats;
  /** Most waiters at once, and when that happened. */
  convoy: number;
  convoyAt: number;
  /** Processes that took, waited for, put into or got from it. */
  pids: number[];
  /** Source lines, most used first. */
  sites: ContentionSite[];
  /** The longest wait, to jump to. */
  worst: SpanRef | null;
}

/** Sortable columns of the table. */
export type ContentionColumn =
  'name' | 'type' | 'acquisitions' | 'waitShare' | DurationColumnKey | 'convoy' | 'processes';

/** The columns that show a duration statistic of the waits or the holds. */
export type DurationColumnKey =
  'waitTotal' | 'waitP50' | 'waitP95' | 'waitMax' | 'holdTotal' | 'holdP50' | 'holdP95' | 'holdMax';

/** A duration column: statistic `stat` of an object's waits or holds, and what it means (a header tooltip). */
export interface DurationColumn {
  key: DurationColumnKey;
  of: 'wait' | 'hold';
  stat: 'total' | 'p50' | 'p95' | 'max';
  title: string;
}

/** What each duration column shows; a record, so a key left out is a compile error. */
const DURATIONS: Record<DurationColumnKey, Omit<DurationColumn, 'key'>> = {
  waitTotal: { of: 'wait', stat: 'total', title: 'Total time spent waiting' },
  waitP50: { of: 'wait', stat: 'p50', title: 'Median wait' },
  waitP95: { of: 'wait', stat: 'p95', title: '95th percentile wait' },
  waitMax: { of: 'wait', stat: 'max', title: 'Longest wait' },
  holdTotal: { of: 'hold', stat: 'total', title: 'Total time held' },
  holdP50: { of: 'hold', stat: 'p50', title: 'Median hold' },
  holdP95: { of: 'hold', stat: 'p95', title: '95th percentile hold' },
  holdMax: { of: 'hold', stat: 'max', title: 'Longest hold' },
};

/** The duration columns in table order, for the CLI's text table and the panel's table alike. */
export const DURATION_COLUMNS: readonly DurationColumn[] = Object.entries(DURATIONS).map(([key, c]) => ({
  key: key as DurationColumnKey,
  ...c,
}));

/** Row `r`'s value in duration column `c` (ns), or undefined when there were no waits (holds) to measure. */
export function durationOf(c: DurationColumn, r: ContentionRow): number | undefined {
  const s = r[c.of];
  return s.count > 0 ? s[c.stat] : undefined;
}

const KIND_HOLD = 1;
const KIND_LOCK_WAIT = 2;
const KIND_QUEUE_WAIT = 3;
const CAT_KIND = new Uint8Array(32);
CAT_KIND[Cat.Hold] = KIND_HOLD;
CAT_KIND[Cat.WaitLock] = CAT_KIND[Cat.WaitSemaphore] = CAT_KIND[Cat.WaitCondition] = KIND_LOCK_WAIT;
CAT_KIND[Cat.WaitQueueGet] = CAT_KIND[Cat.WaitQueuePut] = KIND_QUEUE_WAIT;

const TABLE_TYPES = new Set<number>([ObjType.Lock, ObjType.RLock, ObjType.Semaphore, ObjType.Condition, ObjType.Queue]);

class Acc {
  readonly waits = new F64List();
  readonly waitStart = new F64List();
  readonly waitEnd = new F64List();
  readonly holds = new F64List();
  readonly pids = new Set<number>();
  readonly siteAcq = new Map<string, number>();
  readonly siteWaits = new Map<string, F64List>();
  readonly siteWorst = new Map<string, SpanRef>();
  worst: SpanRef | null = null;
  queueWaitCat = 0;
  lastLane = -1;
  constructor(readonly key: string) {}

  wait(lane: number, index: number, start: number, end: number, loc: string): void {
    const d = end - start;
    this.waits.push(d);
    this.waitStart.push(start);
    this.waitEnd.push(end);
    if (loc) {
      let l = this.siteWaits.get(loc);
      if (!l) this.siteWaits.set(loc, (l = new F64List()));
      l.push(d);
      const w = this.siteWorst.get(loc);
      if (!w || d > w.end - w.start) this.siteWorst.set(loc, { lane, index, start, end });
    }
    if (!this.worst || d > this.worst.end - this.worst.start) this.worst = { lane, index, start, end };
  }

  hold(start: number, end: number, loc: string): void {
    this.holds.push(end - start);
    if (loc) this.siteAcq.set(loc, (this.siteAcq.get(loc) ?? 0) + 1);
  }
}

/** Builds the contention table for the whole run or for spans overlapping `range`. */
export function contentionTable(view: TraceView, facts?: EventFacts, range?: TimeRange): ContentionRow[] {
  facts ??= factsOf(view);
  const { t0, t1 } = rangeOf(range);
  const whole = range === undefined;
  const ix = ViewIndex.of(view);
  const byId = new Map<number, Acc>();
  const byKey = new Map<string, Acc>();
  const accFor = (key: string): Acc => {
    let a = byKey.get(key);
    if (!a) byKey.set(key, (a = new Acc(key)));
    return a;
  };
  const visit = (lane: number, index: number, cat: number, acc: Acc, start: number, end: number, loc: string) => {
    const kind = CAT_KIND[cat];
    if (acc.lastLane !== lane) {
      acc.lastLane = lane;
      acc.pids.add(ix.lanes[lane].pid);
    }
    if (kind === KIND_HOLD) acc.hold(start, end, loc);
    else {
      acc.wait(lane, index, start, end, loc);
      if (kind === KIND_QUEUE_WAIT) acc.queueWaitCat = cat;
    }
  };

  for (const lane of ix.lanes) {
    const s = view.spans(lane.id);
    const each = (i: number): void => {
      const cat = s.cat[i];
      const objId = s.obj[i];
      if (CAT_KIND[cat] === 0 || objId === 0) return;
      let acc = byId.get(objId);
      if (!acc) byId.set(objId, (acc = accFor(view.str(objId))));
      visit(lane.id, i, cat, acc, s.start[i], s.end[i], view.str(s.loc[i]));
    };
    if (whole) for (let i = 0; i < s.count; i++) each(i);
    else forEachOverlap(view, lane.id, t0, t1, each);
  }
  for (const o of view.openSpans()) {
    if (CAT_KIND[o.cat] === 0 || !o.obj || o.start > t1) continue;
    visit(o.lane, -1, o.cat, accFor(o.obj), o.start, view.now, o.loc);
  }

  // Queue gets (acquisitions of a queue) from the facts when fed, else from the item flows.
  const gets = new Map<string, number>();
  if (facts) {
    for (const [key, q] of facts.queues) {
      let n = 0;
      for (let i = 0; i < q.getT.length; i++) {
        const t = q.getT.data[i] - view.origin;
        if (t >= t0 && t <= t1) n++;
      }
      gets.set(key, n);
      if (n) for (let i = 0; i < q.getPid.length; i++) accFor(key).pids.add(q.getPid.data[i]);
      for (let i = 0; i < q.putPid.length; i++) accFor(key).pids.add(q.putPid.data[i]);
    }
  } else {
    for (const f of view.flows()) {
      if (f.kind !== 'queue' || f.toT < t0 || f.toT > t1) continue;
      gets.set(f.obj, (gets.get(f.obj) ?? 0) + 1);
      const acc = accFor(f.obj);
      acc.pids.add(ix.lanes[f.fromLane].pid);
      acc.pids.add(ix.lanes[f.toLane].pid);
    }
  }

  const rows: ContentionRow[] = [];
  const keys = new Set<string>(byKey.keys());
  for (const o of ix.objects.values()) if (TABLE_TYPES.has(o.type)) keys.add(o.key);
  for (const key of keys) {
    const acc = accFor(key);
    const decl = ix.objects.get(key);
    const type = decl?.type ?? (acc.queueWaitCat || gets.has(key) ? ObjType.Queue : ObjType.Lock);
    if (!TABLE_TYPES.has(type)) continue;
    const isQueue = type === ObjType.Queue;
    const wait = durationStats(acc.waits.data, acc.waits.length);
    const hold = durationStats(acc.holds.data, acc.holds.length);
    let acquisitions = isQueue ? (gets.get(key) ?? 0) : hold.count;
    const acq = facts?.acquires.get(key);
    if (!isQueue && whole && acq) acquisitions = Math.max(acquisitions, acq.count);
    if (whole && facts) acquisitions += facts.aggregatedCount(key, isQueue ? Kind.QueueGet : Kind.LockAcquire);
    const waited = wait.count;
    acquisitions = Math.max(acquisitions, waited);
    const [convoy, convoyAt] = longestConvoy(acc.waitStart, acc.waitEnd);
    rows.push({
      obj: key,
      name: ix.name(key),
      type,
      typeWord: objTypeWord(type),
      loc: decl?.loc ?? '',
      acquisitions,
      waited,
      waitShare: acquisitions ? waited / acquisitions : 0,
      wait,
      hold,
      convoy,
      convoyAt,
      pids: [...acc.pids].sort((a, b) => a - b),
      sites: sitesOf(acc, whole ? acq?.byLoc : undefined),
      worst: acc.worst,
    });
  }
  return rows.sort(compareContention('waitTotal', 'desc'));
}

function sitesOf(acc: Acc, acquires: Map<string, number> | undefined): ContentionSite[] {
  const locs = new Set<string>([...acc.siteAcq.keys(), ...acc.siteWaits.keys(), ...(acquires?.keys() ?? [])]);
  const out: ContentionSite[] = [];
  for (const loc of locs) {
    const w = acc.siteWaits.get(loc);
    const wait = w ? durationStats(w.data, w.length) : durationStats(new Float64Array(0));
    const acquisitions = Math.max(acc.siteAcq.get(loc) ?? 0, acquires?.get(loc) ?? 0, wait.count);
    out.push({ loc, acquisitions, wait, worst: acc.siteWorst.get(loc) ?? null });
  }
  return out.sort((a, b) => b.acquisitions - a.acquisitions || b.wait.total - a.wait.total || (a.loc < b.loc ? -1 : 1));
}

/** Most intervals open at once, and the time it first happened. */
export function longestConvoy(starts: F64List, ends: F64List): [number, number] {
  const n = starts.length;
  if (n === 0) return [0, NaN];
  const s = starts.data.slice(0, n).sort();
  const e = ends.data.slice(0, n).sort();
  let open = 0;
  let best = 0;
  let at = NaN;
  let j = 0;
  for (let i = 0; i < n; i++) {
    // An interval ending exactly when another starts does not overlap it.
    while (j < n && e[j] <= s[i]) {
      j++;
      open--;
    }
    open++;
    if (open > best) {
      best = open;
      at = s[i];
    }
  }
  return [best, at];
}

const COLUMN: Record<ContentionColumn, (r: ContentionRow) => number | string> = {
  name: (r) => r.name,
  type: (r) => r.typeWord,
  acquisitions: (r) => r.acquisitions,
  waitShare: (r) => r.waitShare,
  // Sorting sees the raw statistic (a total of 0 when nothing waited), not durationOf's undefined.
  ...(Object.fromEntries(DURATION_COLUMNS.map((c) => [c.key, (r: ContentionRow) => r[c.of][c.stat]])) as Record<
    DurationColumnKey,
    (r: ContentionRow) => number
  >),
  convoy: (r) => r.convoy,
  processes: (r) => r.pids.length,
};

/** Comparator for `rows.sort`: by one column, empty (NaN) values last, ties by name. */
export function compareContention(
  column: ContentionColumn,
  dir: 'asc' | 'desc' = 'desc',
): (a: ContentionRow, b: ContentionRow) => number {
  const get = COLUMN[column];
  const sign = dir === 'asc' ? 1 : -1;
  return (a, b) => {
    const x = get(a);
    const y = get(b);
    const xn = typeof x === 'number' && Number.isNaN(x);
    const yn = typeof y === 'number' && Number.isNaN(y);
    if (xn !== yn) return xn ? 1 : -1;
    if (!xn && x !== y) return (x < y ? -1 : 1) * sign;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
}
