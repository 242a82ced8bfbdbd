/**
 * A read-only snapshot of what the panel drew, exposed as `window.__lens` so browser tests and
 * benchmarks can check lanes, spans, series and statistics without guessing pixels.
 */
import type { PanelApp } from './app';
import type { DrawReport } from './painter';

/** The snapshot (plain data, recomputed on each read). */
export function describeDebug(app: PanelApp) {
  const c = app.chart;
  const plot = c.plot.getBoundingClientRect();
  return Object.freeze({
    title: app.title,
    phase: app.phase,
    message: app.shell.message.hidden ? '' : (app.shell.message.textContent ?? ''),
    messageKind: app.shell.message.hidden ? '' : (app.shell.message.dataset.kind ?? ''),
    summary: app.shell.summary.textContent ?? '',
    selectionText: app.shell.selection.textContent ?? '',
    version: app.store?.version ?? -1,
    frames: c.frames,
    mode: c.mode,
    window: [...c.window],
    selection: c.selection ? [...c.selection] : null,
    plot: { left: plot.left, top: plot.top, width: plot.width, height: plot.height },
    rows: c.rows.map((r) => ({
      kind: r.kind,
      label: r.label,
      sub: r.sub,
      lane: r.lane,
      obj: r.obj,
      indent: r.indent,
      y: r.y,
      h: r.h,
    })),
    lanes: (app.store?.lanes() ?? []).map((l) => ({
      id: l.id,
      pid: l.pid,
      tid: l.tid,
      name: l.name,
      start: l.start,
      end: l.end,
    })),
    report: c.report ? (JSON.parse(JSON.stringify(c.report)) as DrawReport) : null,
    theme: { kind: c.theme.kind, colors: [...c.theme.colors], bg: c.theme.bg, contrast: c.theme.contrast },
    flows: c.flows.map((f) => ({ ...f })),
    handoff: c.handoff.map((f) => ({ ...f })),
    deadlock: {
      banner: app.deadlock.visible ? (app.deadlock.el.textContent ?? '') : '',
      kind: app.deadlock.report?.kind ?? '',
      marks: c.deadlock.map((m) => ({ ...m })),
    },
    focusRow: c.focusRow,
    /** The selected span (clicked, reached by keyboard or named by a `chart/focus`). */
    focus: c.focus
      ? { lane: c.focus.pick.lane, index: c.focus.pick.index, start: c.focus.pick.start, end: c.focus.pick.end }
      : null,
    highlight: c.highlight.map((h) => ({ ...h })),
    status: app.shell.status.textContent ?? '',
    tooltip: app.shell.tooltip.hidden ? '' : (app.shell.tooltip.textContent ?? ''),
    frameLog: app.frameLog.slice(-2000),
    timing: { ...app.timing },
    lastDrawMs: c.lastDrawMs,
    now: app.store ? app.store.origin + app.store.now : NaN,
  });
}
