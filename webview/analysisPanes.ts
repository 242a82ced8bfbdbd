/**
 * The analysis panes under the chart: the contention table and the time breakdown (each toggled
 * by a toolbar button, both following the brushed range) and the why-waiting detail of the
 * selected wait. Recomputed from the panel's store when the trace, the brush or the selection change.
 */
import { breakdown } from '../common/analysis/breakdown';
import { contentionTable, type ContentionRow } from '../common/analysis/contention';
import { whyWaiting } from '../common/analysis/whyWaiting';
import type { TraceStore } from '../common/store';
import { BreakdownView } from './breakdownView';
import type { Chart } from './chart';
import { waitsOf } from './contentionModel';
import { ContentionView } from './contentionView';
import { WhyView } from './whyView';

function toggle(cls: string, text: string, title: string, pane: HTMLElement, onToggle: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = cls;
  b.textContent = text;
  b.title = title;
  b.setAttribute('aria-pressed', 'false');
  b.addEventListener('click', () => {
    pane.hidden = !pane.hidden;
    b.setAttribute('aria-pressed', String(!pane.hidden));
    onToggle();
  });
  return b;
}

/** The panes and their toggles. */
export class AnalysisPanes {
  readonly contention: ContentionView;
  readonly breakdown: BreakdownView;
  readonly why: WhyView;
  private whyKey = '';
  private tableKey = '';
  private tableAt = -Infinity;

  /** Builds the panes in `app` before `before`, and their toggles in the toolbar before `toolbarAnchor`. */
  constructor(
    app: HTMLElement,
    before: HTMLElement,
    toolbarAnchor: HTMLElement,
    private readonly chart: Chart,
    private readonly store: () => TraceStore | undefined,
  ) {
    this.contention = new ContentionView(app, before, (row) => this.pickObject(row));
    this.breakdown = new BreakdownView(app, before);
    this.why = new WhyView(app, this.contention.el);
    const changed = (): void => {
      this.tableKey = '';
      this.update();
    };
    toolbarAnchor.before(
      toggle(
        'table-toggle',
        'Contention',
        'Show one row per lock, semaphore, condition and queue under the chart',
        this.contention.el,
        changed,
      ),
      toggle(
        'breakdown-toggle',
        'Breakdown',
        'Show where each process spent its time (follows the brushed range)',
        this.breakdown.el,
        changed,
      ),
    );
  }

  /** Forgets the picked object (a new trace). */
  reset(): void {
    this.contention.selected = '';
    this.tableKey = '';
  }

  /** Brings the shown panes up to date. */
  update(): void {
    this.updateTables();
    this.updateWhy();
  }

  /** Highlights the waits on the table's picked object and zooms to its worst wait (or clears). */
  private pickObject(row: ContentionRow | null): void {
    const st = this.store();
    this.chart.highlight = row && st ? waitsOf(st, row.obj) : [];
    const w = row?.worst;
    if (w) {
      const pad = Math.max((w.end - w.start) * 0.5, 1e6);
      this.chart.setWindow(w.start - pad, w.end + pad);
    }
    this.chart.invalidate();
  }

  /** Rebuilds the contention table and breakdown (when shown) for the brushed range, at most 4 times a second live. */
  private updateTables(): void {
    const st = this.store();
    if (!st || (this.contention.el.hidden && this.breakdown.el.hidden)) return;
    const sel = this.chart.selection;
    const key = `${st.version}|${sel ? sel.join() : ''}|${this.chart.theme.kind}`;
    const at = performance.now();
    if (key === this.tableKey || (this.chart.live && at - this.tableAt < 250)) return;
    this.tableKey = key;
    this.tableAt = at;
    const range = sel ? { t0: sel[0], t1: sel[1] } : undefined;
    if (!this.contention.el.hidden) this.contention.render(contentionTable(st, undefined, range));
    if (!this.breakdown.el.hidden) this.breakdown.render(breakdown(st, range), sel, this.chart.theme);
  }

  /** Explains the selected span in the detail area when it is a wait (recomputed as the trace grows). */
  private updateWhy(): void {
    const st = this.store();
    const f = this.chart.focus?.pick;
    const key = st && f ? `${st.version}|${f.lane}|${f.index}|${f.start}` : '';
    if (key === this.whyKey) return;
    this.whyKey = key;
    const end = f && Number.isNaN(f.end) ? (st?.now ?? 0) : (f?.end ?? 0);
    this.why.render(st && f ? whyWaiting(st, { lane: f.lane, index: f.index, start: f.start, end }) : null);
  }
}
