/**
 * What the Findings pane shows, as plain data: parallel efficiency and its limiters (in the command
 * line's words), the critical path (its length against the wall time, its main segments and the
 * spans to box in the chart), the lints and the lock-order inversions, each with its source lines
 * and the sample that shows the fix. Pure: computed from a `TraceView`, unit-tested in Node.
 */
import { contentionTable } from '../common/analysis/contention';
import { criticalPath, type CriticalSegment } from '../common/analysis/criticalPath';
import { efficiency } from '../common/analysis/efficiency';
import { factsOf } from '../common/analysis/facts';
import { lint, type Lint, type LintId } from '../common/analysis/lints';
import { LOCK_ORDER_EXPLANATION, type LockOrderInversion } from '../common/analysis/lockOrder';
import { fmtDuration, fmtPercent, laneLabel } from '../common/analysis/util';
import { isSamplePath } from '../common/samples';
import type { TraceView } from '../common/store/api';
import type { SpanBox } from './contentionModel';
import { formatDuration } from './layout';

/** One finding: a limiter, a lint or a lock-order inversion. */
export interface FindingRow {
  /** Stable key ("limiter:serial-fraction", "lint:join-before-drain:0", "lock-order:0"). */
  key: string;
  severity: Lint['severity'];
  title: string;
  /** The specifics of this run (the analysis's evidence or message). */
  text: string;
  /** Why it matters and what to do ('' when the text says it). */
  explanation: string;
  /** Source lines (`file:line:col` as recorded), first the main one. */
  locs: string[];
  /** Repository path of the sample that shows the fix ('' for none). */
  sample: string;
}

/** Everything the pane shows. */
export interface Findings {
  /** "speed-up 2.9× on 4 workers (efficiency 72%); limited by uneven chunks", as the CLI prints it. */
  efficiency: string;
  speedup: number;
  workers: number;
  limiters: FindingRow[];
  /** "Critical path 3.95 s of the 4.00 s wall time (99%)". */
  criticalHeadline: string;
  /** "process 43 1.20 s (30%), …" ('' when nothing was recorded). */
  criticalByLane: string;
  /** The longest stretches of the path, in time order ("process 43 running 0 – 1.2 s (1.2 s)"). */
  criticalSegments: string[];
  /** Every stretch of the path, to box in the chart. */
  criticalBoxes: SpanBox[];
  lints: FindingRow[];
  inversions: FindingRow[];
}

/** Titles of the lints (their messages carry the specifics). */
export const LINT_TITLES: Record<LintId, string> = {
  'join-before-drain': 'Joined before the queue was drained',
  'pool-not-joined': 'Pool never closed or joined',
  'value-lost-update': 'Lost update on a shared Value',
  'lock-held-across-wait': 'Lock held across a blocking call',
  'uneven-chunks': 'Uneven chunks',
  oversubscription: 'More busy workers than cores',
};

/** How many critical-path stretches the pane lists. */
export const MAX_SEGMENTS = 5;

const LOC_RE = /[^\s(),;]+:\d+:\d+/g;

/**
 * Source locations in `text` ("a.py:3:5"), in order, without repeats, after `first`. A match that is
 * the tail of one already found is the same location cut at a space ("/Users/me/My Projects/a.py:3:5"
 * also matches as "Projects/a.py:3:5"): it is not a second one.
 */
export function locsOf(first: string, text: string): string[] {
  const out = first ? [first] : [];
  for (const m of text.match(LOC_RE) ?? []) if (!out.some((o) => o.endsWith(m))) out.push(m);
  return out;
}

/** Whether the pane has anything to warn about (limiters, lints or inversions). */
export function hasFindings(f: Findings): boolean {
  return f.limiters.length + f.lints.length + f.inversions.length > 0;
}

/**
 * Computes the pane's contents for the whole trace; `inversions` come from the live deadlock detector,
 * `cores` from `runCores` (the run's machine, else this one's with `coresLocal`).
 */
export function findingsOf(
  view: TraceView,
  opts: { cores: number; coresLocal?: boolean; inversions: readonly LockOrderInversion[] },
): Findings {
  const facts = factsOf(view);
  const table = contentionTable(view, facts);
  const { cores, coresLocal } = opts;
  const eff = efficiency(view, { cores, coresLocal, contention: table }, facts);
  const lints = lint(view, { cores, coresLocal, contention: table, efficiency: eff }, facts);
  // Uneven chunks and oversubscription are both a limiter and a lint: shown once, as the limiter.
  const asLint = new Map(lints.map((l) => [l.id as string, l]));
  const limiters = eff.limiters.map((l): FindingRow => {
    const twin = asLint.get(l.id);
    return {
      key: `limiter:${l.id}`,
      severity: twin?.severity ?? 'info',
      title: l.title,
      text: l.evidence,
      explanation: twin?.explanation ?? '',
      locs: locsOf(l.loc, l.evidence),
      sample: twin && isSamplePath(twin.sample) ? twin.sample : '',
    };
  });
  const lintRows = lints
    .filter((l) => !eff.limiters.some((m) => m.id === l.id))
    .map((l, i): FindingRow => ({
      key: `lint:${l.id}:${i}`,
      severity: l.severity,
      title: LINT_TITLES[l.id],
      text: l.message,
      explanation: l.explanation,
      locs: locsOf(l.loc, l.message),
      sample: isSamplePath(l.sample) ? l.sample : '',
    }));
  const inversions = opts.inversions.map((inv, i): FindingRow => ({
    key: `lock-order:${i}`,
    severity: 'warning',
    title: 'Lock-order inversion',
    text: inv.sentence,
    explanation: LOCK_ORDER_EXPLANATION,
    locs: [inv.a.firstLoc, inv.a.secondLoc, inv.b.firstLoc, inv.b.secondLoc].filter(
      (l, k, all) => l !== '' && all.indexOf(l) === k,
    ),
    sample: '',
  }));
  const cp = criticalPath(view);
  const merged = mergeSegments(cp.segments);
  const length = merged.reduce((n, s) => n + s.to - s.from, 0);
  const wall = cp.end - cp.start;
  const longest = [...merged]
    .sort((a, b) => b.to - b.from - (a.to - a.from))
    .slice(0, MAX_SEGMENTS)
    .sort((a, b) => a.from - b.from);
  return {
    efficiency: eff.summary,
    speedup: eff.speedup,
    workers: eff.workers,
    limiters,
    criticalHeadline:
      merged.length === 0
        ? 'No critical path: nothing was recorded yet.'
        : `Critical path ${fmtDuration(length)} of the ${fmtDuration(wall)} wall time (${fmtPercent(wall > 0 ? length / wall : 0)})`,
    criticalByLane: merged.length === 0 ? '' : cp.summary.replace(/^critical path [^:]*: /, ''),
    criticalSegments: longest.map(
      (s) =>
        `${laneLabel(s.pid, s.tid)} ${s.kind} ${formatDuration(s.from)} – ${formatDuration(s.to)} (${formatDuration(s.to - s.from)})`,
    ),
    criticalBoxes: boxesOf(merged),
    lints: lintRows,
    inversions,
  };
}

/** Joins consecutive stretches on the same lane of the same kind (the walk splits them at each step). */
export function mergeSegments(segments: readonly CriticalSegment[]): CriticalSegment[] {
  const out: CriticalSegment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.lane === s.lane && last.kind === s.kind && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

/** One box per unbroken stretch on a lane, running and waiting alike (fewer boxes for the overlay). */
export function boxesOf(segments: readonly CriticalSegment[]): SpanBox[] {
  const out: SpanBox[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.lane === s.lane && s.from <= last.end) last.end = Math.max(last.end, s.to);
    else out.push({ lane: s.lane, start: s.from, end: s.to });
  }
  return out;
}
