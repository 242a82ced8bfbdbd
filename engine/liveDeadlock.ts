/**
 * Live deadlock detection for a run: every record chunk goes to a `DeadlockDetector` as it arrives
 * (decoding plus ~0.2 µs per event, so it keeps up with the collector), the runner's timer checks
 * the stall rule when no events come, and listeners hear each report once, with the wait-for graph.
 *
 * Each process sends its records on its own connection, flushed every few ms, so for a moment the
 * detector can see one process still in a wait that already ended (its end record not yet sent)
 * while another has started waiting for it: a cycle that is not there. A report is therefore only
 * passed on once every live lane in it has stayed in the same wait for `confirmMs`.
 */
import { DeadlockDetector, type DeadlockReport, type WaitEdge } from '../common/analysis/deadlock';
import type { LockOrderInversion } from '../common/analysis/lockOrder';
import type { Chunk } from '../common/protocol';

/** A deadlock (or stall) found while the run was going, as `run.onDeadlock` delivers it. */
export interface RunDeadlock extends DeadlockReport {
  /** The wait-for graph when it was confirmed: one edge per blocked lane and possible releaser. */
  graph: WaitEdge[];
  /** When it was found, in ns since the run started. */
  atNs: number;
}

/** How long the lanes of a report must stay in the same waits before it is passed on (ms). */
export const CONFIRM_MS = 300;

/** Feeds a run's chunks to the detector and tells listeners about each confirmed report. */
export class LiveDeadlock {
  private readonly detector: DeadlockDetector;
  private readonly listeners = new Set<(d: RunDeadlock) => void>();
  private readonly pending: { report: DeadlockReport; seen: number }[] = [];
  private active = true;
  /** The latest confirmed report, or undefined. */
  latest?: RunDeadlock;

  /** `t0`: the run's start (monotonic ns); `report` runs listener callbacks (the runner guards them). */
  constructor(
    private readonly t0: number,
    private readonly report: (fn: () => void) => void,
    stallNs?: number,
    private readonly confirmNs = CONFIRM_MS * 1e6,
  ) {
    this.detector = new DeadlockDetector({ stallNs });
  }

  /** Applies one chunk of the run's record streams; `now` is the monotonic time of arrival. */
  ingest(chunk: Chunk, now: number): void {
    // Records keep coming after the run starts ending (late flushes): they still count for inversions.
    for (const r of this.detector.ingest(chunk)) if (this.active) this.pending.push({ report: r, seen: now });
  }

  /** Checks the stall rule and confirms pending reports at `now` (absolute monotonic ns); call it every few ms. */
  tick(now: number): void {
    if (!this.active) return;
    const r = this.detector.tick(now);
    if (r) this.pending.push({ report: r, seen: now });
    while (this.pending.length && now - this.pending[0].seen >= this.confirmNs) {
      const { report } = this.pending.shift()!;
      if (this.stillHolds(report) && !(report.kind === 'stall' && this.explains(report))) this.emit(report);
    }
  }

  /** Stops reporting: once a run is being ended, its processes exiting are not deadlocks. */
  close(): void {
    this.active = false;
    this.pending.length = 0;
  }

  /** Lock-order inversions seen so far that did not deadlock. */
  inversions(): LockOrderInversion[] {
    return this.detector.inversions();
  }

  /** Calls `cb` for each confirmed report; returns the unsubscribe function. */
  on(cb: (d: RunDeadlock) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(r: DeadlockReport): void {
    const d: RunDeadlock = { ...r, graph: this.detector.waitFor(), atNs: r.t - this.t0 };
    this.latest = d;
    for (const l of this.listeners) this.report(() => l(d));
  }

  /** Whether every live lane of the report is still in the wait it was reported in. */
  private stillHolds(r: DeadlockReport): boolean {
    const waits = new Set(this.detector.waitFor().map((e) => `${e.from.pid}:${e.from.tid}:${e.obj}:${e.since}`));
    return r.steps.every((s) => !s.alive || waits.has(`${s.pid}:${s.tid}:${s.obj}:${s.since}`));
  }

  /** Whether a deadlock already reported still holds every lane of this stall (nothing new to say). */
  private explains(stall: DeadlockReport): boolean {
    const waiting = new Map(stall.steps.map((s) => [`${s.pid}:${s.tid}`, s.obj]));
    return this.detector.reports.some(
      (r) => r.kind !== 'stall' && r.steps.every((s) => !s.alive || waiting.get(`${s.pid}:${s.tid}`) === s.obj),
    );
  }
}
