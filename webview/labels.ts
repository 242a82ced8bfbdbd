/**
 * The lane-label column: one element per row (name, PID/TID or object kind), indented by nesting,
 * crashed processes marked, the keyboard-focused row highlighted. Rebuilt only when the rows change.
 */
import type { Lane } from '../common/store/api';
import type { Row } from './layout';
import { exitKind } from './states';

/** Re-renders the labels if `rows` differ from the signature `prev`; returns the new signature. */
export function renderLabels(
  box: HTMLElement,
  rows: readonly Row[],
  lanes: readonly Lane[],
  focusRow: number,
  prev: string,
): string {
  const sig =
    rows
      .map((r) => {
        const l = r.kind === 'lane' ? lanes[r.lane] : undefined;
        return `${r.key}|${r.label}|${r.indent}|${l ? `${l.exitCode}${l.signal}` : ''}`;
      })
      .join('\n') + `#${focusRow}`;
  if (sig === prev) return prev;
  box.replaceChildren(
    ...rows.map((r, i) => {
      const d = document.createElement('div');
      d.className = `label kind-${r.kind} h-${r.kind} i${Math.min(3, r.indent)}`;
      d.setAttribute('role', 'listitem');
      d.dataset.key = r.key;
      const l = r.kind === 'lane' ? lanes[r.lane] : undefined;
      if (l && exitKind(l) === 'crashed') d.classList.add('crashed');
      if (i === focusRow) d.classList.add('selected');
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = r.label;
      const sub = document.createElement('span');
      sub.className = 'sub';
      sub.textContent = r.sub;
      d.title = `${r.label} — ${r.sub}`;
      d.append(name, sub);
      return d;
    }),
  );
  return sig;
}

/** Moves the highlight to row `index` at once. */
export function markSelected(box: HTMLElement, index: number): void {
  Array.prototype.forEach.call(box.children, (el: Element, i: number) => el.classList.toggle('selected', i === index));
}
