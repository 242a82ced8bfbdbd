/**
 * The live deadlock banner: every incoming record chunk goes to the analysis core's
 * `DeadlockDetector`; when it reports a wait-for cycle, a wait on a dead holder or a stall, a banner
 * names it in the detector's words with Stop (ends the run) and Dismiss, and the chart marks the
 * blocked waits and draws who waits for whom. As in the runner, a report is only shown once its
 * lanes have stayed in the same waits for `CONFIRM_MS` (processes flush separately, so a cycle can
 * appear for a moment that is not there); in a finished trace, if they are still in them at its end.
 */
import { DeadlockDetector, type DeadlockReport } from '../common/analysis/deadlock';
import type { LockOrderInversion } from '../common/analysis/lockOrder';
import type { Chunk } from '../common/protocol';
import type { TraceView } from '../common/store/api';

/** One blocked wait of a reported deadlock, in chart coordinates (ns relative to the trace origin). */
export interface DeadlockMark {
  lane: number;
  /** When the wait began. */
  since: number;
  /** Lane of the process it waits for (the next one of the cycle), or -1. */
  waitsFor: number;
}

/** How long (wall ms) a report's lanes must stay in the same waits before the banner shows it. */
export const CONFIRM_MS = 300;

const HEADINGS: Record<DeadlockReport['kind'], string> = {
  cycle: 'Deadlock',
  'dead-holder': 'Deadlock: the holder has exited',
  stall: 'Stalled',
};

/** Turns a report into marks on the lanes of `view` (steps whose lane is not known yet are left out). */
export function marksOf(report: DeadlockReport, view: TraceView): DeadlockMark[] {
  const laneOf = (pid: number, tid: number): number =>
    view.lanes().find((l) => l.pid === pid && l.tid === tid)?.id ?? -1;
  const lanes = report.steps.map((s) => laneOf(s.pid, s.tid));
  // A cycle and a dead-holder chain are "waits for the next one"; a stall's lanes are only all blocked.
  const next = (i: number): number =>
    report.kind === 'cycle' ? lanes[(i + 1) % lanes.length] : report.kind === 'stall' ? -1 : (lanes[i + 1] ?? -1);
  return report.steps
    .map((s, i) => ({ lane: lanes[i], since: s.since - view.origin, waitsFor: next(i) }))
    .filter((m) => m.lane >= 0 && Number.isFinite(m.since));
}

/** The banner and its detector. */
export class DeadlockBanner {
  readonly el: HTMLElement;
  /** The report shown (or dismissed), null before any. */
  report: DeadlockReport | null = null;
  dismissed = false;
  private detector = new DeadlockDetector();
  private pending: { report: DeadlockReport; seen: number }[] = [];
  private readonly text: HTMLElement;
  private readonly heading: HTMLElement;
  readonly stop: HTMLButtonElement;
  readonly dismiss: HTMLButtonElement;

  constructor(
    parent: HTMLElement,
    before: HTMLElement,
    onStop: () => void,
    private readonly onChange: () => void,
  ) {
    this.el = document.createElement('div');
    this.el.className = 'deadlock-banner';
    this.el.setAttribute('role', 'alert');
    this.el.hidden = true;
    this.heading = document.createElement('strong');
    this.text = document.createElement('span');
    this.text.className = 'deadlock-text';
    this.stop = document.createElement('button');
    this.stop.className = 'deadlock-stop';
    this.stop.textContent = 'Stop run';
    this.stop.title = 'Stop the run and every process it started';
    this.stop.addEventListener('click', onStop);
    this.dismiss = document.createElement('button');
    this.dismiss.className = 'deadlock-dismiss';
    this.dismiss.textContent = 'Dismiss';
    this.dismiss.addEventListener('click', () => {
      this.dismissed = true;
      this.render(false);
      this.onChange();
    });
    this.el.append(this.heading, this.text, this.stop, this.dismiss);
    parent.insertBefore(this.el, before);
  }

  /** Starts over for a new trace. */
  reset(): void {
    this.detector = new DeadlockDetector();
    this.pending = [];
    this.report = null;
    this.dismissed = false;
    this.render(false);
  }

  /** Feeds one chunk; its reports wait for confirmation (`tick`). */
  ingest(chunk: Chunk): void {
    for (const r of this.detector.ingest(chunk)) this.pending.push({ report: r, seen: performance.now() });
  }

  /**
   * Shows the reports whose lanes stayed in their waits for `CONFIRM_MS` (all at once when not `live`);
   * while live, also checks the stall rule at absolute trace time `now`.
   */
  tick(now: number, live: boolean, canStop: boolean): void {
    if (live) {
      const r = this.detector.tick(now);
      if (r) this.pending.push({ report: r, seen: performance.now() });
    }
    const wall = performance.now();
    while (this.pending.length && (!live || wall - this.pending[0].seen >= CONFIRM_MS)) {
      const { report } = this.pending.shift() as { report: DeadlockReport };
      if (this.stillHolds(report)) this.show(report);
    }
    this.render(canStop);
  }

  /** Lock-order inversions seen so far that did not deadlock (for the findings pane). */
  inversions(): LockOrderInversion[] {
    return this.detector.inversions();
  }

  /** Whether every live lane of the report is still in the wait it was reported in. */
  private stillHolds(r: DeadlockReport): boolean {
    const waits = new Set(this.detector.waitFor().map((e) => `${e.from.pid}:${e.from.tid}:${e.obj}:${e.since}`));
    return r.steps.every((s) => !s.alive || waits.has(`${s.pid}:${s.tid}:${s.obj}:${s.since}`));
  }

  /** Whether the banner is up. */
  get visible(): boolean {
    return this.report !== null && !this.dismissed;
  }

  private show(r: DeadlockReport): void {
    // A cycle outranks a stall; otherwise the first report stays.
    if (this.report && !(this.report.kind === 'stall' && r.kind !== 'stall')) return;
    this.report = r;
    this.dismissed = false;
    this.onChange();
  }

  /** Updates the banner's text and buttons. */
  render(canStop: boolean): void {
    const r = this.report;
    this.el.hidden = !this.visible;
    if (!r) return;
    this.el.dataset.kind = r.kind;
    const head = HEADINGS[r.kind];
    if (this.heading.textContent !== head) this.heading.textContent = head;
    const sentence = r.sentence.charAt(0).toUpperCase() + r.sentence.slice(1) + '.';
    if (this.text.textContent !== sentence) this.text.textContent = sentence;
    this.stop.hidden = !canStop;
  }
}
