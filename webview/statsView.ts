/**
 * The toolbar's run summary (wall time, processes, tasks, CPU against the run machine's cores,
 * speed-up) and the statistics of the brushed range under the chart. Both are recomputed when the
 * trace or the range changes, at most 4 times a second while the run is live.
 */
import { runCores } from '../common/analysis/efficiency';
import type { TraceStore } from '../common/store';
import { formatDuration } from './layout';
import { setText } from './shell';
import { STATES } from './states';
import { rangeStats, summarize } from './stats';

/** Live updates at most this often (ms). */
const LIVE_MS = 250;

/** Writes the summary into `summaryEl` and the range statistics into `selectionEl`. */
export class StatsView {
  private summaryVersion = -1;
  private summaryAt = -Infinity;
  private selectionKey = '';
  private selectionVersion = -1;
  private selectionAt = -Infinity;

  constructor(
    private readonly summaryEl: HTMLElement,
    private readonly selectionEl: HTMLElement,
  ) {}

  /** Updates the summary if the trace changed; true when it was rewritten. */
  summary(st: TraceStore, live: boolean): boolean {
    const at = performance.now();
    if (st.version === this.summaryVersion || (at - this.summaryAt < LIVE_MS && live)) return false;
    this.summaryVersion = st.version;
    this.summaryAt = at;
    const m = summarize(st);
    // The cores of the machine that ran it (the viewer's may differ: Remote-SSH, saved traces).
    const { cores, coresLocal } = runCores(st, navigator.hardwareConcurrency || 1);
    const of = coresLocal ? `${cores} core${cores === 1 ? '' : 's'} of this machine` : String(cores);
    const cpu = Number.isNaN(m.busyCores) ? '–' : `${m.busyCores.toFixed(2)} cores`;
    const parts: [string, string, string][] = [
      ['wall ', formatDuration(m.wall), ''],
      ['', String(m.processes), m.threads ? ` processes · ${m.threads} threads` : ' processes'],
      ['tasks ', `${m.tasksDone}/${m.tasks}`, ''],
      ['CPU ', cpu, Number.isNaN(m.busyCores) ? '' : ` (${Math.round((100 * m.busyCores) / cores)}% of ${of})`],
      ['speed-up ', Number.isNaN(m.speedup) ? '–' : `${m.speedup.toFixed(2)}×`, ' vs serial'],
    ];
    this.summaryEl.replaceChildren(
      ...parts.map(([before, bold, after], i) => {
        const span = document.createElement('span');
        const b = document.createElement('b');
        b.textContent = bold;
        span.append(before, b, after + (i < parts.length - 1 ? ' ·' : ''));
        return span;
      }),
    );
    return true;
  }

  /** Shows the statistics of the brushed range `sel` (or how to brush one). */
  selection(st: TraceStore | undefined, sel: readonly [number, number] | null): void {
    const box = this.selectionEl;
    if (!sel || !st) {
      setText(
        box,
        'Drag on the time ruler to see statistics of a range. Click a span to open its source; click a task or queue to see its path.',
      );
      this.selectionKey = '';
      return;
    }
    const key = `${sel[0]}:${sel[1]}`;
    const at = performance.now();
    if (key === this.selectionKey && (st.version === this.selectionVersion || at - this.selectionAt < LIVE_MS)) return;
    this.selectionKey = key;
    this.selectionVersion = st.version;
    this.selectionAt = at;
    const r = rangeStats(st, sel[0], sel[1]);
    const total = r.byState.reduce((a, b) => a + b, 0) || 1;
    const parts = [
      `Selection ${formatDuration(sel[0])} – ${formatDuration(sel[1])} (${formatDuration(sel[1] - sel[0])})`,
      `${r.lanes} lanes`,
      `${r.tasks} tasks`,
      ...(Number.isNaN(r.busyCores) ? [] : [`CPU ${r.busyCores.toFixed(2)} cores`]),
    ];
    for (let i = 0; i < r.byState.length; i++) {
      if (r.byState[i] > 0) parts.push(`${STATES[i].label} ${((100 * r.byState[i]) / total).toFixed(1)}%`);
    }
    setText(box, parts.join(' · '));
  }
}
