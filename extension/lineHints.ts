// Editor hints from the last run, without vscode: which lines of which files took a lock, waited on a
// queue or submitted pool tasks, with count, p50/p95 wait and the worst instance, as text for a
// CodeLens title and a hover.
import { editorHints, type LineHint } from '../common/analysis/hints';
import { fmtDuration } from '../common/analysis/util';
import type { Chunk } from '../common/protocol';
import { TraceStore } from '../common/store';

/** A line's hint with the process (or thread) of its worst instance named. */
export type LensHint = LineHint & { worstWho: string };

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
    list.push({ ...h, worstWho: who });
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
  if (h.worst)
    lines.push(
      '',
      `Worst: ${fmtDuration(h.wait.count > 0 ? h.wait.max : h.worst.end - h.worst.start)} in ${h.worstWho || 'an unnamed lane'}, from ${fmtDuration(h.worst.start)} into the run.`,
    );
  return lines.join('\n');
}
