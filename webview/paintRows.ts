/**
 * Painters for everything on the canvas but span rectangles: CPU strips, start/exit markers, user
 * marks and errors, lock lanes (holders and waiters) and queue-depth charts.
 */
import type { Row } from './layout';
import { stepIndex } from './layout';
import type { DrawReport, Frame } from './painter';
import { State, exitKind } from './states';

/** User marks (small flags) and uncaught errors (red dots) on their lanes. */
export function paintPoints(ctx: CanvasRenderingContext2D, f: Frame, X: (t: number) => number): void {
  const rowOf = new Map<number, Row>();
  for (const r of f.rows) if (r.kind === 'lane') rowOf.set(r.lane, r);
  ctx.fillStyle = f.theme.fg;
  for (const m of f.view.marks()) {
    const r = rowOf.get(m.lane);
    if (!r || m.t < f.t0 || m.t > f.t1) continue;
    const x = Math.round(X(m.t));
    ctx.fillRect(x, r.y + 1, 1, r.h - 4);
    ctx.beginPath();
    ctx.moveTo(x, r.y + 1);
    ctx.lineTo(x + 6, r.y + 4);
    ctx.lineTo(x, r.y + 7);
    ctx.fill();
  }
  ctx.fillStyle = f.theme.crash;
  for (const e of f.view.errors()) {
    const r = rowOf.get(e.lane);
    if (!r || e.t < f.t0 || e.t > f.t1) continue;
    ctx.beginPath();
    ctx.arc(X(e.t), r.y + r.h / 2 - 1, 4.5, 0, Math.PI * 2);
    ctx.fill();
  }
}

/** The thin CPU strip under a lane, its opacity following the samples. */
export function paintCpu(
  ctx: CanvasRenderingContext2D,
  f: Frame,
  lane: number,
  y: number,
  X: (t: number) => number,
): void {
  const s = f.view.cpu(lane);
  if (s.count < 2) return;
  ctx.fillStyle = f.theme.cpu;
  const from = Math.max(1, stepIndex(s.t, s.count, f.t0));
  for (let i = from; i < s.count && s.t[i - 1] <= f.t1; i++) {
    const v = s.v[i];
    if (!(v > 0)) continue;
    ctx.globalAlpha = Math.min(1, 0.15 + v * 0.85);
    ctx.fillRect(X(s.t[i - 1]), y, Math.max(1, X(s.t[i]) - X(s.t[i - 1])), 3);
  }
  ctx.globalAlpha = 1;
}

/** Start marker, and the exit marker with the signal or exit code of a crash. */
export function paintMarkers(
  ctx: CanvasRenderingContext2D,
  f: Frame,
  lane: { start: number; end: number; exitCode: number; signal: string; role: number },
  y: number,
  h: number,
  X: (t: number) => number,
  report: DrawReport,
): void {
  ctx.fillStyle = f.theme.fg;
  if (!Number.isNaN(lane.start)) {
    const x = X(lane.start);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 5, y);
    ctx.lineTo(x, y + 6);
    ctx.fill();
  }
  const kind = exitKind(lane);
  if (kind === 'alive') return;
  const x = X(lane.end);
  ctx.fillStyle = kind === 'crashed' ? f.theme.crash : f.theme.fg;
  ctx.fillRect(x - 1, y - 1, 2, h + 2);
  if (kind === 'crashed') {
    const text = `✕ ${lane.signal || `exit ${lane.exitCode}`}`;
    ctx.font = 'bold 11px sans-serif';
    ctx.fillText(text, x + 4, y + h / 2 + 1);
    ctx.font = '11px sans-serif';
    report.crashes.push(text);
  } else if (kind === 'terminated') {
    ctx.fillStyle = f.theme.muted;
    ctx.fillText('terminated by pool', x + 4, y + h / 2 + 1);
  }
}

/** Lock lanes: holder segments (labelled with the PID) above, waiter counts below. */
export function paintLocks(
  ctx: CanvasRenderingContext2D,
  f: Frame,
  holds: { obj: number; lane: number; x0: number; x1: number }[],
  X: (t: number) => number,
  report: DrawReport,
): void {
  const names = new Map<number, string>();
  const lanes = f.view.lanes();
  for (const row of f.rows) {
    if (row.kind !== 'lock') continue;
    // Upper band: who holds the lock (one segment per hold, labelled with the holder's PID);
    // lower band: how many wait for it (bar height grows with the count).
    const y = row.y + 2;
    const hh = Math.round((row.h - 5) * 0.6);
    const wy = y + hh + 1;
    const wh = row.h - 5 - hh - 1;
    let n = 0;
    ctx.fillStyle = f.theme.fills[State.Hold];
    for (const hd of holds) {
      let key = names.get(hd.obj);
      if (key === undefined) names.set(hd.obj, (key = f.view.str(hd.obj)));
      if (key !== row.obj) continue;
      const w = hd.x1 - hd.x0;
      ctx.fillRect(hd.x0, y, w > 3 ? w - 1 : w, hh);
      n++;
      if (w > 48) {
        ctx.fillStyle = '#000000';
        ctx.save();
        ctx.beginPath();
        ctx.rect(hd.x0, y, w - 2, hh);
        ctx.clip();
        ctx.fillText(`PID ${lanes[hd.lane]?.pid ?? '?'}`, Math.max(0, hd.x0) + 3, y + hh / 2 + 1);
        ctx.restore();
        ctx.fillStyle = f.theme.fills[State.Hold];
      }
    }
    if (n === 0) {
      // No hold spans recorded: fall back to the holder count series.
      const s = f.view.lockHolders(row.obj);
      for (let i = 0; i < s.count; i++) {
        if (!(s.v[i] > 0)) continue;
        const e = i + 1 < s.count ? s.t[i + 1] : f.view.now;
        if (e < f.t0 || s.t[i] > f.t1) continue;
        ctx.fillRect(X(s.t[i]), y, Math.max(1, X(e) - X(s.t[i])), hh);
        n++;
      }
    }
    report.lockHolds[row.obj] = n;
    const w = f.view.lockWaiters(row.obj);
    let max = 1;
    for (let i = 0; i < w.count; i++) if (w.v[i] > max) max = w.v[i];
    ctx.fillStyle = f.theme.fills[State.WaitLock];
    for (let i = 0; i < w.count; i++) {
      if (!(w.v[i] > 0)) continue;
      const e = i + 1 < w.count ? w.t[i + 1] : f.view.now;
      if (e < f.t0 || w.t[i] > f.t1) continue;
      const bh = Math.max(2, (wh * w.v[i]) / max);
      ctx.fillRect(X(w.t[i]), wy + wh - bh, Math.max(1, X(e) - X(w.t[i])), bh);
    }
  }
}

/** Queue-depth rows: a step area per queue with its maxsize line. */
export function paintQueues(
  ctx: CanvasRenderingContext2D,
  f: Frame,
  X: (t: number) => number,
  report: DrawReport,
): void {
  const objs = new Map(f.view.objects().map((o) => [o.key, o]));
  for (const row of f.rows) {
    if (row.kind !== 'queue') continue;
    const s = f.view.queueDepth(row.obj);
    const capacity = objs.get(row.obj)?.capacity ?? -1;
    let max = capacity > 0 ? capacity : 1;
    for (let i = 0; i < s.count; i++) if (s.v[i] > max) max = s.v[i];
    const top = row.y + 6;
    const h = row.h - 9;
    const Y = (v: number): number => top + h - (v / max) * h;
    ctx.fillStyle = f.theme.series;
    ctx.globalAlpha = 0.55;
    let steps = 0;
    const from = Math.max(0, stepIndex(s.t, s.count, f.t0));
    for (let i = from; i < s.count && s.t[i] <= f.t1; i++) {
      const e = i + 1 < s.count ? s.t[i + 1] : f.view.now;
      if (s.v[i] > 0) ctx.fillRect(X(s.t[i]), Y(s.v[i]), Math.max(1, X(e) - X(s.t[i])), top + h - Y(s.v[i]));
      steps++;
    }
    ctx.globalAlpha = 1;
    if (capacity > 0) {
      ctx.strokeStyle = f.theme.muted;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(0, Y(capacity) + 0.5);
      ctx.lineTo(f.width, Y(capacity) + 0.5);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = f.theme.muted;
      ctx.fillText(`maxsize ${capacity}`, 4, Y(capacity) + 7);
    }
    ctx.fillStyle = f.theme.muted;
    ctx.fillText(`max depth ${max}`, f.width - 90, top + 4);
    report.queues[row.obj] = { steps, max, capacity };
  }
}
