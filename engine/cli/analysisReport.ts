/**
 * The analyses as the command line prints them under the summary: the contention table (aligned
 * columns), parallel efficiency with its limiters, lints with their explanation and the sample that
 * shows the fix, and lock-order inversions.
 */
import { sep } from 'node:path';
import type { RunAnalysis } from '../../common/analysis';
import { DURATION_COLUMNS, durationOf, type ContentionRow } from '../../common/analysis/contention';
import { LOCK_ORDER_EXPLANATION, type LockOrderInversion } from '../../common/analysis/lockOrder';
import { fmtDuration, fmtPercent } from '../../common/analysis/util';
import type { RunDeadlock } from '../liveDeadlock';

/** What `formatAnalysis` prints. */
export interface AnalysisInput {
  analysis: RunAnalysis;
  inversions: readonly LockOrderInversion[];
  deadlocks: readonly RunDeadlock[];
  /** List every lock and queue, not only those that had waits. */
  verbose: boolean;
  /** Paths under this folder are printed relative to it (the terminal's folder: still links). */
  cwd?: string;
}

const WIDTH = 100;
const INDENT = '    ';
/** Continuation lines of a warning's headline, deeper than its explanation. */
const MORE = '      ';

/** The analyses as lines (without trailing newlines). */
export function formatAnalysis(a: AnalysisInput): string[] {
  const prefix = a.cwd ? (a.cwd.endsWith(sep) ? a.cwd : a.cwd + sep) : '';
  const rel = (text: string): string => (prefix ? text.split(prefix).join('') : text);
  const out: string[] = [];
  for (const d of a.deadlocks)
    out.push(`${d.kind === 'stall' ? 'stall' : 'deadlock'} at ${fmtDuration(d.atNs)}: ${rel(d.sentence)}`);
  if (a.deadlocks.length) out.push('');
  out.push(...contentionLines(a.analysis.contention, a.verbose), '');
  const eff = a.analysis.efficiency;
  out.push(`parallel efficiency: ${eff.summary}`);
  for (const l of eff.limiters) out.push(...wrap(`- ${l.title}: ${rel(l.evidence)}`, '  ', '    '));
  for (const l of a.analysis.lints) {
    out.push('');
    const at = l.loc && !l.message.includes(l.loc) ? ` (${l.loc})` : '';
    out.push(...wrap(rel(`${l.severity} [${l.id}] ${l.message}${at}`), '', MORE));
    out.push(...wrap(l.explanation, INDENT, INDENT));
    out.push(`${INDENT}fix: see ${l.sample}`);
  }
  for (const inv of a.inversions) {
    out.push('');
    out.push(...wrap(`warning [lock-order] ${rel(inv.sentence)}`, '', MORE));
    out.push(...wrap(LOCK_ORDER_EXPLANATION, INDENT, INDENT));
  }
  return out;
}

/** The contention table: a header and one aligned row per object (only those that had waits unless `verbose`). */
export function contentionLines(rows: readonly ContentionRow[], verbose: boolean): string[] {
  if (rows.length === 0) return ['contention: no locks or queues'];
  const shown = verbose ? rows : rows.filter((r) => r.waited > 0);
  const hidden = rows.length - shown.length;
  const more = hidden > 0 ? ` (${hidden} more without waits: --verbose lists them)` : '';
  if (shown.length === 0) {
    const what = rows.length === 1 ? `its ${rows[0].typeWord}` : `any of its ${rows.length} locks and queues`;
    return [`contention: no process waited for ${what} (--verbose lists them)`];
  }
  const table = [
    [
      'object',
      'acq',
      'waited',
      // "wait total", "p50", "p95", "max", "hold total", ...
      ...DURATION_COLUMNS.map((c) => (c.stat === 'total' ? `${c.of} total` : c.stat)),
      'convoy',
      'processes',
      'lines',
    ],
    ...shown.map((r) => [
      `${r.typeWord} ${r.name || r.obj}`,
      String(r.acquisitions),
      fmtPercent(r.waitShare),
      ...DURATION_COLUMNS.map((c) => {
        const ns = durationOf(c, r);
        return ns === undefined ? '—' : fmtDuration(ns);
      }),
      String(r.convoy),
      firstFew(r.pids.map(String), 4, ','),
      firstFew(
        r.sites.map((s) => shortLoc(s.loc)),
        2,
        ' ',
      ),
    ]),
  ];
  const left = new Set([0, 12, 13]);
  return [`contention (lock and queue waits${more}):`, ...align(table, left).map((l) => `  ${l}`)];
}

/** Columns padded to their widest cell; columns in `left` are left-aligned, the others right-aligned. */
export function align(rows: readonly string[][], left: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((r) =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(widths[i] - [...c].length);
        return left.has(i) ? c + pad : pad + c;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** "a,b,c +2". */
function firstFew(items: string[], n: number, sep: string): string {
  if (items.length <= n) return items.join(sep);
  return `${items.slice(0, n).join(sep)} +${items.length - n}`;
}

/** `/x/y/convoy.py:9:5` → `convoy.py:9`. */
export function shortLoc(loc: string): string {
  const m = /([^/\\]+?):(\d+)(?::\d+)?$/.exec(loc);
  return m ? `${m[1]}:${m[2]}` : loc;
}

/** Words wrapped at `WIDTH` columns: the first line starts with `first`, the others with `rest`. */
export function wrap(text: string, first: string, rest: string): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  // A number and its unit ("1.64 ms") stay on one line.
  for (const joined of text.replace(/(\d) (?=(?:ms|s|µs|ns)\b)/g, '$1\u0000').split(/\s+/)) {
    if (!joined) continue;
    const word = joined.replace(/\u0000/g, ' ');
    if (!empty && line.length + 1 + word.length > WIDTH) {
      out.push(line);
      line = rest + word;
    } else line += (empty ? '' : ' ') + word;
    empty = false;
  }
  out.push(line);
  return out;
}
