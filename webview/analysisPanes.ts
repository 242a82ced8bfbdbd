/**
 * The analysis panes under the chart: the contention table and the time breakdown (each toggled
 * by a toolbar button, both following the brushed range), the findings of the whole run (efficiency,
 * critical path, lints, lock-order inversions; toggled too) and the why-waiting detail of the
 * selected wait. Recomputed from the panel's store when the trace, the brush or the selection change.
 */
import { breakdown } from '../common/analysis/breakdown';
import { contentionTable, type ContentionRow } from '../common/analysis/contention';
import { runCores } from '../common/analysis/efficiency';
import type { LockOrderInversion } from '../common/analysis/lockOrder';
import { whyWaiting } from '../common/analysis/whyWaiting';
import type { TraceStore } from '../common/store';
import { BreakdownView } from './breakdownView';
import type { Chart } from './chart';
import { waitsOf } from './contentionModel';
import { ContentionView } from './contentionView';
import { findingsOf, type Findings } from './findingsModel';
import { FindingsView } from './findingsView';
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

/** What the findings pane needs from the panel beyond the store. */
export interface FindingsHost {
  /** Lock-order inversions seen by the live deadlock detector. */
  inversions(): readonly LockOrderInversion[];
  reveal(loc: string): void;
  /** Undefined where samples cannot be opened (the standalone page): paths are shown as text. */
  openSample: ((id: string) => void) | undefined;
}

/** The panes and their toggles. */
export class AnalysisPanes {
  readonly contention: ContentionView;
  readonly breakdown: BreakdownView;
  readonly why: WhyView;
  readonly findings: FindingsView;
  /** The findings shown (null until computed). */
  shown: Findings | null = null;
  private whyKey = '';
  private tableKey = '';
  private tableAt = -Infinity;
  private findingsKey = '';
  private findingsAt = -Infinity;
  /** How long the last findings computation took (ms); live updates wait at least 4× that. */
  findingsMs = 0;
  /** A pending retry of an update that the live throttle skipped (so the last change is never lost). */
  private retry: ReturnType<typeof setTimeout> | undefined;

  /** Builds the panes in `app` before `before`, and their toggles in the toolbar before `toolbarAnchor`. */
  constructor(
    app: HTMLElement,
    before: HTMLElement,
    toolbarAnchor: HTMLElement,
    private readonly chart: Chart,
    private readonly store: () => TraceStore | undefined,
    private readonly host: FindingsHost,
  ) {
    this.contention = new ContentionView(app, before, (row) => this.pickObject(row));
    this.breakdown = new BreakdownView(app, before);
    const open = host.openSample;
    this.findings = new FindingsView(
      app,
      before,
      {
        reveal: (loc) => host.reveal(loc),
        openSample: (id) => open?.(id),
        highlightCritical: (on) => this.highlightCritical(on),
      },
      open !== undefined,
    );
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
      toggle(
        'findings-toggle',
        'Findings',
        'Show parallel efficiency, the critical path, lints and lock-order warnings for the whole run',
        this.findings.el,
        () => {
          this.findingsKey = '';
          this.update();
        },
      ),
    );
  }

  /** Forgets the picked object (a new trace). */
  reset(): void {
    this.contention.selected = '';
    this.tableKey = '';
    this.findingsKey = '';
    this.findings.clearCritical();
    this.shown = null;
  }

  /** Brings the shown panes up to date. */
  update(): void {
    this.updateTables();
    this.updateFindings();
    this.updateWhy();
  }

  /** Runs `update` again after `ms`, once, for a recompute the live throttle skipped. */
  private retryIn(ms: number): void {
    if (this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.update();
    }, ms);
  }

  /** Highlights the waits on the table's picked object and zooms to its worst wait (or clears). */
  private pickObject(row: ContentionRow | null): void {
    const st = this.store();
    this.findings.clearCritical();
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
    if (key === this.tableKey) return;
    if (this.chart.live && at - this.tableAt < 250) return this.retryIn(250 - (at - this.tableAt));
    this.tableKey = key;
    this.tableAt = at;
    const range = sel ? { t0: sel[0], t1: sel[1] } : undefined;
    if (!this.contention.el.hidden) this.contention.render(contentionTable(st, undefined, range));
    if (!this.breakdown.el.hidden) this.breakdown.render(breakdown(st, range), sel, this.chart.theme);
  }

  /** Boxes the critical path's spans in the chart (or clears them); the table's pick lets go of the highlight. */
  private highlightCritical(on: boolean): void {
    if (on && this.contention.selected) {
      this.contention.selected = '';
      this.tableKey = '';
      this.updateTables();
    }
    this.chart.highlight = on && this.shown ? this.shown.criticalBoxes : [];
    this.chart.invalidate();
  }

  /**
   * Recomputes the findings (when shown) as the trace grows: whole-run analyses, so while live at most
   * every 250 ms and never more often than 4× their own cost.
   */
  private updateFindings(): void {
    const st = this.store();
    if (this.findings.el.hidden) return;
    if (!st || st.lanes().length === 0) {
      this.shown = null;
      this.findings.render(null);
      return;
    }
    const key = `${st.version}`;
    const at = performance.now();
    if (key === this.findingsKey) return;
    const wait = Math.max(250, 4 * this.findingsMs) - (at - this.findingsAt);
    if (this.chart.live && wait > 0) return this.retryIn(wait);
    this.findingsKey = key;
    this.findingsAt = at;
    const cores = runCores(st, navigator.hardwareConcurrency || 1);
    const f = findingsOf(st, { ...cores, inversions: this.host.inversions() });
    this.findingsMs = performance.now() - at;
    this.shown = f;
    this.findings.render(f);
    if (this.findings.critical) {
      this.chart.highlight = f.criticalBoxes;
      this.chart.invalidate();
    }
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
