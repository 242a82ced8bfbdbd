/** The JSON `concurrency-lens run --json` prints on stdout for scripts: outcome, summary and analyses. */
import type { RunAnalysis } from '../../common/analysis';
import type { LockOrderInversion } from '../../common/analysis/lockOrder';
import type { RunDeadlock } from '../liveDeadlock';
import type { RunResult } from '../runResult';
import type { RunSummary } from '../summary';

/** Everything a script gets from one run (times in ns, relative to the run's start unless named otherwise). */
export interface JsonReport {
  snippet: string;
  /** The process exit code of the command (3 when `--stop-on-deadlock` stopped the run). */
  exitCode: number;
  result: RunResult;
  /** The summary; `summary.lostEvents` / `summary.lost` count events that never reached the runner. */
  summary?: RunSummary;
  /** Deadlocks and stalls found while the run went on, in order. */
  deadlocks: RunDeadlock[];
  lockOrderInversions: LockOrderInversion[];
  contention?: RunAnalysis['contention'];
  efficiency?: RunAnalysis['efficiency'];
  lints?: RunAnalysis['lints'];
  breakdown?: RunAnalysis['breakdown'];
  /** The critical path's summary and time per lane (segments left out: they can be many). */
  criticalPath?: Pick<RunAnalysis['criticalPath'], 'summary' | 'byLane' | 'start' | 'end'>;
}

/** Builds the report; `analysis` and `summary` are absent when the run could not start. */
export function jsonReport(
  snippet: string,
  exitCode: number,
  result: RunResult,
  deadlocks: RunDeadlock[],
  inversions: LockOrderInversion[],
  summary?: RunSummary,
  analysis?: RunAnalysis,
): JsonReport {
  const report: JsonReport = { snippet, exitCode, result, summary, deadlocks, lockOrderInversions: inversions };
  if (analysis) {
    const { summary: s, byLane, start, end } = analysis.criticalPath;
    Object.assign(report, {
      contention: analysis.contention,
      efficiency: analysis.efficiency,
      lints: analysis.lints,
      breakdown: analysis.breakdown,
      criticalPath: { summary: s, byLane, start, end },
    });
  }
  return report;
}
