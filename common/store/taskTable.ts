/**
 * Pool tasks joined by (pool, task id) from TaskSubmit, TaskStart, TaskEnd and TaskResult, which
 * come from different processes and so may arrive in any order. Emits the submit→start and
 * end→result flows once both ends of each are known.
 */
import type { Flow, TaskRow } from './api';
import { Status } from '../schema';

/** A task row plus the lanes its events came from. */
export interface TaskRecord extends TaskRow {
  /** Lane of the submit, start and result events (-1 until known). */
  submitLane: number;
  workerLane: number;
  resultLane: number;
}

/** The joined tasks table. */
export class TaskTable {
  readonly rows: TaskRecord[] = [];
  private readonly index = new Map<string, number>();

  /** Row index of (pool, task), creating an empty row if new. */
  row(pool: string, task: number): number {
    const key = `${pool}\u0000${task}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.rows.length;
      this.index.set(key, i);
      this.rows.push({
        pool,
        task,
        fn: '',
        args: '',
        chunk: 0,
        submitPid: 0,
        workerPid: 0,
        submit: NaN,
        start: NaN,
        end: NaN,
        result: NaN,
        status: Status.Ok,
        loc: '',
        submitLane: -1,
        workerLane: -1,
        resultLane: -1,
      });
    }
    return i;
  }

  /** Row index of (pool, task), or -1. */
  find(pool: string, task: number): number {
    return this.index.get(`${pool}\u0000${task}`) ?? -1;
  }

  /** Records a submit; returns the submit→start flow if the start is already known. */
  submit(
    i: number,
    lane: number,
    pid: number,
    t: number,
    fn: string,
    args: string,
    chunk: number,
    loc: string,
  ): Flow | undefined {
    const r = this.rows[i];
    Object.assign(r, { submitLane: lane, submitPid: pid, submit: t, fn, args, chunk, loc });
    return r.workerLane >= 0 && r.start === r.start ? this.startFlow(r) : undefined;
  }

  /** Records the start in a worker; returns the submit→start flow if the submit is already known. */
  start(i: number, lane: number, pid: number, t: number): Flow | undefined {
    const r = this.rows[i];
    Object.assign(r, { workerLane: lane, workerPid: pid, start: t });
    return r.submitLane >= 0 ? this.startFlow(r) : undefined;
  }

  /** Records the end in the worker; returns the end→result flow if the result is already known. */
  end(i: number, t: number, status: number): Flow | undefined {
    const r = this.rows[i];
    r.end = t;
    if (status !== Status.Ok) r.status = status;
    return r.resultLane >= 0 && r.workerLane >= 0 ? this.resultFlow(r) : undefined;
  }

  /** Records the result reaching the caller; returns the end→result flow if the end is already known. */
  result(i: number, lane: number, t: number, status: number): Flow | undefined {
    const r = this.rows[i];
    r.result = t;
    r.resultLane = lane;
    if (status !== Status.Ok) r.status = status;
    return r.end === r.end && r.workerLane >= 0 ? this.resultFlow(r) : undefined;
  }

  /** Adds `d` to every time (the store's origin moved); NaN stays NaN. */
  shiftTimes(d: number): void {
    for (const r of this.rows) {
      r.submit += d;
      r.start += d;
      r.end += d;
      r.result += d;
    }
  }

  private startFlow(r: TaskRecord): Flow {
    return { kind: 'task', obj: r.pool, fromLane: r.submitLane, fromT: r.submit, toLane: r.workerLane, toT: r.start };
  }

  private resultFlow(r: TaskRecord): Flow {
    return { kind: 'task', obj: r.pool, fromLane: r.workerLane, fromT: r.end, toLane: r.resultLane, toT: r.result };
  }
}
