/** Lanes of an imported Chrome trace: which (pid, tid) an event belongs to and what the lanes are called. */
import { Kind, Role } from '../schema';
import type { ChromeEvent } from './format';
import type { EventReader } from './input';
import { Pri, type RecordList } from './records';

/**
 * Maps Chrome pid/tid to lanes: tid = pid is the main thread (tid 0); in another tool's trace a
 * process with a single thread gets it as its main thread. Ids that are not 32-bit integers (string
 * pids, 64-bit thread ids) get small synthetic ones.
 */
export class LaneIds {
  minTs = Infinity;
  private readonly tidsOf = new Map<number, Set<number>>();
  private readonly synthetic = new Map<string, number>();
  private readonly names = new Map<string, string>();
  private readonly firstTs = new Map<string, number>();

  constructor(
    events: readonly ChromeEvent[],
    private readonly own: boolean,
  ) {
    for (const e of events) {
      if (e.ph === 'M') continue;
      if (typeof e.ts === 'number' && e.ts < this.minTs) this.minTs = e.ts;
      const pid = this.id(e.pid, 'pid');
      const tid = this.id(e.tid ?? e.pid, 'tid');
      const tids = this.tidsOf.get(pid);
      if (tids) tids.add(tid);
      else this.tidsOf.set(pid, new Set([tid]));
      const k = `${pid}:${tid}`;
      if (typeof e.ts === 'number' && !(this.firstTs.get(k)! <= e.ts)) this.firstTs.set(k, e.ts);
    }
    if (this.minTs === Infinity) this.minTs = 0;
  }

  /** Lane (pid, tid) of an event. */
  lane(e: ChromeEvent): { pid: number; tid: number } {
    const pid = this.id(e.pid, 'pid');
    const tid = this.id(e.tid ?? e.pid, 'tid');
    return { pid, tid: this.ourTid(pid, tid) };
  }

  /** Remembers a process_name / thread_name. */
  meta(r: EventReader, e: ChromeEvent): void {
    const name = r.args().name;
    if (typeof name !== 'string') return;
    const pid = this.id(e.pid, 'pid');
    if (e.name === 'process_name') this.names.set(`${pid}`, name);
    if (e.name === 'thread_name') this.names.set(`${pid}:${this.ourTid(pid, this.id(e.tid ?? e.pid, 'tid'))}`, name);
  }

  /** Adds ProcStart/ThreadStart records naming the lanes of another tool's trace. */
  declare(recs: RecordList, ns: (ts: number) => number): void {
    if (this.own) return;
    const procs = new Map<number, number>();
    for (const [k, ts] of this.firstTs) {
      const [pid, rawTid] = k.split(':').map(Number);
      const tid = this.ourTid(pid, rawTid);
      procs.set(pid, Math.min(procs.get(pid) ?? Infinity, ts));
      if (tid !== 0)
        recs.add(
          Kind.ThreadStart,
          ns(ts),
          pid,
          tid,
          [this.names.get(`${pid}:${tid}`) ?? `thread ${rawTid}`],
          Pri.Start,
        );
    }
    for (const [pid, ts] of procs) {
      const name = this.names.get(`${pid}`) ?? this.names.get(`${pid}:0`) ?? `pid ${pid}`;
      recs.add(Kind.ProcStart, ns(ts), pid, 0, [0, name, Role.Other], Pri.Start);
    }
  }

  private ourTid(pid: number, tid: number): number {
    if (tid === pid) return 0;
    if (!this.own && this.tidsOf.get(pid)?.size === 1) return 0;
    return tid;
  }

  private id(v: unknown, what: string): number {
    if (v === undefined) return 0;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 31) return v;
    const k = `${what}:${String(v)}`;
    let n = this.synthetic.get(k);
    if (n === undefined) {
      n = 2 ** 30 + this.synthetic.size;
      this.synthetic.set(k, n);
      if (what === 'pid' && typeof v === 'string') this.names.set(`${n}`, v);
    }
    return n;
  }
}
