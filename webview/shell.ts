/**
 * The static page structure around the chart: toolbar (title, phase, summary, follow live, Stop,
 * Rerun, theme picker in the standalone page), legend, the empty/error message, the selection
 * statistics line, the tooltip and a screen-reader status line. Built with DOM calls only (CSP).
 */
import { STATES, State } from './states';
import type { Theme } from './theme';

/** Handles to the shell's elements. */
export interface Shell {
  title: HTMLElement;
  phase: HTMLElement;
  summary: HTMLElement;
  follow: HTMLButtonElement;
  stop: HTMLButtonElement;
  rerun: HTMLButtonElement;
  themePicker: HTMLSelectElement | undefined;
  legend: HTMLElement;
  message: HTMLElement;
  chart: HTMLElement;
  selection: HTMLElement;
  tooltip: HTMLElement;
  status: HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  parent?: HTMLElement,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  parent?.appendChild(e);
  return e;
}

/** Builds the shell inside `app`. */
export function buildShell(app: HTMLElement, standalone: boolean): Shell {
  const bar = el('div', 'toolbar', app);
  bar.setAttribute('role', 'toolbar');
  const title = el('span', 'title', bar, 'Concurrency Lens');
  const phase = el('span', 'phase', bar);
  const summary = el('span', 'summary', bar);
  summary.setAttribute('aria-label', 'Run summary');
  el('span', 'spacer', bar);
  const follow = el('button', 'follow', bar, 'Follow live');
  follow.setAttribute('aria-pressed', 'false');
  follow.title = 'Keep the newest events in view (F)';
  const stop = el('button', 'stop', bar, 'Stop');
  stop.title = 'Stop the run and every process it started';
  const rerun = el('button', 'rerun', bar, 'Rerun');
  rerun.title = 'Run the same snippet again';
  let themePicker: HTMLSelectElement | undefined;
  if (standalone) {
    themePicker = el('select', 'theme', bar);
    themePicker.setAttribute('aria-label', 'Theme');
    for (const [v, t] of [
      ['vscode-dark', 'Dark'],
      ['vscode-light', 'Light'],
      ['vscode-high-contrast', 'High contrast'],
    ]) {
      const o = el('option', '', themePicker, t);
      o.value = v;
    }
    themePicker.value =
      ['vscode-light', 'vscode-high-contrast'].find((c) => document.body.classList.contains(c)) ?? 'vscode-dark';
    themePicker.addEventListener('change', () => {
      document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
      document.body.classList.add(themePicker?.value ?? 'vscode-dark');
    });
  }
  const legend = el('div', 'legend', app);
  legend.setAttribute('aria-label', 'Legend');
  const message = el('div', 'message', app);
  message.setAttribute('role', 'status');
  const chart = el('div', '', app);
  const selection = el('div', 'selection-stats', app);
  selection.setAttribute('aria-live', 'polite');
  const tooltip = el('div', 'tooltip', document.body);
  tooltip.setAttribute('role', 'tooltip');
  tooltip.hidden = true;
  const status = el('div', 'sr-only', app);
  status.setAttribute('aria-live', 'polite');
  return {
    title,
    phase,
    summary,
    follow,
    stop,
    rerun,
    themePicker,
    legend,
    message,
    chart,
    selection,
    tooltip,
    status,
  };
}

const LEGEND_ORDER = [
  State.Running,
  State.Task,
  State.WaitLock,
  State.QueueEmpty,
  State.QueueFull,
  State.Sleep,
  State.Join,
  State.WaitOther,
  State.Idle,
  State.Hold,
  State.Exited,
];

/** Sets an element's text only when it changes (avoids style and layout work on every frame). */
export function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Redraws the legend swatches with the theme's fills (patterns included). */
export function renderLegend(legend: HTMLElement, theme: Theme): void {
  legend.replaceChildren(
    ...LEGEND_ORDER.map((s) => {
      const item = document.createElement('span');
      item.className = 'legend-item';
      item.dataset.state = STATES[s].label;
      const c = document.createElement('canvas');
      c.width = 22;
      c.height = 12;
      const ctx = c.getContext('2d');
      if (ctx) {
        ctx.fillStyle = theme.fills[s];
        ctx.fillRect(0, 0, 22, 12);
      }
      item.append(c, document.createTextNode(STATES[s].label));
      return item;
    }),
  );
}

/** Shows the message box with a heading and body lines (or hides it when `heading` is empty). */
export function showMessage(
  box: HTMLElement,
  kind: 'empty' | 'error' | 'info',
  heading: string,
  lines: string[],
): void {
  box.hidden = heading === '';
  box.classList.toggle('error', kind === 'error');
  box.dataset.kind = kind;
  const h = document.createElement('h2');
  h.textContent = heading;
  box.replaceChildren(
    h,
    ...lines.map((l) => {
      const p = document.createElement('p');
      p.textContent = l;
      return p;
    }),
  );
}
