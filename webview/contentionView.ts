/**
 * The contention table view, shown under the chart when toggled: one row per lock, semaphore,
 * condition and queue; clicking a header sorts by that column (again: reverses), clicking a row
 * selects the object (the panel highlights its waits and zooms to the worst).
 */
import { compareContention, type ContentionColumn, type ContentionRow } from '../common/analysis/contention';
import { COLUMNS } from './contentionModel';

/** The table and its sort state. */
export class ContentionView {
  readonly el: HTMLElement;
  sort: { column: ContentionColumn; dir: 'asc' | 'desc' } = { column: 'waitTotal', dir: 'desc' };
  /** Key of the selected object, '' for none. */
  selected = '';
  private rows: ContentionRow[] = [];
  private sig = '';
  private readonly table: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly empty: HTMLElement;

  constructor(
    parent: HTMLElement,
    before: HTMLElement,
    private readonly onSelect: (row: ContentionRow | null) => void,
  ) {
    this.el = document.createElement('div');
    this.el.className = 'contention';
    this.el.hidden = true;
    this.table = document.createElement('table');
    this.table.setAttribute('aria-label', 'Contention per object');
    const head = this.table.createTHead().insertRow();
    for (const c of COLUMNS) {
      const th = document.createElement('th');
      th.textContent = c.header;
      th.title = `${c.title} (click to sort)`;
      th.dataset.column = c.key;
      th.className = c.numeric ? 'num' : '';
      th.addEventListener('click', () => this.sortBy(c.key));
      head.appendChild(th);
    }
    this.body = this.table.createTBody();
    this.empty = document.createElement('p');
    this.empty.textContent = 'No locks, semaphores, conditions or queues in this trace.';
    this.el.append(this.table, this.empty);
    parent.insertBefore(this.el, before);
  }

  /** Sorts by `column`: descending first (biggest problems on top), a second click reverses. */
  sortBy(column: ContentionColumn): void {
    const dir = this.sort.column === column && this.sort.dir === 'desc' ? 'asc' : 'desc';
    this.sort = { column, dir };
    this.render(this.rows, true);
  }

  /** Shows `rows` (re-rendered only when their contents or the sort changed). */
  render(rows: ContentionRow[], force = false): void {
    this.rows = rows;
    const sorted = [...rows].sort(compareContention(this.sort.column, this.sort.dir));
    const cells = sorted.map((r) => COLUMNS.map((c) => c.cell(r)));
    const sig = `${this.sort.column}${this.sort.dir}${this.selected}\n${cells.map((c) => c.join('\t')).join('\n')}`;
    if (sig === this.sig && !force) return;
    this.sig = sig;
    for (const th of Array.from(this.table.tHead?.rows[0]?.cells ?? [])) {
      const on = th.dataset.column === this.sort.column;
      th.setAttribute('aria-sort', on ? (this.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    }
    this.body.replaceChildren(
      ...sorted.map((r, i) => {
        const tr = document.createElement('tr');
        tr.dataset.obj = r.obj;
        tr.tabIndex = 0;
        tr.title = r.loc ? `${r.name} — created at ${r.loc}. Click to show its waits.` : r.name;
        if (r.obj === this.selected) tr.classList.add('selected');
        COLUMNS.forEach((c, j) => {
          const td = tr.insertCell();
          td.textContent = cells[i][j];
          if (c.numeric) td.className = 'num';
        });
        const pick = (): void => {
          this.selected = this.selected === r.obj ? '' : r.obj;
          this.render(this.rows, true);
          this.onSelect(this.selected ? r : null);
        };
        tr.addEventListener('click', pick);
        tr.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            pick();
          }
        });
        return tr;
      }),
    );
    this.table.hidden = rows.length === 0;
    this.empty.hidden = rows.length > 0;
  }
}
