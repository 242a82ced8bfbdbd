/**
 * CPU sampler for processes that do not measure themselves (Python, plain programs) and for Node
 * worker threads (a Node process samples only its main thread itself): reads each
 * thread's CPU time from `/proc` and turns the difference between two reads into a 0..1 share.
 * A process's main thread is reported as tid 0; other threads only when a runtime declared them
 * (`ThreadStart` with the OS thread id), so no lane appears for interpreter-internal threads.
 */
import { HAS_PROCFS, threadCpuNs } from './procfs';

/** One CPU reading for a lane. */
export interface CpuSample {
  pid: number;
  /** 0 for the main thread, else the OS thread id. */
  tid: number;
  /** Share of one core since the previous sample, 0..1. */
  cpu: number;
}

interface Last {
  cpuNs: number;
  /** When that reading was taken (monotonic ns). */
  at: number;
}

/** Keeps the previous reading per (pid, tid) and produces samples on every `tick`. */
export class CpuSampler {
  private readonly threads = new Map<number, Set<number>>();
  private readonly last = new Map<string, Last>();

  /** Whether this platform can be sampled at all. */
  static readonly supported = HAS_PROCFS;

  /** Starts sampling the main thread of `pid`. */
  watch(pid: number): void {
    const tids = this.threads.get(pid);
    if (tids) tids.add(pid);
    else this.threads.set(pid, new Set([pid]));
  }

  /**
   * Also samples thread `tid` (an OS thread id) of `pid`, even if its main thread is not sampled here
   * (a Node process measures its main thread itself, but not its worker threads' CPU).
   */
  watchThread(pid: number, tid: number): void {
    const tids = this.threads.get(pid);
    if (tids) tids.add(tid);
    else this.threads.set(pid, new Set([tid]));
  }

  /** Stops sampling `pid`. */
  forget(pid: number): void {
    const tids = this.threads.get(pid);
    if (!tids) return;
    for (const tid of tids) this.last.delete(`${pid}/${tid}`);
    this.threads.delete(pid);
  }

  /**
   * Reads every watched thread for the tick at time `t` (monotonic ns); returns the shares since the
   * last tick. Each share is over the time between that thread's own two readings: with one time for
   * all, a sampler descheduled between two threads' reads gave the later thread the CPU of a longer
   * window (two threads that take turns on the GIL once read as 1.49 cores).
   */
  tick(t: number): CpuSample[] {
    const out: CpuSample[] = [];
    if (!HAS_PROCFS) return out;
    for (const [pid, tids] of this.threads) {
      for (const tid of tids) {
        const key = `${pid}/${tid}`;
        const cpuNs = threadCpuNs(pid, tid);
        const at = Math.max(t, Number(process.hrtime.bigint()));
        if (cpuNs === undefined) {
          if (tid === pid) this.forget(pid);
          else tids.delete(tid);
          this.last.delete(key);
          if (tids.size === 0) this.threads.delete(pid);
          continue;
        }
        const prev = this.last.get(key);
        this.last.set(key, { cpuNs, at });
        if (!prev || at <= prev.at) continue;
        const cpu = Math.min(1, Math.max(0, (cpuNs - prev.cpuNs) / (at - prev.at)));
        out.push({ pid, tid: tid === pid ? 0 : tid, cpu });
      }
    }
    return out;
  }
}
