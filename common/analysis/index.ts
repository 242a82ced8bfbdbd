/**
 * The analyses: pure functions of a `TraceView` (plus the live `DeadlockDetector`, fed event by
 * event). `analyzeRun` runs the whole-run ones together, as the panel and the command line show them.
 */
import type { TraceView } from '../store/api';
import { breakdown, type LaneBreakdown } from './breakdown';
import { contentionTable, type ContentionRow } from './contention';
import { criticalPath, type CriticalPath } from './criticalPath';
import { efficiency, type Efficiency } from './efficiency';
import { factsOf, type EventFacts } from './facts';
import { lint, type Lint } from './lints';
import type { TimeRange } from './util';

export * from './breakdown';
export * from './contention';
export * from './criticalPath';
export * from './deadlock';
export * from './efficiency';
export * from './facts';
export * from './hints';
export * from './lints';
export * from './lockOrder';
export * from './lostUpdate';
export * from './release';
export * from './util';
export * from './whyWaiting';

/** Everything the analysis panel shows for a run (or a brushed range of it). */
export interface RunAnalysis {
  contention: ContentionRow[];
  breakdown: LaneBreakdown[];
  criticalPath: CriticalPath;
  efficiency: Efficiency;
  lints: Lint[];
}

/** Runs the table, breakdown, critical path, efficiency and lints. `range` narrows the table and breakdown. */
export function analyzeRun(
  view: TraceView,
  opts: { cores: number; coresLocal?: boolean; range?: TimeRange; facts?: EventFacts },
): RunAnalysis {
  const facts = opts.facts ?? factsOf(view);
  const whole = contentionTable(view, facts);
  const { cores, coresLocal } = opts;
  const eff = efficiency(view, { cores, coresLocal, contention: whole }, facts);
  return {
    contention: opts.range ? contentionTable(view, facts, opts.range) : whole,
    breakdown: breakdown(view, opts.range),
    criticalPath: criticalPath(view),
    efficiency: eff,
    lints: lint(view, { cores, coresLocal, contention: whole, efficiency: eff }, facts),
  };
}
