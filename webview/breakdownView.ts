/**
 * Per-process time breakdown: one stacked bar per lane (running, each kind of wait, sleeping, idle
 * in pool) over the brushed range, or the whole run without one. Figures come from the analysis
 * core's `breakdown`; colours are the chart's state colours.
 */
import { IDLE, type LaneBreakdown } from '../common/analysis/breakdown';
import { formatDuration } from './layout';
import { State, stateOfCat } from './states';
import type { Theme } from './theme';

/** The chart state (colour index) a breakdown state is drawn with. */
export function breakdownColor(state: number): State {
  return state === IDLE ? State.Idle : stateOfCat(state);
}

/** "running 62% · waiting (lock) 30% · sleeping 8%" for one lane. */
export function breakdownText(b: LaneBreakdown): string {
  if (b.total <= 0) return 'not alive in this range';
  return b.parts.map((p) => `${p.label} ${Math.round((p.ns / b.total) * 100)}%`).join(' · ');
}

/** The breakdown section. */
export class BreakdownView {
  readonly el: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly list: HTMLElement;
  private sig = '';

  constructor(parent: HTMLElement, before: HTMLElement) {
    this.el = document.createElement('section');
    this.el.className = 'breakdown';
    this.el.hidden = true;
    this.heading = document.createElement('h3');
    this.list = document.createElement('div');
    this.list.className = 'breakdown-list';
    this.el.append(this.heading, this.list);
    parent.insertBefore(this.el, before);
  }

  /** Shows the bars of `lanes` over `range` (null: the whole run). */
  render(lanes: LaneBreakdown[], range: [number, number] | null, theme: Theme): void {
    const head = range
      ? `Time breakdown, ${formatDuration(range[0])} – ${formatDuration(range[1])}`
      : 'Time breakdown, whole run';
    const sig = `${head}|${theme.kind}|${lanes.map((b) => `${b.name}${b.pid}:${b.total}:${b.parts.map((p) => p.ns).join()}`).join()}`;
    if (sig === this.sig) return;
    this.sig = sig;
    this.heading.textContent = head;
    this.list.replaceChildren(
      ...lanes.map((b) => {
        const row = document.createElement('div');
        row.className = 'breakdown-row';
        row.dataset.pid = String(b.pid);
        row.dataset.tid = String(b.tid);
        const name = document.createElement('span');
        name.className = 'breakdown-name';
        name.textContent = b.tid ? `${b.name} (TID ${b.tid})` : `${b.name} (PID ${b.pid})`;
        const bar = document.createElement('span');
        bar.className = 'breakdown-bar';
        bar.setAttribute('role', 'img');
        const text = breakdownText(b);
        bar.setAttribute('aria-label', text);
        for (const p of b.parts) {
          const seg = document.createElement('span');
          seg.className = 'breakdown-seg';
          seg.dataset.state = p.label;
          seg.style.width = `${b.total > 0 ? (p.ns / b.total) * 100 : 0}%`;
          seg.style.background = theme.colors[breakdownColor(p.state)];
          seg.title = `${p.label}: ${formatDuration(p.ns)}`;
          bar.appendChild(seg);
        }
        const figures = document.createElement('span');
        figures.className = 'breakdown-text';
        figures.textContent = text;
        row.append(name, bar, figures);
        return row;
      }),
    );
  }
}
