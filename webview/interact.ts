/**
 * Pointer and keyboard handling for the chart: hover tooltips (and the lock hand-off arrow), click
 * to select a span and reveal its source, flows of the selected task or queue item, keyboard
 * navigation across lanes and spans, keyboard zoom and pan, and the follow-live toggle.
 */
import type { Chart } from './chart';
import { describePick } from './describe';
import { rowAt } from './layout';
import { flowsFor, pickAt, spanPick, type Pick } from './pick';
import { Cat } from '../common/schema';

/** What the interaction layer asks of its host. */
export interface InteractHost {
  reveal(loc: string): void;
  toggleFollow(): void;
  /** Announces text to screen readers (and the status line). */
  announce(text: string): void;
}

/** What the panel can do through the interaction layer. */
export interface Interaction {
  /** Selects span `index` of `lane` as a click would (without opening its source); false if its lane has no row. */
  selectSpan(lane: number, index: number): boolean;
}

/** Wires pointer and keyboard events of `chart`; `tooltip` is the floating tooltip element. */
export function attachInteraction(chart: Chart, tooltip: HTMLElement, host: InteractHost): Interaction {
  const plot = chart.plot;
  const tolPx = 3;
  const tol = (): number => (tolPx * (chart.window[1] - chart.window[0])) / Math.max(1, chart.width);

  const pickFromEvent = (ev: MouseEvent): { pick: Pick | undefined; rowIndex: number } => {
    const r = plot.getBoundingClientRect();
    const rowIndex = rowAt(chart.rows, ev.clientY - r.top);
    const row = chart.rows[rowIndex];
    if (!row || !chart.view) return { pick: undefined, rowIndex };
    return { pick: pickAt(chart.view, row, chart.invertX(ev.clientX - r.left), tol()), rowIndex };
  };
  const endOf = (p: Pick): number =>
    p.kind === 'span' ? (Number.isNaN(p.end) ? (chart.view?.now ?? p.start) : p.end) : p.t;

  const showTip = (lines: string[], cx: number, cy: number): void => {
    tooltip.textContent = lines.join('\n');
    tooltip.hidden = false;
    const w = tooltip.offsetWidth;
    const h = tooltip.offsetHeight;
    tooltip.style.left = `${Math.min(cx + 14, window.innerWidth - w - 4)}px`;
    tooltip.style.top = `${Math.min(cy + 14, window.innerHeight - h - 4)}px`;
  };
  const hideTip = (): void => {
    tooltip.hidden = true;
  };

  plot.addEventListener('mousemove', (ev) => {
    const { pick, rowIndex } = pickFromEvent(ev);
    const view = chart.view;
    if (!pick || !view || ev.buttons) {
      hideTip();
      if (chart.hover || chart.handoff.length) {
        chart.hover = null;
        chart.handoff = [];
        chart.drawOverlay();
      }
      return;
    }
    const row = chart.rows[rowIndex];
    chart.hover = pick.kind === 'span' ? { x0: chart.x(pick.start), x1: chart.x(endOf(pick)), row } : null;
    chart.handoff =
      pick.kind === 'span' && (pick.cat === Cat.WaitLock || pick.cat === Cat.WaitSemaphore)
        ? flowsFor(view, pick, tol())
        : [];
    const lines = describePick(view, pick);
    if (chart.handoff.length) {
      const from = view.lanes()[chart.handoff[0].fromLane];
      lines.push(`handed over by PID ${from?.pid ?? '?'} (${from?.name ?? ''})`);
    }
    showTip(lines, ev.clientX, ev.clientY);
    chart.drawOverlay();
  });
  plot.addEventListener('mouseleave', () => {
    hideTip();
    chart.hover = null;
    chart.handoff = [];
    chart.drawOverlay();
  });
  plot.addEventListener('click', (ev) => {
    const { pick, rowIndex } = pickFromEvent(ev);
    select(pick, rowIndex, true);
  });

  const select = (pick: Pick | undefined, rowIndex: number, reveal: boolean): void => {
    const view = chart.view;
    chart.focusRow = rowIndex;
    chart.markFocusRow();
    if (!pick || !view) {
      chart.flows = [];
      chart.focus = null;
      chart.invalidate();
      return;
    }
    chart.flows = flowsFor(view, pick, tol());
    chart.focus = pick.kind === 'span' ? { pick, row: chart.rows[rowIndex] } : null;
    host.announce(describePick(view, pick).join('. '));
    if (reveal && pick.kind === 'span') {
      const task = pick.task >= 0 ? view.tasks()[pick.task] : undefined;
      const loc = pick.loc || task?.loc || '';
      if (loc) host.reveal(loc);
    }
    chart.invalidate();
  };

  const zoomBy = (factor: number): void => {
    const [a, b] = chart.window;
    const c = chart.focus ? (chart.focus.pick.start + endOf(chart.focus.pick)) / 2 : (a + b) / 2;
    const mid = c >= a && c <= b ? c : (a + b) / 2;
    chart.setWindow(mid - (mid - a) * factor, mid + (b - mid) * factor);
  };
  const pan = (frac: number): void => {
    const [a, b] = chart.window;
    const d = (b - a) * frac;
    chart.setWindow(a + d, b + d);
  };
  const moveRow = (delta: number): void => {
    if (chart.rows.length === 0) return;
    const i = Math.max(0, Math.min(chart.rows.length - 1, (chart.focusRow < 0 ? -1 : chart.focusRow) + delta));
    chart.focusRow = i;
    chart.markFocusRow();
    chart.focus = null;
    chart.flows = [];
    const row = chart.rows[i];
    host.announce(`${row.label} (${row.sub})`);
    chart.labels.children[i]?.scrollIntoView({ block: 'nearest' });
    chart.invalidate();
  };
  const moveSpan = (delta: number): void => {
    const view = chart.view;
    const row = chart.rows[chart.focusRow];
    if (!view || !row || row.kind !== 'lane') return;
    const cols = view.spans(row.lane);
    if (cols.count === 0) return;
    let i: number;
    if (chart.focus && chart.focus.pick.index >= 0 && chart.focus.row.key === row.key)
      i = chart.focus.pick.index + delta;
    else {
      const [lo, hi] = view.spanRange(row.lane, chart.window[0], chart.window[1]);
      i = delta > 0 ? lo : hi - 1;
    }
    if (i < 0 || i >= cols.count) return;
    const pick = spanPick(view, row.lane, i);
    const [a, b] = chart.window;
    if (pick.start > b || pick.end < a) {
      const half = (b - a) / 2;
      const mid = (pick.start + pick.end) / 2;
      chart.setWindow(mid - half, mid + half);
    }
    select(pick, chart.focusRow, false);
    const r = plot.getBoundingClientRect();
    showTip(describePick(view, pick), r.left + Math.max(0, chart.x(pick.start)), r.top + row.y + row.h);
  };

  plot.addEventListener('keydown', (ev) => {
    let handled = true;
    switch (ev.key) {
      case 'ArrowUp':
        moveRow(-1);
        break;
      case 'ArrowDown':
        moveRow(1);
        break;
      case 'Home':
        moveRow(-chart.rows.length);
        break;
      case 'End':
        moveRow(chart.rows.length);
        break;
      case 'ArrowLeft':
        if (ev.shiftKey) pan(-0.25);
        else moveSpan(-1);
        break;
      case 'ArrowRight':
        if (ev.shiftKey) pan(0.25);
        else moveSpan(1);
        break;
      case '+':
      case '=':
        zoomBy(0.5);
        break;
      case '-':
      case '_':
        zoomBy(2);
        break;
      case '0':
        chart.setWindow(chart.extent()[0], chart.extent()[1], 'fit');
        break;
      case 'f':
      case 'F':
        host.toggleFollow();
        break;
      case 'Enter':
        if (chart.focus) select(chart.focus.pick, chart.focusRow, true);
        break;
      case 'Escape':
        chart.selection = null;
        chart.flows = [];
        chart.focus = null;
        hideTip();
        chart.invalidate();
        chart.onChange();
        break;
      default:
        handled = false;
    }
    if (handled) ev.preventDefault();
  });
  plot.addEventListener('blur', hideTip);
  // Scrolling moves the lanes away from under the pointer: drop the hover.
  chart.root.addEventListener('scroll', () => {
    hideTip();
    if (chart.hover || chart.handoff.length) {
      chart.hover = null;
      chart.handoff = [];
      chart.drawOverlay();
    }
  });
  // The wheel zooms; Shift+wheel scrolls the lanes (the wheel over the labels scrolls too).
  plot.addEventListener(
    'wheel',
    (ev) => {
      if (!ev.shiftKey) return;
      ev.preventDefault();
      chart.root.scrollTop += ev.deltaY || ev.deltaX;
    },
    { passive: false },
  );
  // Clicking a lane's label selects the lane for keyboard navigation.
  chart.labels.addEventListener('click', (ev) => {
    const el = (ev.target as HTMLElement).closest('.label');
    const i = el ? Array.prototype.indexOf.call(chart.labels.children, el) : -1;
    if (i < 0) return;
    moveRow(i - (chart.focusRow < 0 ? -1 : chart.focusRow));
    plot.focus();
  });
  return {
    selectSpan(lane, index) {
      const rowIndex = chart.rows.findIndex((r) => r.kind === 'lane' && r.lane === lane);
      if (rowIndex < 0 || !chart.view) return false;
      select(spanPick(chart.view, lane, index), rowIndex, false);
      chart.labels.children[rowIndex]?.scrollIntoView({ block: 'nearest' });
      return true;
    },
  };
}
