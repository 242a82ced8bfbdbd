/**
 * Export of a trace to the Chrome Trace Event Format (JSON object form), which Perfetto and
 * chrome://tracing open. Timestamps are µs relative to the trace origin, on whole ns. A lane's spans that nest
 * become `X` complete events; spans that overlap without nesting (async waits) become `b`/`e`
 * async slices; open spans become `B` without an `E`. Flows (`s`/`f`), counters (`C`) and instants
 * (`i`) are added for viewing. Our own fields ride in `args.cl` and `otherData.concurrencyLens`,
 * so `fromChromeTrace` can rebuild the same trace.
 */
import { Kind, ObjType, SCHEMA_VERSION } from '../schema';
import type { Lane, TraceView } from '../store/api';
import { pointFields } from '../store/pointLog';
import { ARGS_KEY, CAT_NAMES, OWN_KEY, nn, type ChromeEvent, type OwnData, type TaskFacts } from './format';

/** A Chrome trace in object form. */
export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: 'ms' | 'ns';
  otherData: { [OWN_KEY]: OwnData };
}

/** Display names of point record kinds. */
const POINT_NAMES: Record<number, string> = {
  [Kind.QueuePut]: 'queue put',
  [Kind.QueueGet]: 'queue get',
  [Kind.LockAcquire]: 'lock acquire',
  [Kind.LockRelease]: 'lock release',
  [Kind.PipeSend]: 'pipe send',
  [Kind.PipeRecv]: 'pipe recv',
  [Kind.ValueWrite]: 'value write',
  [Kind.Aggregate]: 'aggregate',
};

/** ns → µs, on whole nanoseconds: Perfetto rounds each ts and dur to ns, so exporting them whole keeps nested slices nested. */
const us = (t: number): number => Math.round(t) / 1000;

/** Chrome thread id of a lane: the pid for a main thread (tid 0), else the thread id. */
export function chromeTid(lane: Pick<Lane, 'pid' | 'tid'>): number {
  return lane.tid === 0 ? lane.pid : lane.tid;
}

/** Converts a trace to a Chrome Trace Event Format object (serialise it with `JSON.stringify`). */
export function toChromeTrace(view: TraceView): ChromeTrace {
  const lanes = view.lanes();
  const out: ChromeEvent[] = [];
  const at = (lane: number): { pid: number; tid: number } => ({ pid: lanes[lane].pid, tid: chromeTid(lanes[lane]) });
  const order = view.laneTree?.() ?? lanes.map((l) => ({ lane: l.id, level: 0 }));
  order.forEach(({ lane }, i) => {
    const l = lanes[lane];
    const sortIndex = { sort_index: i };
    if (l.tid === 0) {
      out.push({ ph: 'M', name: 'process_name', pid: l.pid, args: { name: l.name } });
      out.push({ ph: 'M', name: 'process_sort_index', pid: l.pid, args: sortIndex });
    }
    out.push({ ph: 'M', name: 'thread_name', pid: l.pid, tid: chromeTid(l), args: { name: l.name } });
    out.push({ ph: 'M', name: 'thread_sort_index', pid: l.pid, tid: chromeTid(l), args: sortIndex });
  });
  exportSpans(view, out, at);
  const names = new Map(view.objects().map((o) => [o.key, o.name]));
  let flowId = 1;
  for (const f of view.flows()) {
    const name = `${f.kind} ${names.get(f.obj) ?? f.obj}`;
    const cat = `cl.flow.${f.kind}`;
    out.push({ ph: 's', id: flowId, name, cat, ts: us(f.fromT), ...at(f.fromLane) });
    out.push({ ph: 'f', bp: 'e', id: flowId, name, cat, ts: us(f.toT), ...at(f.toLane) });
    flowId++;
  }
  exportCounters(view, out, names);
  for (const m of view.marks()) {
    out.push({ ph: 'i', s: 't', name: m.name, cat: 'cl.mark', ts: us(m.t), ...at(m.lane), args: { [ARGS_KEY]: {} } });
  }
  for (const e of view.errors()) {
    const args = { message: e.message, stack: e.stack, [ARGS_KEY]: {} };
    out.push({
      ph: 'i',
      s: 't',
      name: `error: ${e.message.slice(0, 80)}`,
      cat: 'cl.error',
      ts: us(e.t),
      ...at(e.lane),
      args,
    });
  }
  for (const l of lanes) {
    if (l.tid !== 0 || l.end !== l.end) continue;
    const args = { code: nn(l.exitCode), signal: l.signal };
    out.push({ ph: 'i', s: 't', name: 'exit', cat: 'cl.exit', ts: us(l.end), pid: l.pid, tid: l.pid, args });
  }
  exportPoints(view, out, at);
  return { traceEvents: out, displayTimeUnit: 'ms', otherData: { [OWN_KEY]: ownData(view) } };
}

/** Spans as X (nested), b/e (overlapping) and B (open) events. */
function exportSpans(view: TraceView, out: ChromeEvent[], at: (lane: number) => { pid: number; tid: number }): void {
  const open = view.openSpans();
  let asyncId = 1;
  for (const lane of view.lanes()) {
    const c = view.spans(lane.id);
    const where = at(lane.id);
    const opens = open.filter((o) => o.lane === lane.id);
    const ends: number[] = [];
    let k = 0;
    // Merge closed spans (sorted by start) with this lane's open spans (end = +∞) in start order.
    for (let i = 0; i < c.count || k < opens.length;) {
      const takeOpen = k < opens.length && (i >= c.count || opens[k].start < c.start[i]);
      const start = Math.round(takeOpen ? opens[k].start : c.start[i]);
      const end = takeOpen ? Infinity : Math.round(c.end[i]);
      while (ends.length > 0 && ends[ends.length - 1] <= start) ends.pop();
      const nests = ends.length === 0 || end <= ends[ends.length - 1];
      if (nests) ends.push(end);
      let ev: ChromeEvent;
      if (takeOpen) {
        const o = opens[k++];
        const cl = { cat: o.cat, status: 0, depth: o.depth, detail: o.detail, obj: o.obj, loc: o.loc, task: o.task };
        ev = { ph: nests ? 'B' : 'b', name: o.name, cat: CAT_NAMES[o.cat] ?? 'user', ts: us(o.start), ...where };
        ev.args = { detail: o.detail, obj: o.obj, loc: o.loc, [ARGS_KEY]: cl };
        if (!nests) ev.id = asyncId++;
        out.push(ev);
      } else {
        const cl = {
          cat: c.cat[i],
          status: c.status[i],
          depth: c.depth[i],
          detail: view.str(c.detail[i]),
          obj: view.str(c.obj[i]),
          loc: view.str(c.loc[i]),
          task: c.task[i],
        };
        const base = { name: view.str(c.name[i]), cat: CAT_NAMES[cl.cat] ?? 'user', ...where };
        const args = { detail: cl.detail, obj: cl.obj, loc: cl.loc, status: cl.status, [ARGS_KEY]: cl };
        if (nests) out.push({ ph: 'X', ...base, ts: us(start), dur: us(end - start), args });
        else {
          const id = asyncId++;
          out.push({ ph: 'b', ...base, id, ts: us(start), args });
          out.push({ ph: 'e', ...base, id, ts: us(end) });
        }
        i++;
      }
    }
  }
}

/** Queue depth, CPU and event-loop utilisation as counters. */
function exportCounters(view: TraceView, out: ChromeEvent[], names: Map<string, string>): void {
  const queues = new Map<string, number>();
  for (const o of view.objects()) if (o.type === ObjType.Queue) queues.set(o.key, o.pid);
  const p = view.points?.();
  const lanes = view.lanes();
  if (p) {
    for (let i = 0; i < p.count; i++) {
      if (p.kind[i] !== Kind.QueuePut && p.kind[i] !== Kind.QueueGet) continue;
      const key = view.str(p.obj[i]);
      if (!queues.has(key)) queues.set(key, lanes[p.lane[i]].pid);
    }
  }
  for (const [key, pid] of queues) {
    const s = view.queueDepth(key);
    const name = `queue ${names.get(key) ?? key}`;
    for (let i = 0; i < s.count; i++)
      out.push({ ph: 'C', name, cat: 'cl.queue', pid, ts: us(s.t[i]), args: { depth: s.v[i] } });
  }
  for (const l of lanes) {
    const what: [string, (lane: number) => { count: number; t: Float64Array; v: Float64Array }][] = [['cpu', view.cpu]];
    if (view.elu) what.push(['elu', view.elu]);
    for (const [kind, get] of what) {
      const s = get.call(view, l.id);
      const name = l.tid === 0 ? `${kind} %` : `${kind} % (${l.name})`;
      for (let i = 0; i < s.count; i++) {
        out.push({
          ph: 'C',
          name,
          cat: `cl.${kind}:${l.tid}`,
          pid: l.pid,
          ts: us(s.t[i]),
          args: { [kind]: s.v[i] * 100 },
        });
      }
    }
  }
}

/** Queue, lock, pipe, value and aggregate records as thread instants. */
function exportPoints(view: TraceView, out: ChromeEvent[], at: (lane: number) => { pid: number; tid: number }): void {
  const p = view.points?.();
  if (!p) return;
  for (let i = 0; i < p.count; i++) {
    const kind = p.kind[i];
    const f = pointFields(kind);
    const vals = [p.a[i], p.b[i], p.c[i]];
    const obj = view.str(p.obj[i]);
    const args: Record<string, unknown> = { obj };
    f.nums.forEach((n, j) => (args[n] = vals[j]));
    if (f.str) args[f.str] = view.str(p.s[i]);
    args[ARGS_KEY] = { k: kind };
    out.push({
      ph: 'i',
      s: 't',
      name: POINT_NAMES[kind] ?? 'point',
      cat: 'cl.point',
      ts: us(p.t[i]),
      ...at(p.lane[i]),
      args,
    });
  }
}

/** The facts that have no natural Chrome event. */
function ownData(view: TraceView): OwnData {
  const lanes = view.lanes();
  const where = (lane: unknown, pid: number): [number, number] => {
    const l = typeof lane === 'number' ? lanes[lane] : undefined;
    return l ? [l.pid, l.tid] : [pid, 0];
  };
  const tasks: TaskFacts[] = view.tasks().map((r) => {
    const rec = r as unknown as Record<string, unknown>;
    return {
      pool: r.pool,
      task: r.task,
      fn: r.fn,
      args: r.args,
      chunk: r.chunk,
      status: r.status,
      loc: r.loc,
      submit: nn(r.submit),
      start: nn(r.start),
      end: nn(r.end),
      result: nn(r.result),
      submitAt: where(rec.submitLane, r.submitPid),
      workerAt: where(rec.workerLane, r.workerPid),
      resultAt: where(rec.resultLane, r.submitPid),
    };
  });
  const run = view.run();
  return {
    schema: SCHEMA_VERSION,
    origin: view.origin,
    run: { ...run, exitCode: nn(run.exitCode), end: nn(run.end) },
    lanes: lanes.map((l) => ({
      pid: l.pid,
      tid: l.tid,
      name: l.name,
      ppid: l.ppid,
      role: l.role,
      start: nn(l.start),
      end: nn(l.end),
      exitCode: nn(l.exitCode),
      signal: l.signal,
    })),
    objects: view.objects().map((o) => ({ ...o })),
    tasks,
    output: view.output().map((o) => ({ ...o })),
    lost: (view.lost?.() ?? []).map((l) => ({ pid: l.pid, count: l.count, reason: l.reason })),
  };
}
