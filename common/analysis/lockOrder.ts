/**
 * Lock-order inversions: lane X took lock A and then B while another lane took B and then A. Each
 * acquisition made while holding other locks adds an "A before B" edge (first occurrence kept, with
 * its source lines); an edge whose reverse exists from another lane is an inversion.
 */
import { laneLabel } from './util';

/** What a lock-order inversion means and what to do, as the command line and the panel say it. */
export const LOCK_ORDER_EXPLANATION =
  'These locks were taken in both orders. It did not deadlock this time, but if both processes hold their first lock at once, each waits for the other forever. Take them in one fixed order everywhere.';

/** One observed order: `first` was held when `second` was taken. */
export interface LockOrderEdge {
  first: string;
  second: string;
  pid: number;
  tid: number;
  /** Where `first` and `second` were taken. */
  firstLoc: string;
  secondLoc: string;
  /** Absolute monotonic ns of the second acquisition. */
  t: number;
}

/** A pair of locks taken in both orders by different lanes. */
export interface LockOrderInversion {
  a: LockOrderEdge;
  b: LockOrderEdge;
  /** "process 41 took lock A (x.py:10:5) then lock B (x.py:11:5); process 42 took B (x.py:20:5) then A (x.py:21:5)". */
  sentence: string;
}

/** Collects lock-order edges and the inversions among them. */
export class LockOrder {
  private readonly edges = new Map<string, Map<string, LockOrderEdge>>();
  readonly inversions: LockOrderInversion[] = [];
  private readonly seenPairs = new Set<string>();

  /** `describe(key)` names a lock in sentences ("lock A"); `short(key)` names it again ("A"). */
  constructor(
    private readonly describe: (key: string) => string,
    private readonly short: (key: string) => string,
  ) {}

  /** Lane (pid, tid), holding `held` (with where each was taken), takes `obj` at `loc`. */
  acquire(
    pid: number,
    tid: number,
    held: readonly string[],
    holdLoc: (k: string) => string,
    obj: string,
    loc: string,
    t: number,
  ): void {
    for (const first of held) {
      if (first === obj) continue;
      let m = this.edges.get(first);
      if (!m) this.edges.set(first, (m = new Map()));
      if (m.has(obj)) continue;
      const edge: LockOrderEdge = { first, second: obj, pid, tid, firstLoc: holdLoc(first), secondLoc: loc, t };
      m.set(obj, edge);
      const reverse = this.edges.get(obj)?.get(first);
      if (!reverse || (reverse.pid === pid && reverse.tid === tid)) continue;
      const pair = first < obj ? `${first}\u0000${obj}` : `${obj}\u0000${first}`;
      if (this.seenPairs.has(pair)) continue;
      this.seenPairs.add(pair);
      this.inversions.push({ a: reverse, b: edge, sentence: this.sentence(reverse, edge) });
    }
  }

  private sentence(a: LockOrderEdge, b: LockOrderEdge): string {
    const at = (loc: string): string => (loc ? ` (${loc})` : '');
    return (
      `${laneLabel(a.pid, a.tid)} took ${this.describe(a.first)}${at(a.firstLoc)} then ${this.describe(a.second)}${at(a.secondLoc)}; ` +
      `${laneLabel(b.pid, b.tid)} took ${this.short(b.first)}${at(b.firstLoc)} then ${this.short(b.second)}${at(b.secondLoc)}`
    );
  }
}
