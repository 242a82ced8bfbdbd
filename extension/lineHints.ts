// Editor hints from the last run, without vscode: which lines of which files took a lock, waited on a
// queue or submitted pool tasks, with count, p50/p95 wait and the worst instance, as text for a
// CodeLens title and a hover.
import { editorHints, type LineHint } from '../common/analysis/hints';
import { fmtDuration } from '../common/analysis/util';
import type { Chunk } from '../common/protocol';
import { TraceStore } from '../common/store';

/** A line's hint with the process (or thread) of its worst instance named, and its lane's ids. */
export type LensHint = LineHint & { worstWho: string; worstPid: number; worstTid: number };

/** The command behind the hover's "Show in chart" link (takes one `WaitTarget`). */
export const SHOW_WAIT_COMMAND = 'concurrencyLens.showWait';

/** What a hover's Markdown may run: only "Show in chart". */
export const HOVER_TRUST = { enabledCommands: [SHOW_WAIT_COMMAND] };

/** A span to select in the chart: lane by pid/tid, times in ns relative to the trace origin. */
export interface WaitTarget {
  pid: number;
  tid: number;
  start: number;
  end: number;
}

/** Hints of one run, by absolute file path. */
export type HintsByFile = Map<string, LensHint[]>;

/** Builds the hints of a finished run from its record streams. */
export function hintsFromChunks(chunks: readonly Chunk[]): HintsByFile {
  const store = new TraceStore();
  for (const c of chunks) store.ingest(c);
  const byFile: HintsByFile = new Map();
  const lanes = store.lanes();
  for (const h of editorHints(store)) {
    const lane = h.worst ? lanes[h.worst.lane] : undefined;
    const who = !lane ? '' : lane.tid ? `${lane.name} (thread of pid ${lane.pid})` : `${lane.name} (pid ${lane.pid})`;
    const list = byFile.get(h.file) ?? [];
    list.push({ ...h, worstWho: who, worstPid: lane?.pid ?? -1, worstTid: lane?.tid ?? -1 });
    byFile.set(h.file, list);
  }
  return byFile;
}

const WHAT: Record<LineHint['what'], string> = {
  lock: 'lock',
  queue: 'queue',
  pool: 'pool',
};

/** CodeLens title: "lock counter_lock · 400× · wait p50 1.2 ms · p95 9 ms". */
export function lensTitle(h: LineHint): string {
  return `${WHAT[h.what]} ${h.name} · ${h.label}`;
}

/** Hover text (Markdown) with the numbers and the worst instance. */
export function hoverMarkdown(h: LensHint): string {
  const kind = h.what === 'pool' ? 'Task latency (submit → result)' : 'Wait';
  const lines = [`**Concurrency Lens** — ${WHAT[h.what]} \`${h.name}\`, last run`, '', `${h.count}× at this line`];
  if (h.wait.count > 0) {
    lines.push(
      '',
      `${kind}: p50 ${fmtDuration(h.wait.p50)} · p95 ${fmtDuration(h.wait.p95)} · max ${fmtDuration(h.wait.max)} · total ${fmtDuration(h.wait.total)}`,
    );
  } else lines.push('', 'Never had to wait.');
  if (h.worst) {
    lines.push(
      '',
      `Worst: ${fmtDuration(h.wait.count > 0 ? h.wait.max : h.worst.end - h.worst.start)} in ${h.worstWho || 'an unnamed lane'}, from ${fmtDuration(h.worst.start)} into the run.`,
    );
    if (h.worstPid >= 0) {
      const target: WaitTarget = { pid: h.worstPid, tid: h.worstTid, start: h.worst.start, end: h.worst.end };
      const args = encodeURIComponent(JSON.stringify([target]));
      lines.push(
        '',
        `[Show in chart](command:${SHOW_WAIT_COMMAND}?${args} "Select this wait in the Concurrency Lens panel")`,
      );
    }
  }
  return lines.join('\n');
}

/** Checks the argument of `SHOW_WAIT_COMMAND` (it comes from a link, so it is checked like any input). */
export function parseWaitTarget(raw: unknown): WaitTarget | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  const id = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
  const t = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (!id(m.pid) || !id(m.tid) || !t(m.start) || !t(m.end) || m.start > m.end) return undefined;
  return { pid: m.pid, tid: m.tid, start: m.start, end: m.end };
}

/**
 * Why "Show in chart" cannot select the wait, or undefined when it can: the hover's numbers belong to
 * run `hinted`; the panel shows `shown` (undefined: nothing yet).
 */
export function showWaitRefusal(
  hinted: string | undefined,
  shown: string | undefined,
  sameRun: boolean,
): string | undefined {
  if (sameRun) return undefined;
  if (!hinted) return 'Concurrency Lens: this wait is from a run that is no longer available. Run the snippet again.';
  if (hinted === shown)
    return `Concurrency Lens: the chart shows a newer run of ${hinted} than the one this wait is from. The editor's numbers follow once that run ends.`;
  return `Concurrency Lens: the chart shows ${shown ? `"${shown}"` : 'nothing'}, not the run of ${hinted} that this wait is from. Run the snippet again to see its waits in the chart.`;
}
