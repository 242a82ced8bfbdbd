/**
 * The chart: lane labels, the time ruler (d3 axis + range brush), the span canvas and the overlay.
 * Owns the time window (fit / follow live / manual, driven by d3-zoom), schedules at most one
 * requestAnimationFrame per redraw, and hands painting to `painter.ts`. Pointer and keyboard
 * handling live in `interact.ts`.
 */
import { axisBottom } from 'd3-axis';
import { brushX, type D3BrushEvent } from 'd3-brush';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { select, type Selection } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3-zoom';
import type { Flow, TraceView } from '../common/store/api';
import type { SpanBox } from './contentionModel';
import type { DeadlockMark } from './deadlockBanner';
import { buildRows, formatDuration, rowsHeight, type Row } from './layout';
import { createOverlay, drawOverlay } from './overlay';
import { markSelected, renderLabels } from './labels';
import { buildLod, LOD_MIN_SPANS, type LaneLod } from './lod';
import { paint, type DrawReport } from './painter';
import type { SpanPick } from './pick';
import { readTheme, watchTheme, type Theme } from './theme';

/** How the time window moves as the trace grows. */
export type WindowMode = 'fit' | 'follow' | 'manual';

/** The part of the view that is saved with `setState` and restored. */
export interface ChartState {
  mode: WindowMode;
  window: [number, number];
  selection: [number, number] | null;
}

const BASE = 1e9;

/** Lane labels, ruler, canvas and overlay for one trace. */
export class Chart {
  view: TraceView | undefined;
  rows: Row[] = [];
  mode: WindowMode = 'fit';
  live = false;
  window: [number, number] = [0, 1];
  selection: [number, number] | null = null;
  hover: { x0: number; x1: number; row: Row } | null = null;
  focus: { pick: SpanPick; row: Row } | null = null;
  focusRow = -1;
  flows: Flow[] = [];
  handoff: Flow[] = [];
  /** Waits of the reported deadlock to mark (empty when none or dismissed). */
  deadlock: DeadlockMark[] = [];
  /** Spans picked in the contention table, boxed in the chart. */
  highlight: SpanBox[] = [];
  report: DrawReport | undefined;
  frames = 0;
  theme: Theme;
  width = 0;
  /** Called after every frame and whenever the window or selection changes (to save state, update stats). */
  onChange: () => void = () => {};
  /** Called after every drawn frame. */
  onFrame: () => void = () => {};
  /** Milliseconds the last frame took (layout, axis, paint, overlay). */
  lastDrawMs = 0;

  readonly corner: HTMLDivElement;
  readonly labels: HTMLDivElement;
  readonly plot: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  readonly overlay: SVGSVGElement;
  private readonly ruler: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly axisG: Selection<SVGGElement, unknown, null, undefined>;
  private readonly selG: Selection<SVGRectElement, unknown, null, undefined>;
  private readonly brushG: Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoomer: ZoomBehavior<HTMLDivElement, unknown>;
  private readonly brusher = brushX<unknown>();
  private base = scaleLinear().domain([0, BASE]).range([0, 1]);
  private syncing = false;
  private pending = 0;
  private labelSig = '';
  private canvasSize = '';
  private lastVersion = -1;
  private lods = new Map<number, { lod: LaneLod; at: number }>();
  /** Buckets rebuilt during the current frame. */
  private lodBuilds = 0;

  constructor(readonly root: HTMLElement) {
    root.classList.add('chart');
    this.corner = div(root, 'corner');
    this.corner.textContent = 'Drag the ruler: select';
    const rulerDiv = div(root, 'ruler');
    this.ruler = select(rulerDiv).append('svg').attr('height', 34);
    this.selG = this.ruler.append('rect').attr('class', 'sel-range').attr('y', 0).attr('height', 34);
    this.axisG = this.ruler.append('g').attr('class', 'axis').attr('transform', 'translate(0,1)');
    this.brushG = this.ruler.append('g').attr('class', 'brush');
    this.labels = div(root, 'labels');
    this.labels.setAttribute('role', 'list');
    this.plot = div(root, 'plot');
    this.plot.tabIndex = 0;
    this.plot.setAttribute('role', 'application');
    this.plot.setAttribute(
      'aria-label',
      'Timeline. Wheel: zoom; drag: pan; Shift+wheel: scroll lanes. Arrow keys: lanes and spans; + and -: zoom; Shift+arrows: pan; 0: fit; Enter: open source; F: follow live',
    );
    this.canvas = document.createElement('canvas');
    this.plot.appendChild(this.canvas);
    this.overlay = createOverlay();
    this.plot.appendChild(this.overlay);
    this.theme = readTheme(document);
    watchTheme(document, () => {
      this.theme = readTheme(document);
      this.invalidate();
    });
    this.zoomer = zoom<HTMLDivElement, unknown>()
      .scaleExtent([1e-9, 1e15])
      .clickDistance(3)
      .filter(
        (ev: Event) =>
          (ev.type === 'wheel' || (ev.type === 'mousedown' && (ev as MouseEvent).button === 0)) &&
          !(ev as MouseEvent).shiftKey,
      )
      .on('zoom', (ev: D3ZoomEvent<HTMLDivElement, unknown>) => {
        if (this.syncing) return;
        const [a, b] = ev.transform.rescaleX(this.base).domain();
        this.window = [a, b];
        this.mode = 'manual';
        this.invalidate();
        this.onChange();
      });
    select(this.plot).call(this.zoomer).on('dblclick.zoom', null);
    this.brusher.on('end', (ev: D3BrushEvent<unknown>) => {
      if (!ev.sourceEvent) return;
      const s = ev.selection as [number, number] | null;
      if (s && s[1] - s[0] > 2) this.selection = [this.invertX(s[0]), this.invertX(s[1])];
      else this.selection = null;
      this.brushG.call(this.brusher.move, null);
      this.invalidate();
      this.onChange();
    });
    new ResizeObserver(() => this.invalidate()).observe(this.plot);
  }

  /** Pixel x of time t in the current window. */
  x(t: number): number {
    return ((t - this.window[0]) / (this.window[1] - this.window[0])) * this.width;
  }

  /** Time at pixel x. */
  invertX(px: number): number {
    return this.window[0] + (px / Math.max(1, this.width)) * (this.window[1] - this.window[0]);
  }

  /** Shows a trace (or nothing); keeps the window mode. */
  setView(view: TraceView | undefined): void {
    this.view = view;
    this.lods.clear();
    this.flows = [];
    this.handoff = [];
    this.deadlock = [];
    this.highlight = [];
    this.focus = null;
    this.hover = null;
    this.lastVersion = -1;
    this.invalidate();
  }

  /** Sets the time window programmatically (keyboard zoom/pan, restore). */
  setWindow(a: number, b: number, mode: WindowMode = 'manual'): void {
    if (!(b > a)) b = a + 1;
    this.window = [a, b];
    this.mode = mode;
    this.syncZoom();
    this.invalidate();
    this.onChange();
  }

  /** The full extent of the trace: first lane start to the run end (or now). */
  extent(): [number, number] {
    const v = this.view;
    if (!v) return [0, 1e6];
    let first = Infinity;
    for (const l of v.lanes()) if (l.start < first) first = l.start;
    if (!Number.isFinite(first)) first = 0;
    const end = Math.max(v.now, Number.isFinite(v.run().end) ? v.run().end : 0, first + 1e6);
    const pad = (end - first) * 0.01;
    return [first, end + pad];
  }

  /** Schedules a redraw on the next animation frame (at most one pending). */
  invalidate(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  /** Redraws now if the trace changed since the last frame (used by the live feed). */
  dataChanged(version: number): void {
    if (version !== this.lastVersion) this.invalidate();
  }

  private syncZoom(): void {
    const [a, b] = this.window;
    const k = (this.base(BASE) - this.base(0)) / Math.max(1e-9, this.base(b) - this.base(a));
    this.syncing = true;
    select(this.plot).call(this.zoomer.transform, zoomIdentity.translate(-k * this.base(a), 0).scale(k));
    this.syncing = false;
  }

  private draw(): void {
    const began = performance.now();
    this.lodBuilds = 0;
    const view = this.view;
    this.width = Math.max(1, this.plot.clientWidth);
    this.base = scaleLinear().domain([0, BASE]).range([0, this.width]);
    this.rows = view ? buildRows(view.lanes(), view.objects()) : [];
    this.labelSig = renderLabels(this.labels, this.rows, this.view?.lanes() ?? [], this.focusRow, this.labelSig);
    const height = Math.max(rowsHeight(this.rows), 40);
    this.plot.style.height = `${height}px`;
    if (view) this.lastVersion = (view as { version?: number }).version ?? -1;
    if (this.mode === 'fit') this.window = this.extent();
    else if (this.mode === 'follow' && view) {
      const span = this.window[1] - this.window[0];
      const end = this.extent()[1];
      this.window = [end - span, end];
    }
    this.syncZoom();
    const dpr = window.devicePixelRatio || 1;
    const size = `${this.width}x${height}@${dpr}`;
    if (size !== this.canvasSize) {
      this.canvasSize = size;
      this.canvas.width = Math.round(this.width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.width = `${this.width}px`;
      this.canvas.style.height = `${height}px`;
    }
    const scale: ScaleLinear<number, number> = scaleLinear().domain(this.window).range([0, this.width]);
    const ticks = scale.ticks(Math.max(2, Math.floor(this.width / 110)));
    this.ruler.attr('width', this.width);
    this.axisG.call(
      axisBottom(scale)
        .tickValues(ticks)
        .tickFormat((d) => formatDuration(Number(d)))
        .tickSizeOuter(0),
    );
    this.axisG
      .selectAll<SVGTextElement, number>('.tick text')
      .attr('text-anchor', (d) => (scale(d) < 30 ? 'start' : scale(d) > this.width - 30 ? 'end' : 'middle'));
    this.brusher.extent([
      [0, 0],
      [this.width, 34],
    ]);
    this.brushG.call(this.brusher);
    const sel = this.selection;
    this.selG
      .attr('x', sel ? Math.max(0, this.x(sel[0])) : 0)
      .attr('width', sel ? Math.max(0, Math.min(this.width, this.x(sel[1])) - Math.max(0, this.x(sel[0]))) : 0);
    const ctx = this.canvas.getContext('2d');
    if (ctx && view) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      this.report = paint(ctx, {
        view,
        rows: this.rows,
        t0: this.window[0],
        t1: this.window[1],
        width: this.width,
        height,
        theme: this.theme,
        ticks,
        live: this.live,
        lod: (lane) => this.lodOf(lane),
      });
    } else if (ctx) ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.frames++;
    this.drawOverlay();
    this.lastDrawMs = performance.now() - began;
    this.onFrame();
  }

  /**
   * Level-of-detail buckets of a big lane, rebuilt at most once a second while it grows and only
   * for a few lanes per frame once the first set exists (so a live frame never rebuilds them all;
   * the painter draws what came after `lod.t1` span by span).
   */
  private lodOf(lane: number): LaneLod | undefined {
    const view = this.view;
    if (!view) return undefined;
    const cols = view.spans(lane);
    if (cols.count < LOD_MIN_SPANS) return undefined;
    const cached = this.lods.get(lane);
    const now = performance.now();
    if (cached && (cached.lod.count === cols.count || now - cached.at < 1000)) return cached.lod;
    if (cached && this.lodBuilds >= 2) return cached.lod;
    this.lodBuilds++;
    const lod = buildLod(cols, Math.min(cols.start[0], this.extent()[0]), view.now);
    this.lods.set(lane, { lod, at: now });
    return lod;
  }

  /** Redraws only the overlay (hover, focus, flows, selection). */
  drawOverlay(): void {
    const laneRow = new Map<number, Row>();
    for (const r of this.rows) if (r.kind === 'lane') laneRow.set(r.lane, r);
    const f = this.focus;
    const focusRow = f ? this.rows.find((r) => r.key === f.row.key) : undefined;
    const focus =
      f && focusRow
        ? {
            x0: this.x(f.pick.start),
            x1: this.x(Number.isNaN(f.pick.end) ? (this.view?.now ?? 0) : f.pick.end),
            row: focusRow,
          }
        : null;
    drawOverlay(this.overlay, {
      width: this.width,
      height: rowsHeight(this.rows),
      x: (t) => this.x(t),
      laneRow,
      selection: this.selection,
      hover: this.hover,
      focus,
      flows: this.flows,
      handoff: this.handoff,
      deadlock: this.deadlock,
      highlight: this.highlight,
      now: this.view?.now ?? 0,
    });
  }

  /** Highlights the focused row's label now (the next frame re-renders labels anyway). */
  markFocusRow(): void {
    markSelected(this.labels, this.focusRow);
  }

  /** Saved view state. */
  state(): ChartState {
    return { mode: this.mode, window: [...this.window], selection: this.selection };
  }

  /** Restores saved view state. */
  restore(s: ChartState): void {
    this.selection = s.selection;
    if (s.mode === 'manual') this.setWindow(s.window[0], s.window[1]);
    else {
      this.mode = s.mode;
      this.window = s.window;
      this.invalidate();
    }
  }
}

function div(parent: HTMLElement, cls: string): HTMLDivElement {
  const d = document.createElement('div');
  d.className = cls;
  parent.appendChild(d);
  return d;
}
