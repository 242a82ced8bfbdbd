/**
 * Editor hints from the last run: for each source line that takes a lock, gets from a queue or maps
 * over a pool, how often it ran and its p50/p95 wait, with the worst instance to link to the chart.
 * The extension turns these into CodeLens / inline hints and hovers.
 */
import { Cat } from '../schema';
import type { TraceView } from '../store/api';
import { contentionTable, type ContentionRow } from './contention';
import type { EventFacts } from './facts';
import { durationStats, fmtDuration, ViewIndex, type DurationStats, type SpanRef } from './util';

/** One line's hint. */
export interface LineHint {
  /** `file:line:col` as recorded. */
  loc: string;
  file: string;
  /** 1-based line and column. */
  line: number;
  col: number;
  what: 'lock' | 'queue' | 'pool';
  /** The object (lock, queue or pool) and its shown name. */
  obj: string;
  name: string;
  /** Acquisitions, gets that waited, or tasks submitted at this line. */
  count: number;
  /** Waits at the line (locks, queues), or task latency submit → result (pools). */
  wait: DurationStats;
  worst: SpanRef | null;
  /** "12× · wait p50 3 ms · p95 40 ms". */
  label: string;
}

/** Hints for every line of the run that took a lock, waited on a queue or submitted pool tasks. */
export function editorHints(view: TraceView, facts?: EventFacts, table?: ContentionRow[]): LineHint[] {
  const ix = ViewIndex.of(view);
  const out: LineHint[] = [];
  for (const row of table ?? contentionTable(view, facts)) {
    const what = row.typeWord === 'queue' ? 'queue' : 'lock';
    for (const s of row.sites) out.push(hint(s.loc, what, row.obj, row.name, s.acquisitions, s.wait, s.worst));
  }
  // Pool lines: tasks grouped by the line that submitted them (map, apply_async, ...).
  const byLoc = new Map<string, { pool: string; lat: number[]; worst: number }>();
  const tasks = view.tasks();
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    if (!t.loc || !Number.isFinite(t.submit) || !Number.isFinite(t.result)) continue;
    let g = byLoc.get(t.loc);
    if (!g) byLoc.set(t.loc, (g = { pool: t.pool, lat: [], worst: i }));
    const lat = t.result - t.submit;
    g.lat.push(lat);
    if (lat > tasks[g.worst].result - tasks[g.worst].submit) g.worst = i;
  }
  for (const [loc, g] of byLoc) {
    const stats = durationStats(Float64Array.from(g.lat));
    out.push(hint(loc, 'pool', g.pool, ix.name(g.pool), g.lat.length, stats, taskSpan(ix, g.worst)));
  }
  return out
    .filter((h) => h.line > 0)
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}

function hint(
  loc: string,
  what: LineHint['what'],
  obj: string,
  name: string,
  count: number,
  wait: DurationStats,
  worst: SpanRef | null,
): LineHint {
  const m = /^(.*):(\d+):(\d+)$/.exec(loc) ?? /^(.*):(\d+)$/.exec(loc);
  const file = m ? m[1] : loc;
  const line = m ? Number(m[2]) : 0;
  const col = m && m[3] ? Number(m[3]) : 1;
  const kind = what === 'pool' ? 'task latency' : 'wait';
  const label = wait.count
    ? `${count}× · ${kind} p50 ${fmtDuration(wait.p50)} · p95 ${fmtDuration(wait.p95)}`
    : `${count}× · never waited`;
  return { loc, file, line, col, what, obj, name, count, wait, worst, label };
}

/** The task span of tasks row `row` in its worker's lane. */
function taskSpan(ix: ViewIndex, row: number): SpanRef | null {
  const t = ix.view.tasks()[row];
  const lane = ix.lane(t.workerPid, 0);
  if (lane < 0) return null;
  const s = ix.view.spans(lane);
  for (let i = 0; i < s.count; i++)
    if (s.cat[i] === Cat.Task && s.task[i] === row) return { lane, index: i, start: s.start[i], end: s.end[i] };
  return null;
}
