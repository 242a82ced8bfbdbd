/**
 * The part of an import that only our own traces have: `otherData.concurrencyLens` with lanes,
 * objects, tasks, output, lost-record counts and run facts, turned back into the records a live run
 * would have sent.
 */
import { Kind, SCHEMA_VERSION } from '../schema';
import { ChromeTraceError, field } from './input';
import { Pri, RecordList, priOf } from './records';

/** What the rest of the import needs from our block. */
export interface OwnInfo {
  /** Monotonic ns of relative time 0 in the exported trace. */
  origin: number;
  /** "pid:tid" of every lane the block declared. */
  lanes: Set<string>;
}

function list(o: Record<string, unknown>, key: string, path: string): Record<string, unknown>[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new ChromeTraceError(`${path}.${key} must be an array`);
  v.forEach((x, i) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x))
      throw new ChromeTraceError(`${path}.${key}[${i}] must be an object`);
  });
  return v as Record<string, unknown>[];
}

/** Adds the records described by our `otherData` block; returns its origin and lanes. */
export function importOwn(block: unknown, recs: RecordList, warnings: string[]): OwnInfo {
  const path = 'otherData.concurrencyLens';
  if (typeof block !== 'object' || block === null || Array.isArray(block))
    throw new ChromeTraceError(`${path} must be an object`);
  const o = block as Record<string, unknown>;
  const schema = field(o, 'schema', 'number', path);
  if (schema > SCHEMA_VERSION)
    warnings.push(`trace was written with schema ${schema}, newer than ${SCHEMA_VERSION}; some details may be missing`);
  const origin = field(o, 'origin', 'number', path);
  const abs = (t: number): number => origin + t;
  const lanes = new Set<string>();
  const laneStart = new Map<number, number>();
  list(o, 'lanes', path).forEach((l, i) => {
    const p = `${path}.lanes[${i}]`;
    const pid = field(l, 'pid', 'number', p);
    const tid = field(l, 'tid', 'number', p);
    const name = field(l, 'name', 'string', p);
    const start = field(l, 'start', 'number', p, true);
    const end = field(l, 'end', 'number', p, true);
    const t0 = abs(start === start ? start : 0);
    lanes.add(`${pid}:${tid}`);
    if (tid === 0) {
      laneStart.set(pid, t0);
      recs.add(
        Kind.ProcStart,
        t0,
        pid,
        0,
        [field(l, 'ppid', 'number', p), name, field(l, 'role', 'number', p)],
        Pri.Start,
      );
      if (end === end) {
        const code = field(l, 'exitCode', 'number', p, true);
        recs.add(
          Kind.ProcExit,
          abs(end),
          pid,
          0,
          [code === code ? code : -1, field(l, 'signal', 'string', p)],
          Pri.Exit,
        );
      }
    } else {
      recs.add(Kind.ThreadStart, t0, pid, tid, [name], Pri.Start);
      if (end === end) recs.add(Kind.ThreadEnd, abs(end), pid, tid, [], Pri.Exit);
    }
  });
  list(o, 'objects', path).forEach((x, i) => {
    const p = `${path}.objects[${i}]`;
    const pid = field(x, 'pid', 'number', p);
    const fields = [
      field(x, 'key', 'string', p),
      field(x, 'type', 'number', p),
      field(x, 'name', 'string', p),
      field(x, 'capacity', 'number', p),
      field(x, 'loc', 'string', p),
    ];
    recs.add(Kind.ObjDecl, laneStart.get(pid) ?? origin, pid, 0, fields, Pri.Decl);
  });
  list(o, 'tasks', path).forEach((x, i) => importTask(x, `${path}.tasks[${i}]`, abs, recs));
  list(o, 'output', path).forEach((x, i) => {
    const p = `${path}.output[${i}]`;
    const tid = x.tid === undefined ? 0 : field(x, 'tid', 'number', p);
    recs.add(Kind.Output, abs(field(x, 't', 'number', p)), field(x, 'pid', 'number', p), tid, [
      field(x, 'stream', 'number', p),
      `${field(x, 'text', 'string', p)}\n`,
    ]);
  });
  // One Lost record per process and reason at the process's start: the store only sums them.
  if (o.lost !== undefined) {
    list(o, 'lost', path).forEach((x, i) => {
      const p = `${path}.lost[${i}]`;
      const pid = field(x, 'pid', 'number', p);
      const fields = [field(x, 'count', 'number', p), field(x, 'reason', 'string', p)];
      recs.add(Kind.Lost, laneStart.get(pid) ?? origin, pid, 0, fields);
    });
  }
  const run = field(o, 'run', 'object', path);
  const rp = `${path}.run`;
  const cores = run.cores === undefined ? 0 : field(run, 'cores', 'number', rp);
  recs.setFirst(Kind.RunStart, origin, [
    field(run, 'snippet', 'string', rp),
    field(run, 'runtime', 'string', rp),
    cores,
  ]);
  const end = field(run, 'end', 'number', rp, true);
  if (end === end) {
    const code = field(run, 'exitCode', 'number', rp, true);
    recs.add(
      Kind.RunEnd,
      abs(end),
      0,
      0,
      [field(run, 'endReason', 'string', rp), code === code ? code : -1],
      priOf(Kind.RunEnd),
    );
  }
  return { origin, lanes };
}

function at(x: Record<string, unknown>, key: string, p: string): [number, number] {
  const v = x[key];
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'number') {
    throw new ChromeTraceError(`${p}.${key} must be [pid, tid]`);
  }
  return [v[0], v[1]];
}

function importTask(x: Record<string, unknown>, p: string, abs: (t: number) => number, recs: RecordList): void {
  const pool = field(x, 'pool', 'string', p);
  const task = field(x, 'task', 'number', p);
  const status = field(x, 'status', 'number', p);
  const [sp, st] = at(x, 'submitAt', p);
  const [wp, wt] = at(x, 'workerAt', p);
  const [rp, rt] = at(x, 'resultAt', p);
  const time = (k: string): number => field(x, k, 'number', p, true);
  const submit = time('submit');
  const start = time('start');
  const end = time('end');
  const result = time('result');
  if (submit === submit) {
    const f = [
      pool,
      task,
      field(x, 'fn', 'string', p),
      field(x, 'args', 'string', p),
      field(x, 'chunk', 'number', p),
      field(x, 'loc', 'string', p),
    ];
    recs.add(Kind.TaskSubmit, abs(submit), sp, st, f);
  }
  if (start === start) recs.add(Kind.TaskStart, abs(start), wp, wt, [pool, task]);
  if (end === end) recs.add(Kind.TaskEnd, abs(end), wp, wt, [pool, task, status]);
  if (result === result) recs.add(Kind.TaskResult, abs(result), rp, rt, [pool, task, status]);
}
