/**
 * Import of a Chrome Trace Event Format trace (ours, or one another tool wrote) as record streams,
 * so the very same store and panel show it. Ours come back as they were: lanes, spans with their
 * categories, statuses and objects, queue/lock/pipe records, tasks, output, marks and errors.
 * Another tool's trace gives process and thread names, `X`/`B`/`E`/`b`/`e` slices as spans,
 * `C` counters as Value objects, instants as marks and `s`/`f` flows as pipe messages.
 */
import { Cat, Kind, ObjType, Status } from '../schema';
import type { Chunk } from '../protocol';
import { fieldNames, fieldTypes } from '../wire';
import { ARGS_KEY, OWN_KEY, catFromName, type ChromeEvent } from './format';
import { ChromeTraceError, EventReader, parseTrace } from './input';
import { importOwn } from './importOwn';
import { LaneIds } from './laneIds';
import { Pri, RecordList } from './records';

export { ChromeTraceError } from './input';

/** Phases that are understood but carry nothing the trace model shows (samples, objects, clock sync). */
const UNSHOWN = new Set(['P', 'O', 'N', 'D', 'c']);

interface OpenRef {
  pid: number;
  tid: number;
  span: number;
  status: number;
}

/**
 * Turns a Chrome trace (parsed JSON, its text or its UTF-8 bytes) into record chunks of connection `conn`.
 * Throws `ChromeTraceError` with what is wrong and where for malformed input.
 */
export function fromChromeTrace(json: unknown, conn = 0): { chunks: Chunk[]; warnings: string[] } {
  const { events, otherData } = parseTrace(json);
  const warnings: string[] = [];
  const recs = new RecordList();
  const own = otherData?.[OWN_KEY] !== undefined ? importOwn(otherData[OWN_KEY], recs, warnings) : undefined;
  const ids = new LaneIds(events, own !== undefined);
  // Our timestamps are µs relative to the origin; another tool's are µs on its own clock, which we
  // rebase to start at 0 so nanoseconds stay exact in a double.
  const base = own ? own.origin : -ids.minTs * 1000;
  const ns = (ts: number): number => base + ts * 1000;
  const spanIds = new Map<string, number>();
  const nextSpan = (pid: number, tid: number): number => {
    const k = `${pid}:${tid}`;
    const n = (spanIds.get(k) ?? 0) + 1;
    spanIds.set(k, n);
    return n;
  };
  const stacks = new Map<string, OpenRef[]>();
  const asyncOpen = new Map<string, OpenRef[]>();
  const counters = new Set<string>();
  const flows = new Map<string, { ts: number; ph: string; pid: number; tid: number; name: string }[]>();
  const ignored = new Map<string, number>();
  let unmatched = 0;
  const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

  // X events are emitted outer-first at equal starts, so nested Begins come in nesting order.
  const ts = new Float64Array(events.length);
  const durs = new Float64Array(events.length);
  const order = new Uint32Array(events.length);
  events.forEach((e, i) => {
    ts[i] = typeof e.ts === 'number' ? e.ts : 0;
    durs[i] = typeof e.dur === 'number' ? e.dur : 0;
    order[i] = i;
  });
  order.sort((a, b) => ts[a] - ts[b] || durs[b] - durs[a] || a - b);
  for (const i of order) {
    const e = events[i];
    const r = new EventReader(e, i);
    const ph = e.ph;
    if (ph === 'M') {
      if (!own) ids.meta(r, e);
      continue;
    }
    const args = r.args();
    const cl = args[ARGS_KEY] as Record<string, unknown> | undefined;
    const cat = r.str('cat');
    if (own && cat.startsWith('cl.') && !isOwnRecord(cat)) continue; // derived: flows, queue counters, exits
    if (UNSHOWN.has(ph)) {
      count(ignored, ph);
      continue;
    }
    const { pid, tid } = ids.lane(e);
    const t = ns(r.num('ts'));
    const name = r.str('name');
    const spanFields = (): (number | string)[] => {
      if (cl && typeof cl.cat === 'number')
        return [cl.cat, name, String(cl.detail ?? ''), String(cl.obj ?? ''), String(cl.loc ?? '')];
      return [catFromName(cat) ?? Cat.User, name, foreignDetail(cat, args), '', ''];
    };
    const status = cl && typeof cl.status === 'number' ? cl.status : Status.Ok;
    switch (ph) {
      case 'X': {
        const dur = r.num('dur', 0);
        if (dur < 0) throw new ChromeTraceError(`${r.where()}: "dur" must not be negative, got ${dur}`);
        const span = nextSpan(pid, tid);
        recs.add(Kind.Begin, t, pid, tid, [span, ...spanFields()], Pri.Begin);
        recs.add(Kind.End, t + dur * 1000, pid, tid, [span, status], dur === 0 ? Pri.EndAfterBegin : Pri.End);
        break;
      }
      case 'B': {
        const span = nextSpan(pid, tid);
        recs.add(Kind.Begin, t, pid, tid, [span, ...spanFields()], Pri.Begin);
        push(stacks, `${pid}:${tid}`, { pid, tid, span, status });
        break;
      }
      case 'E': {
        const ref = stacks.get(`${pid}:${tid}`)?.pop();
        if (ref) recs.add(Kind.End, t, pid, tid, [ref.span, ref.status], Pri.End);
        else unmatched++;
        break;
      }
      case 'b':
      case 'S': {
        const span = nextSpan(pid, tid);
        recs.add(Kind.Begin, t, pid, tid, [span, ...spanFields()], Pri.Begin);
        push(asyncOpen, `${pid}:${cat}:${r.id()}`, { pid, tid, span, status });
        break;
      }
      case 'e':
      case 'F': {
        const ref = asyncOpen.get(`${pid}:${cat}:${r.id()}`)?.pop();
        if (ref) recs.add(Kind.End, t, ref.pid, ref.tid, [ref.span, ref.status], Pri.End);
        else unmatched++;
        break;
      }
      case 'i':
      case 'I':
      case 'n':
      case 'R':
        instant(cat, cl, name, args, t, pid, tid, recs, r);
        break;
      case 'C':
        counter(cat, name, args, t, pid, tid, e, counters, recs);
        break;
      case 's':
      case 't':
      case 'f': {
        const key = `${cat}:${r.id()}`;
        push(flows, key, { ts: t, ph, pid, tid, name });
        break;
      }
      default:
        count(ignored, ph);
    }
  }
  flowsToPipes(flows, recs);
  ids.declare(recs, ns);
  for (const [ph, n] of ignored) warnings.push(`ignored ${n} event(s) of phase "${ph}" (not shown by this viewer)`);
  if (unmatched > 0) warnings.push(`${unmatched} end event(s) had no matching begin and were ignored`);
  return { chunks: recs.toChunks(conn), warnings };
}

/** Longest detail text made from another tool's category and args. */
const MAX_DETAIL = 200;

/** "category · key=value, …" for a span of another tool's trace. */
function foreignDetail(cat: string, args: Record<string, unknown>): string {
  const parts = Object.entries(args).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const text = [cat, parts.join(', ')].filter((x) => x !== '').join(' · ');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Our categories that carry records (the others are derived views and rebuilt by the store). */
function isOwnRecord(cat: string): boolean {
  return (
    cat === 'cl.point' ||
    cat === 'cl.mark' ||
    cat === 'cl.error' ||
    cat.startsWith('cl.cpu:') ||
    cat.startsWith('cl.elu:')
  );
}

function instant(
  cat: string,
  cl: Record<string, unknown> | undefined,
  name: string,
  args: Record<string, unknown>,
  t: number,
  pid: number,
  tid: number,
  recs: RecordList,
  r: EventReader,
): void {
  if (cat === 'cl.point' && cl && typeof cl.k === 'number') {
    const kind = cl.k;
    const names = fieldNames(kind);
    const types = fieldTypes(kind);
    if (!names || !types) throw new ChromeTraceError(`${r.where()}: unknown record kind ${kind} in args.${ARGS_KEY}.k`);
    const fields = names.map((n, j) => {
      const v = args[n];
      const want = types[j] === 'str' || types[j] === 'text' ? 'string' : 'number';
      if (typeof v !== want)
        throw new ChromeTraceError(`${r.where()}: args.${n} must be a ${want}, got ${JSON.stringify(v)}`);
      return v as number | string;
    });
    recs.add(kind, t, pid, tid, fields);
  } else if (cat === 'cl.error') {
    recs.add(Kind.Error, t, pid, tid, [String(args.message ?? name), String(args.stack ?? '')]);
  } else {
    recs.add(Kind.Mark, t, pid, tid, [name]);
  }
}

function counter(
  cat: string,
  name: string,
  args: Record<string, unknown>,
  t: number,
  pid: number,
  tid: number,
  e: ChromeEvent,
  declared: Set<string>,
  recs: RecordList,
): void {
  const own = /^cl\.(cpu|elu):(\d+)$/.exec(cat);
  if (own) {
    const v = Number(Object.values(args).find((x) => typeof x === 'number')) / 100;
    const laneTid = Number(own[2]);
    recs.add(Kind.Sample, t, pid, laneTid, own[1] === 'cpu' ? [v, -1] : [-1, v]);
    return;
  }
  const keys = Object.keys(args).filter((k) => typeof args[k] === 'number');
  const series = e.id === undefined ? name : `${name} ${e.id}`;
  for (const k of keys) {
    const obj = `counter:${pid}:${series}:${k}`;
    if (!declared.has(obj)) {
      declared.add(obj);
      recs.add(
        Kind.ObjDecl,
        t,
        pid,
        tid,
        [obj, ObjType.Value, keys.length > 1 || k !== 'value' ? `${series} ${k}` : series, -1, ''],
        Pri.Decl,
      );
    }
    recs.add(Kind.ValueWrite, t, pid, tid, [obj, 0, args[k] as number]);
  }
}

/** Flow events become pipe messages: the first `s` of an id sends, each later `t`/`f` receives. */
function flowsToPipes(
  flows: Map<string, { ts: number; ph: string; pid: number; tid: number; name: string }[]>,
  recs: RecordList,
): void {
  let msg = 0;
  for (const [key, steps] of flows) {
    steps.sort((a, b) => a.ts - b.ts);
    const from = steps.find((s) => s.ph === 's');
    if (!from) continue;
    const obj = `flow:${key}`;
    for (const s of steps) {
      if (s === from) continue;
      msg++;
      recs.add(Kind.PipeSend, from.ts, from.pid, from.tid, [obj, msg]);
      recs.add(Kind.PipeRecv, s.ts, s.pid, s.tid, [obj, from.pid, msg]);
    }
  }
}
