/**
 * "Why was this process waiting?": when a wait span is selected in the chart, the detail area under
 * it shows the analysis core's `whyWaiting` answer: what it waited for and where, who held it and
 * what that process did meanwhile, and who released it.
 */
import type { WhyWaiting } from '../common/analysis/whyWaiting';
import { laneLabel } from '../common/analysis/util';
import { formatDuration } from './layout';

/** The detail lines of an answer: [label, text] pairs, in reading order. */
export function whyLines(w: WhyWaiting): [string, string][] {
  const lines: [string, string][] = [];
  const span = `${formatDuration(w.start)} – ${w.open ? 'now' : formatDuration(w.end)} (${formatDuration(w.end - w.start)})`;
  lines.push(['Waited for', `${w.what || `a ${w.reason}`}${w.loc ? ` at ${w.loc}` : ''}, ${span}`]);
  for (const b of w.blockers) {
    const doing = b.states.map((s) => `${s.label} ${formatDuration(s.ns)}`).join(', ');
    const spans = b.spans
      .slice(0, 3)
      .map((s) => `${s.name || 'span'}${s.loc ? ` (${s.loc})` : ''}`)
      .join(', ');
    const label = b.role === 'held' ? 'Held by' : 'Depended on';
    const when = `${formatDuration(b.from)} – ${formatDuration(b.to)}${b.loc ? `, taken at ${b.loc}` : ''}`;
    lines.push([label, `${b.label}, ${when}`]);
    if (doing) lines.push(['Meanwhile it was', `${doing}${spans ? ` — in ${spans}` : ''}`]);
  }
  if (w.releasedBy) lines.push(['Released by', `${w.releasedBy.label} at ${formatDuration(w.releasedBy.t)}`]);
  else if (w.open) lines.push(['Released by', 'nobody yet']);
  return lines;
}

/** The detail section. */
export class WhyView {
  readonly el: HTMLElement;
  private key = '';

  constructor(parent: HTMLElement, before: HTMLElement) {
    this.el = document.createElement('section');
    this.el.className = 'why';
    this.el.hidden = true;
    this.el.setAttribute('aria-live', 'polite');
    parent.insertBefore(this.el, before);
  }

  /** Shows `w` (or hides the section when null). */
  render(w: WhyWaiting | null): void {
    const key = w ? `${w.sentence}|${w.end}` : '';
    if (key === this.key) return;
    this.key = key;
    this.el.hidden = !w;
    if (!w) {
      this.el.replaceChildren();
      return;
    }
    const h = document.createElement('h3');
    h.textContent = `Why was ${laneLabel(w.pid, w.tid)} waiting?`;
    const p = document.createElement('p');
    p.className = 'why-sentence';
    p.textContent = w.sentence.replace(/(^|\. )([a-z])/g, (_m, a: string, c: string) => a + c.toUpperCase());
    const dl = document.createElement('dl');
    for (const [k, v] of whyLines(w)) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      dl.append(dt, dd);
    }
    this.el.replaceChildren(h, p, dl);
  }
}
