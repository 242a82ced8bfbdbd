/**
 * Parallel efficiency of a run: speed-up (busy time of the workers / wall time), efficiency (speed-up
 * / workers), and the named limiters with their evidence: serial fraction, uneven chunks (the
 * stair-step), lock serialisation, queue starvation, more busy workers than cores.
 */
import { Cat, ObjType, Role } from '../schema';
import type { TraceView } from '../store/api';
import { laneStates, openByLane, RUNNING } from './breakdown';
import { contentionTable, type ContentionRow } from './contention';
import { factsOf, type EventFacts } from './facts';
import { fmtDuration, fmtPercent, laneLabel, ViewIndex } from './util';

/** Something that limits the speed-up, with the numbers that show it. */
export interface Limiter {
  id: 'serial-fraction' | 'uneven-chunks' | 'lock-serialisation' | 'queue-starvation' | 'oversubscription';
  title: string;
  /** Rough share of the ideal speed-up it costs (0..1), for ordering. */
  weight: number;
  /** One or two sentences with the numbers. */
  evidence: string;
  /** The object or pool involved, and a source line to jump to. */
  obj: string;
  loc: string;
}

/** Speed-up, efficiency and limiters. */
export interface Efficiency {
  wall: number;
  /** Workers counted: pool workers if there are pools, else child processes (and Node threads), else 1. */
  workers: number;
  /** Sum of task time (pools) or running + sleeping time of the workers. */
  busy: number;
  speedup: number;
  efficiency: number;
  /** Most busy workers at once, and the cores it was compared with. */
  peakBusy: number;
  cores: number;
  limiters: Limiter[];
  /** "speed-up 2.9× on 4 workers (efficiency 72%); limited by uneven chunks" */
  summary: string;
}

/** Options: the core count of the machine that ran the snippet (see `runCores`). */
export interface EfficiencyOptions {
  cores: number;
  /** `cores` is the viewer's machine's count because the trace does not say: the words say "of this machine". */
  coresLocal?: boolean;
  /** The whole-run contention table, if already computed. */
  contention?: ContentionRow[];
}

const BUCKETS = 1000;

/**
 * Less worker time than this (ns) is too little parallel work for a speed-up to mean anything: a
 * pool of trivial tasks, or a run that failed at once, would read "speed-up 0.0×".
 */
const MEASURABLE_BUSY_NS = 5e6;
/**
 * Oversubscription is worth a note only when it lasted at least this long (ns) and 5% of the run:
 * a few processes booting at once for a few ms (sample 10: 6 processes on 2 cores for 19 ms of a
 * 79 ms run) is not something to size a pool for.
 */
const OVERSUBSCRIBED_NS = 50e6;

/**
 * Cores to compare busy processes with: those of the machine that ran the snippet when the trace
 * says (the runner records them), else `local` (the viewer's machine), marked `coresLocal`.
 */
export function runCores(view: TraceView, local: number): { cores: number; coresLocal: boolean } {
  const n = view.run().cores ?? 0;
  return n > 0 ? { cores: n, coresLocal: false } : { cores: Math.max(1, local), coresLocal: true };
}

/** Computes speed-up, efficiency and limiters of the whole run. */
export function efficiency(view: TraceView, opts: EfficiencyOptions, facts?: EventFacts): Efficiency {
  facts ??= factsOf(view);
  const ix = ViewIndex.of(view);
  const open = openByLane(view);
  const procs = ix.lanes.filter((l) => l.tid === 0);
  // From the first process's start: interpreter start-up before it is not the program's serial part.
  const start = Math.min(...procs.map((l) => ix.laneStart(l.id)));
  const end = Math.max(start, ...procs.map((l) => ix.laneEnd(l.id)));
  const wall = procs.length ? end - start : 0;
  const poolWorkers = procs.filter((l) => l.role === Role.PoolWorker);
  // Without a pool, the child processes and the threads do the parallel work. A Python thread's lane
  // reads "running" while it waits for the GIL, so its running time comes from its CPU samples (the
  // runner measures each thread); a Python thread without samples is left out.
  const python = view.run().runtime === 'python';
  const threads = ix.lanes.filter((l) => l.tid !== 0 && (!python || view.cpu(l.id).count > 0));
  const byCpu = new Set(python ? threads.map((l) => l.id) : []);
  const others = [...procs.filter((l) => l.role === Role.Process), ...threads];
  const workerLanes = poolWorkers.length ? poolWorkers : others.length ? others : procs.slice(0, 1);
  const workers = Math.max(1, workerLanes.length);
  const tasks = view.tasks().filter((r) => Number.isFinite(r.start) && Number.isFinite(r.end));

  // Busy intervals of the workers in buckets (for the serial fraction), running lanes (for cores).
  const width = wall > 0 ? wall / BUCKETS : 1;
  const busyIn = new Float64Array(BUCKETS);
  const runningIn = new Float64Array(BUCKETS);
  const addTo = (arr: Float64Array, a: number, b: number, share = 1): void => {
    for (let k = Math.max(0, Math.floor((a - start) / width)); k < BUCKETS; k++) {
      const lo = start + k * width;
      const hi = lo + width;
      if (lo >= b) break;
      arr[k] += share * (Math.min(b, hi) - Math.max(a, lo));
    }
  };
  let busy = 0;
  if (tasks.length) {
    for (const r of tasks) {
      busy += r.end - r.start;
      addTo(busyIn, r.start, r.end);
    }
  }
  const isWorker = new Set(workerLanes.map((l) => l.id));
  // Python threads share one core through the GIL, so only processes count towards cores there.
  const countThreads = view.run().runtime !== 'python';
  const life = new Float64Array(ix.lanes.length);
  const queueWait = new Float64Array(ix.lanes.length);
  for (const lane of ix.lanes) {
    const cores = lane.tid === 0 || countThreads;
    const worker = isWorker.has(lane.id) && !tasks.length;
    const id = lane.id;
    laneStates(
      ix,
      id,
      -Infinity,
      Infinity,
      (state, a, b) => {
        life[id] += b - a;
        if (state === Cat.WaitQueueGet) queueWait[id] += b - a;
        if (state === RUNNING && cores) addTo(runningIn, a, b);
        if (worker && ((state === RUNNING && !byCpu.has(id)) || state === Cat.Sleep)) {
          busy += b - a;
          addTo(busyIn, a, b);
        }
      },
      open.get(id),
    );
    if (worker && byCpu.has(id)) busy += addCpuSamples(view.cpu(id), busyIn, addTo);
  }
  const speedup = wall > 0 ? busy / wall : 0;
  const eff = speedup / workers;
  let peakBusy = 0;
  let overBuckets = 0;
  for (let k = 0; k < BUCKETS; k++) {
    const c = runningIn[k] / width;
    peakBusy = Math.max(peakBusy, c);
    if (c > opts.cores + 0.5) overBuckets++;
  }
  peakBusy = Math.round(peakBusy);
  const result = { wall, workers, busy, speedup, efficiency: eff, peakBusy, cores: opts.cores };
  const threadLanes = ix.lanes.length - procs.length;
  const plain = plainSummary(poolWorkers.length + others.length, threadLanes, workers, busy, wall, eff);
  if (plain) return { ...result, limiters: [], summary: plain };

  const limiters: Limiter[] = [];
  const serial = serialFraction(busyIn, width, wall);
  if (workers > 1 && serial > 0.1) {
    const bound = 1 / (serial + (1 - serial) / workers);
    limiters.push({
      id: 'serial-fraction',
      title: 'Serial fraction',
      weight: serial,
      evidence: `For ${fmtDuration(serial * wall)} of the ${fmtDuration(wall)} run (${fmtPercent(serial)}) no worker was busy; with that serial part the speed-up on ${workers} workers can be at most ${bound.toFixed(1)}×.`,
      obj: '',
      loc: '',
    });
  }
  const uneven = unevenChunks(view, ix);
  if (uneven) limiters.push(uneven);
  const table = opts.contention ?? contentionTable(view, facts);
  let workerLife = 0;
  for (const l of workerLanes) workerLife += life[l.id];
  const lock = lockSerialisation(
    view,
    ix,
    table,
    workerLanes.map((l) => l.pid),
    workerLife,
  );
  if (lock) limiters.push(lock);
  const starve = queueStarvation(ix, life, queueWait);
  if (starve) limiters.push(starve);
  if (overBuckets / BUCKETS >= 0.05 && (overBuckets / BUCKETS) * wall >= OVERSUBSCRIBED_NS) {
    limiters.push({
      id: 'oversubscription',
      title: 'More busy workers than cores',
      weight: Math.min(1, overBuckets / BUCKETS),
      evidence: `Up to ${peakBusy} processes were running at once on ${opts.cores} core${opts.cores === 1 ? '' : 's'}${opts.coresLocal ? ' of this machine' : ''}, for ${fmtDuration((overBuckets / BUCKETS) * wall)} (${fmtPercent(overBuckets / BUCKETS)} of the run); the extra ones only take turns.`,
      obj: '',
      loc: '',
    });
  }
  limiters.sort((a, b) => b.weight - a.weight);
  const summary =
    `speed-up ${speedup.toFixed(1)}× on ${workers} workers (efficiency ${fmtPercent(eff)})` +
    (limiters.length ? `; limited by ${limiters.map((l) => l.title.toLowerCase()).join(', ')}` : '');
  return { ...result, limiters, summary };
}

/**
 * The words when a speed-up would mean nothing: no worker beside the root, too little work to
 * measure (a pool of trivial tasks, a run that failed at once), or a single worker.
 */
function plainSummary(
  candidates: number,
  threads: number,
  workers: number,
  busy: number,
  wall: number,
  eff: number,
): string | undefined {
  if (candidates === 0) {
    return threads === 0
      ? 'nothing ran in parallel (one process, no threads)'
      : 'nothing ran in parallel (one process; its threads take turns holding the GIL)';
  }
  if (busy < MEASURABLE_BUSY_NS) {
    const who = workers === 1 ? 'the worker was' : `the ${workers} workers were`;
    return `too little work to measure a speed-up (${who} busy ${fmtDuration(busy)} in a ${fmtDuration(wall)} run)`;
  }
  if (workers === 1) {
    return `one worker, busy ${fmtPercent(eff)} of the ${fmtDuration(wall)} run (a speed-up needs two or more)`;
  }
  return undefined;
}

/** Gap before a lane's first CPU sample (the samplers' period). */
const SAMPLE_NS = 10e6;

/** Adds each sample's share of a core over the time it covers to the buckets; returns the busy ns. */
function addCpuSamples(
  cpu: { count: number; t: Float64Array; v: Float64Array },
  busyIn: Float64Array,
  addTo: (arr: Float64Array, a: number, b: number, share: number) => void,
): number {
  let busy = 0;
  for (let i = 0; i < cpu.count; i++) {
    const b = cpu.t[i];
    const a = i > 0 ? cpu.t[i - 1] : b - SAMPLE_NS;
    const share = Math.min(1, Math.max(0, cpu.v[i]));
    if (!(share > 0) || !(b > a)) continue;
    busy += share * (b - a);
    addTo(busyIn, a, b, share);
  }
  return busy;
}

function serialFraction(busyIn: Float64Array, width: number, wall: number): number {
  if (!(wall > 0)) return 0;
  let idle = 0;
  for (let k = 0; k < busyIn.length; k++) idle += Math.max(0, width - Math.min(width, busyIn[k]));
  return idle / wall;
}

/** The stair-step: in a pool, some workers finish long before the last one. */
export function unevenChunks(view: TraceView, ix: ViewIndex): Limiter | null {
  const rows = view.tasks();
  const byPool = new Map<string, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isFinite(r.start) || !Number.isFinite(r.end)) continue;
    let l = byPool.get(r.pool);
    if (!l) byPool.set(r.pool, (l = []));
    l.push(i);
  }
  let best: Limiter | null = null;
  for (const [pool, list] of byPool) {
    const perWorker = new Map<number, { busy: number; last: number }>();
    let first = Infinity;
    let last = -Infinity;
    let minDur = Infinity;
    let maxDur = -Infinity;
    let minChunk = Infinity;
    let maxChunk = -Infinity;
    for (const i of list) {
      const t = rows[i];
      let w = perWorker.get(t.workerPid);
      if (!w) perWorker.set(t.workerPid, (w = { busy: 0, last: -Infinity }));
      const d = t.end - t.start;
      w.busy += d;
      w.last = Math.max(w.last, t.end);
      first = Math.min(first, t.start);
      last = Math.max(last, t.end);
      minDur = Math.min(minDur, d);
      maxDur = Math.max(maxDur, d);
      minChunk = Math.min(minChunk, t.chunk);
      maxChunk = Math.max(maxChunk, t.chunk);
    }
    const decl = ix.objects.get(pool);
    const size = Math.max(perWorker.size, decl && decl.capacity > 0 ? decl.capacity : 0);
    const span = last - first;
    if (size < 2 || list.length < 2 || !(span > 0)) continue;
    let busySum = 0;
    for (const w of perWorker.values()) busySum += w.busy;
    const idle = 1 - busySum / (size * span);
    const finishes = [...perWorker.entries()].sort((a, b) => a[1].last - b[1].last);
    const [earlyPid, early] = finishes[0];
    const [latePid, late] = finishes[finishes.length - 1];
    const tail = perWorker.size < size ? span : late.last - early.last;
    if (idle < 0.25 || tail < 0.2 * span) continue;
    const name = ix.name(pool);
    const chunkText = minChunk === maxChunk ? `chunks of ${minChunk}` : `chunks of ${minChunk}–${maxChunk} items`;
    const evidence =
      perWorker.size < size
        ? `In pool ${name}, only ${perWorker.size} of ${size} workers got tasks; the workers sat idle ${fmtPercent(idle)} of the ${fmtDuration(span)} the tasks took (${list.length} tasks, ${chunkText}).`
        : `In pool ${name}, worker ${latePid} was busy until ${fmtDuration(late.last)} while worker ${earlyPid} finished at ${fmtDuration(early.last)}; the workers sat idle ${fmtPercent(idle)} of the ${fmtDuration(span)} the tasks took (tasks ${fmtDuration(minDur)}–${fmtDuration(maxDur)}, ${chunkText}).`;
    if (!best || idle > best.weight)
      best = {
        id: 'uneven-chunks',
        title: 'Uneven chunks',
        weight: idle,
        evidence,
        obj: pool,
        loc: rows[list[0]].loc || decl?.loc || '',
      };
  }
  return best;
}

function lockSerialisation(
  view: TraceView,
  ix: ViewIndex,
  table: ContentionRow[],
  workerPids: number[],
  workerLife: number,
): Limiter | null {
  const pids = new Set(workerPids);
  const rows = table.filter((r) => r.type !== ObjType.Queue && r.wait.count > 0);
  if (!rows.length) return null;
  let waitAll = 0;
  for (const lane of ix.lanes) {
    if (!pids.has(lane.pid)) continue;
    const s = view.spans(lane.id);
    for (let i = 0; i < s.count; i++)
      if (s.cat[i] === Cat.WaitLock || s.cat[i] === Cat.WaitSemaphore) waitAll += s.end[i] - s.start[i];
  }
  const top = rows[0];
  // Share of the workers' whole lifetime spent blocked on locks.
  const share = waitAll / Math.max(1, workerLife);
  if (share < 0.15) return null;
  const site = top.sites[0]?.loc || top.loc;
  return {
    id: 'lock-serialisation',
    title: 'Lock serialisation',
    weight: share,
    evidence: `Workers spent ${fmtDuration(waitAll)} (${fmtPercent(share)} of their time) waiting for locks, most for ${top.typeWord} ${top.name} (${top.wait.count} waits, longest ${fmtDuration(top.wait.max)}, ${top.convoy} waiting at once${site ? `, taken at ${site}` : ''}); the work under it runs one process at a time.`,
    obj: top.obj,
    loc: site,
  };
}

function queueStarvation(ix: ViewIndex, lifeOf: Float64Array, queueWait: Float64Array): Limiter | null {
  let best: Limiter | null = null;
  for (const lane of ix.lanes) {
    const waiting = queueWait[lane.id];
    const life = lifeOf[lane.id];
    let obj = '';
    if (!(life > 0) || waiting / life < 0.3) continue;
    const s = ix.view.spans(lane.id);
    for (let i = 0; i < s.count && !obj; i++) if (s.cat[i] === Cat.WaitQueueGet) obj = ix.view.str(s.obj[i]);
    const share = waiting / life;
    if (best && best.weight >= share) continue;
    best = {
      id: 'queue-starvation',
      title: 'Queue starvation',
      weight: share,
      evidence: `${laneLabel(lane.pid, lane.tid)} waited ${fmtDuration(waiting)} (${fmtPercent(share)} of its life) for items from ${obj ? ix.describe(obj, Cat.WaitQueueGet) : 'a queue'}: the producers do not keep up.`,
      obj,
      loc: ix.objects.get(obj)?.loc ?? '',
    };
  }
  return best;
}
