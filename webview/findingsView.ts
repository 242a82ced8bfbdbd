/**
 * The Findings pane, shown under the chart when toggled: parallel efficiency with its limiters, the
 * critical path (with a toggle that boxes its spans in the chart), the lints and lock-order
 * inversions. Source lines are buttons that reveal the source; the sample that shows a fix is a
 * button that asks the host to open it (plain text in the standalone page, which cannot open files).
 */
import { hasFindings, type FindingRow, type Findings } from './findingsModel';

/** What the pane asks of the panel. */
export interface FindingsActions {
  reveal(loc: string): void;
  openSample(id: string): void;
  /** The critical-path toggle changed. */
  highlightCritical(on: boolean): void;
}

const SEVERITY: Record<FindingRow['severity'], string> = { error: 'Error', warning: 'Warning', info: 'Note' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** `/x/y/convoy.py:9:5` → `convoy.py:9`. */
function shortLoc(loc: string): string {
  const m = /([^/\\]+?):(\d+)(?::\d+)?$/.exec(loc);
  return m ? `${m[1]}:${m[2]}` : loc;
}

/** The pane. */
export class FindingsView {
  readonly el: HTMLElement;
  /** Whether the critical path is boxed in the chart. */
  critical = false;
  private sig = '';

  constructor(
    parent: HTMLElement,
    before: HTMLElement,
    private readonly actions: FindingsActions,
    private readonly canOpenSamples: boolean,
  ) {
    this.el = el('section', 'findings');
    this.el.hidden = true;
    this.el.setAttribute('aria-label', 'Findings');
    parent.insertBefore(this.el, before);
  }

  /** Turns the critical-path highlight off (another pane took the chart's highlight). */
  clearCritical(): void {
    this.critical = false;
    this.el.querySelector('.critical-toggle')?.setAttribute('aria-pressed', 'false');
  }

  /**
   * Shows `f` (null: no trace); re-rendered only when the words change. A control that had the
   * keyboard focus gets it back after the rebuild when a control with the same key (row key and
   * source line, sample or toggle) is still there, so a live run does not throw the focus away.
   */
  render(f: Findings | null): void {
    const sig = JSON.stringify(f && { ...f, criticalBoxes: f.criticalBoxes.length });
    if (sig === this.sig) return;
    this.sig = sig;
    const active = document.activeElement;
    const focused = active instanceof HTMLElement && this.el.contains(active) ? active.dataset.focus : undefined;
    this.build(f);
    if (focused === undefined) return;
    this.el.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  }

  private build(f: Findings | null): void {
    if (!f) {
      this.el.replaceChildren(el('p', 'findings-empty', 'No findings in this run.'));
      return;
    }
    const eff = el('div', 'findings-efficiency');
    const head = el('p', 'findings-summary');
    head.append(el('b', '', 'Parallel efficiency: '), f.efficiency);
    eff.append(el('h3', '', 'Parallel efficiency'), head);
    if (f.limiters.length) eff.append(this.list(f.limiters));

    const cp = el('div', 'findings-critical');
    const h = el('h3', '', 'Critical path');
    const toggle = el('button', 'critical-toggle', 'Highlight in chart');
    toggle.title = 'Box the spans of the critical path in the chart';
    toggle.dataset.focus = 'critical-toggle';
    toggle.setAttribute('aria-pressed', String(this.critical));
    toggle.disabled = f.criticalBoxes.length === 0;
    toggle.addEventListener('click', () => {
      this.critical = !this.critical;
      toggle.setAttribute('aria-pressed', String(this.critical));
      this.actions.highlightCritical(this.critical);
    });
    const line = el('p', 'critical-headline', f.criticalHeadline);
    cp.append(h, line);
    if (f.criticalByLane) cp.append(el('p', 'critical-lanes', `Per process: ${f.criticalByLane}`));
    if (f.criticalSegments.length) {
      const ul = el('ul', 'critical-segments');
      ul.setAttribute('aria-label', 'Longest stretches of the critical path');
      for (const s of f.criticalSegments) ul.append(el('li', '', s));
      cp.append(ul);
    }
    cp.append(toggle);

    const found = el('div', 'findings-list');
    found.append(el('h3', '', 'Warnings'));
    const rows = [...f.lints, ...f.inversions];
    if (rows.length) found.append(this.list(rows));
    else if (!hasFindings(f)) found.append(el('p', 'findings-empty', 'No findings in this run.'));
    else found.append(el('p', 'findings-empty', 'No warnings beyond the limiters above.'));
    this.el.replaceChildren(eff, cp, found);
  }

  private list(rows: FindingRow[]): HTMLUListElement {
    const ul = el('ul', 'finding-rows');
    for (const r of rows) ul.append(this.row(r));
    return ul;
  }

  private row(r: FindingRow): HTMLLIElement {
    const li = el('li', `finding ${r.severity}`);
    li.dataset.key = r.key;
    const title = el('p', 'finding-title');
    title.append(el('span', 'finding-severity', SEVERITY[r.severity]), ' ', el('b', '', r.title), ': ', r.text);
    li.append(title);
    if (r.explanation) li.append(el('p', 'finding-explanation', r.explanation));
    if (r.locs.length || r.sample) {
      const links = el('p', 'finding-links');
      if (r.locs.length) {
        links.append(r.locs.length === 1 ? 'Source: ' : 'Sources: ');
        r.locs.forEach((loc, i) => {
          const b = el('button', 'link source-link', shortLoc(loc));
          b.title = `Open ${loc}`;
          b.dataset.loc = loc;
          b.dataset.focus = `${r.key}|loc|${loc}`;
          b.addEventListener('click', () => this.actions.reveal(loc));
          links.append(...(i ? [', ', b] : [b]));
        });
      }
      if (r.sample) {
        links.append(r.locs.length ? ' · Fix: see ' : 'Fix: see ');
        if (this.canOpenSamples) {
          const b = el('button', 'link sample-link', r.sample);
          b.title = `Open the sample ${r.sample}, which shows the fix`;
          b.dataset.sample = r.sample;
          b.dataset.focus = `${r.key}|sample`;
          b.addEventListener('click', () => this.actions.openSample(r.sample));
          links.append(b);
        } else links.append(el('code', 'sample-path', r.sample));
      }
      li.append(links);
    }
    return li;
  }
}
