/**
 * Theme colours for the canvas, read from the CSS custom properties of panel.css (which take
 * `--vscode-*` values inside VS Code), turned into fills: a plain colour for running states and a
 * colour-plus-pattern for waits. Re-read whenever the theme changes (VS Code swaps the body class
 * and the variables on <html>).
 */
import { STATES, type Pattern } from './states';

/** Resolved colours and fills of the current theme. */
export interface Theme {
  /** `vscode-dark`, `vscode-light`, `vscode-high-contrast` or `vscode-high-contrast-light`. */
  kind: string;
  bg: string;
  fg: string;
  muted: string;
  border: string;
  /** Outline around spans in high contrast; '' otherwise. */
  contrast: string;
  grid: string;
  series: string;
  cpu: string;
  crash: string;
  focus: string;
  /** Plain colour per `State`. */
  colors: string[];
  /** Fill (colour or pattern) per `State`. */
  fills: (string | CanvasPattern)[];
}

const PATTERN_SIZE = 6;

function drawPattern(ctx: CanvasRenderingContext2D, p: Pattern, ink: string): void {
  const s = PATTERN_SIZE;
  ctx.strokeStyle = ink;
  ctx.fillStyle = ink;
  ctx.lineWidth = 1.2;
  ctx.beginPath();
  switch (p) {
    case 'diagonal':
      ctx.moveTo(0, s);
      ctx.lineTo(s, 0);
      ctx.moveTo(-1, 1);
      ctx.lineTo(1, -1);
      ctx.moveTo(s - 1, s + 1);
      ctx.lineTo(s + 1, s - 1);
      break;
    case 'backslash':
      ctx.moveTo(0, 0);
      ctx.lineTo(s, s);
      break;
    case 'cross':
      ctx.moveTo(0, 0);
      ctx.lineTo(s, s);
      ctx.moveTo(0, s);
      ctx.lineTo(s, 0);
      break;
    case 'horizontal':
      ctx.moveTo(0, s / 2);
      ctx.lineTo(s, s / 2);
      break;
    case 'vertical':
      ctx.moveTo(s / 2, 0);
      ctx.lineTo(s / 2, s);
      break;
    case 'dots':
      ctx.arc(s / 2, s / 2, 1.2, 0, Math.PI * 2);
      ctx.fill();
      return;
    case 'none':
      return;
  }
  ctx.stroke();
}

/** Reads the theme from the page's computed styles. */
export function readTheme(doc: Document): Theme {
  const cs = getComputedStyle(doc.body);
  const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  const kind = doc.body.classList.contains('vscode-high-contrast-light')
    ? 'vscode-high-contrast-light'
    : doc.body.classList.contains('vscode-high-contrast')
      ? 'vscode-high-contrast'
      : doc.body.classList.contains('vscode-light')
        ? 'vscode-light'
        : 'vscode-dark';
  const ink = v('--lens-pattern', 'rgba(0,0,0,0.5)');
  const colors = STATES.map((s) => v(s.cssVar, '#888888'));
  const fills = STATES.map((s, i): string | CanvasPattern => {
    if (s.pattern === 'none') return colors[i];
    const c = doc.createElement('canvas');
    c.width = PATTERN_SIZE;
    c.height = PATTERN_SIZE;
    const ctx = c.getContext('2d');
    if (!ctx) return colors[i];
    ctx.fillStyle = colors[i];
    ctx.fillRect(0, 0, PATTERN_SIZE, PATTERN_SIZE);
    drawPattern(ctx, s.pattern, ink);
    return ctx.createPattern(c, 'repeat') ?? colors[i];
  });
  const contrast = v('--lens-contrast', 'transparent');
  return {
    kind,
    bg: v('--lens-bg', '#1e1e1e'),
    fg: v('--lens-fg', '#d4d4d4'),
    muted: v('--lens-muted', '#a0a0a0'),
    border: v('--lens-border', '#3c3c3c'),
    contrast: contrast === 'transparent' ? '' : contrast,
    grid: v('--lens-grid', 'rgba(128,128,128,0.2)'),
    series: v('--lens-series', '#56b4e9'),
    cpu: v('--lens-cpu', '#009e73'),
    crash: v('--lens-crash', '#ff6b57'),
    focus: v('--lens-focus', '#007fd4'),
    colors,
    fills,
  };
}

/** Calls `onChange` when VS Code (or the standalone theme picker) switches the theme. */
export function watchTheme(doc: Document, onChange: () => void): () => void {
  const obs = new MutationObserver(onChange);
  obs.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
  obs.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => obs.disconnect();
}
