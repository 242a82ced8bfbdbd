/**
 * The SVG overlay above the span canvas: selection range, hover and focus boxes, and flow arrows
 * (task paths, queue items, lock hand-offs). Redrawn on hover without repainting the canvas.
 */
import type { Flow } from '../common/store/api';
import type { DeadlockMark } from './deadlockBanner';
import type { SpanBox } from './contentionModel';
import type { Row } from './layout';

const NS = 'http://www.w3.org/2000/svg';

/** What the overlay shows. */
export interface OverlayState {
  width: number;
  height: number;
  x: (t: number) => number;
  /** Row of each lane id. */
  laneRow: Map<number, Row>;
  selection: [number, number] | null;
  hover: { x0: number; x1: number; row: Row } | null;
  focus: { x0: number; x1: number; row: Row } | null;
  /** Flows of the current selection (drawn solid). */
  flows: readonly Flow[];
  /** Flow shown while hovering a lock wait (drawn as the hand-off arrow). */
  handoff: readonly Flow[];
  /** Blocked waits of a reported deadlock: boxed up to `now`, with an arrow to the lane each waits for. */
  deadlock: readonly DeadlockMark[];
  /** Spans picked elsewhere (the contention table's object): boxed. */
  highlight: readonly SpanBox[];
  /** Newest trace time (where open waits end). */
  now: number;
}

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Creates the overlay element (with its arrowhead marker). */
export function createOverlay(): SVGSVGElement {
  const svg = el('svg', { class: 'overlay', 'aria-hidden': 'true' });
  const defs = el('defs', {});
  const marker = el('marker', {
    id: 'lens-arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  marker.appendChild(el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'flow-dot' }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  return svg;
}

/** Redraws the overlay contents. Returns the number of flow arrows drawn. */
export function drawOverlay(svg: SVGSVGElement, s: OverlayState): number {
  svg.setAttribute('width', String(s.width));
  svg.setAttribute('height', String(s.height));
  while (svg.childNodes.length > 1) svg.removeChild(svg.lastChild as ChildNode);
  if (s.selection) {
    const a = Math.max(0, s.x(s.selection[0]));
    const b = Math.min(s.width, s.x(s.selection[1]));
    if (b > a) svg.appendChild(el('rect', { class: 'sel-range', x: a, y: 0, width: b - a, height: s.height }));
  }
  const box = (b: { x0: number; x1: number; row: Row }, cls: string): void => {
    // Boxes outside the window are not drawn (a critical path can have thousands of stretches).
    if (b.x1 < -2 || b.x0 > s.width + 2) return;
    const x0 = Math.max(-2, b.x0);
    const x1 = Math.min(s.width + 2, b.x1);
    svg.appendChild(
      el('rect', { class: cls, x: x0 - 1, y: b.row.y + 1, width: Math.max(2, x1 - x0 + 2), height: b.row.h - 4 }),
    );
  };
  for (const h of s.highlight) {
    const row = s.laneRow.get(h.lane);
    if (row) box({ x0: s.x(h.start), x1: s.x(h.end), row }, 'highlight-box');
  }
  if (s.focus) box(s.focus, 'focus-box');
  if (s.hover) box(s.hover, 'hover-box');
  let n = 0;
  const arrow = (f: Flow, cls: string): void => {
    const ra = s.laneRow.get(f.fromLane);
    const rb = s.laneRow.get(f.toLane);
    if (!ra || !rb) return;
    const x0 = s.x(f.fromT);
    const y0 = ra.y + ra.h / 2;
    const x1 = s.x(f.toT);
    const y1 = rb.y + rb.h / 2;
    // Nearly vertical flows (a hand-off at one instant) get a straight arrow that stops at the
    // edge of the target lane; others a curve that leaves and enters horizontally.
    const dx = Math.max(12, Math.abs(x1 - x0) / 2);
    const down = y1 > y0 ? 1 : -1;
    const d =
      Math.abs(x1 - x0) < 24
        ? `M${x0},${y0} L${x1},${y1 - down * (rb.h / 2 - 2)}`
        : `M${x0},${y0} C${x0 + dx},${y0} ${x1 - dx},${y1} ${x1},${y1}`;
    svg.appendChild(el('circle', { class: 'flow-dot', cx: x0, cy: y0, r: 3 }));
    svg.appendChild(el('path', { class: cls, d, 'marker-end': 'url(#lens-arrow)', 'data-kind': f.kind }));
    n++;
  };
  for (const f of s.flows) arrow(f, 'flow');
  for (const f of s.handoff) arrow(f, 'flow handoff');
  for (const m of s.deadlock) {
    const row = s.laneRow.get(m.lane);
    if (row) box({ x0: s.x(m.since), x1: s.x(s.now), row }, 'deadlock-box');
    if (m.waitsFor >= 0)
      arrow(
        { kind: 'lock', obj: '', fromLane: m.lane, fromT: m.since, toLane: m.waitsFor, toT: m.since },
        'flow deadlock',
      );
  }
  return n;
}
