/**
 * Lints: warnings about the run with a short explanation and the sample that shows the fix.
 * join-before-drain, pool never closed or joined, Value lost update, lock held across a blocking
 * call or output, uneven chunks, more busy workers than cores.
 */
import { Cat, ObjType, Role, Status } from '../schema';
import type { TraceView } from '../store/api';
import { contentionTable, type ContentionRow } from './contention';
import { efficiency, type Efficiency } from './efficiency';
import { factsOf, type EventFacts } from './facts';
import { lostUpdates } from './lostUpdate';
import { joinTargets } from './release';
import { lockHeldAcross, lockHeldAcrossOutput } from './lockHeld';
import { laneLabel, ViewIndex } from './util';

/** Identifiers of the lints. */
export type LintId =
  | 'join-before-drain'
  | 'pool-not-joined'
  | 'value-lost-update'
  | 'lock-held-across-wait'
  | 'uneven-chunks'
  | 'oversubscription';

/** One warning. */
export interface Lint {
  id: LintId;
  severity: 'error' | 'warning' | 'info';
  /** One line with the specifics of this run. */
  message: string;
  /** Why it matters and what to do, two or three sentences. */
  explanation: string;
  /** Source line to jump to (`file:line:col`), '' if none. */
  loc: string;
  /** Repository path of the sample that shows the fix. */
  sample: string;
  /** Where in the chart: a lane and time window (relative ns), if any. */
  at: { lane: number; t0: number; t1: number } | null;
}

/** Options: cores of the run's machine (for the oversubscription lint, see `runCores`), and results already computed. */
export interface LintOptions {
  cores: number;
  /** `cores` is the viewer's machine's count (the trace does not say). */
  coresLocal?: boolean;
  contention?: ContentionRow[];
  efficiency?: Efficiency;
}

/** Sample showing the fix for each lint (the same numbered sample exists for both runtimes). */
const SAMPLE_OF: Record<LintId, string> = {
  // The consumer takes every item up to the sentinel; the producer is joined after that.
  'join-before-drain': '05_queue_producer_consumer',
  // close() + join() (Python: `with Pool()` then join; Node: `await using`).
  'pool-not-joined': '09_pool_methods',
  // The shared counter is only updated under its lock, and only the update is under it.
  'value-lost-update': '07_lock_counter',
  'lock-held-across-wait': '07_lock_counter',
  // map over many small tasks, in chunks, so no worker is left with a long tail.
  'uneven-chunks': '09_pool_methods',
  // As many CPU-bound processes as cores, beside I/O-bound threads.
  oversubscription: '08_threads_vs_processes',
};

/** Repository path of the sample for `id` in the run's runtime. */
export function lintSample(id: LintId, runtime: 'node' | 'python'): string {
  return runtime === 'python' ? `samples/python/${SAMPLE_OF[id]}.py` : `samples/node/${SAMPLE_OF[id]}.ts`;
}

const EXPLAIN: Record<LintId, string> = {
  'join-before-drain':
    'A process that put items on a queue does not finish until they have been taken out (its feeder must flush them into the pipe). Joining it before draining the queue can wait forever. Get every item (e.g. until a sentinel), then join.',
  'pool-not-joined':
    'A pool that is never closed and joined leaves its workers to be killed at exit, so queued tasks can be lost and worker clean-up never runs. Call close() then join(), or use the pool in a `with` block / `await using`.',
  'value-lost-update':
    '`value += 1` reads, adds and writes in separate steps. When two processes read the same old value, one write overwrites the other. Hold the value\u2019s lock around the whole update: `with v.get_lock(): v.value += 1`.',
  'lock-held-across-wait':
    'While a lock is held across a sleep, a queue operation, I/O such as a print, or another blocking call, every other process that needs it waits too. Hold locks only around the shared update; do the blocking part outside.',
  'uneven-chunks':
    'Tasks of very different lengths (or big chunks) leave workers idle while one finishes a long chunk: the stair-step at the end of a map. Use smaller chunks (chunksize=1 or imap_unordered) or split the work evenly.',
  oversubscription:
    'More processes were busy than the machine has cores, so they only took turns: adding workers did not add speed. Size pools to the core count for CPU-bound work.',
};

/**
 * Runs every lint over a trace. join-before-drain and lost updates need the point records: from
 * `facts` (fed the same events) or, by default, from the store's `points()`.
 */
export function lint(view: TraceView, opts: LintOptions, facts?: EventFacts): Lint[] {
  facts ??= factsOf(view);
  const ix = ViewIndex.of(view);
  const runtime = view.run().runtime === 'python' ? 'python' : 'node';
  const out: Lint[] = [];
  const make = (id: LintId, severity: Lint['severity'], message: string, loc: string, at: Lint['at']): void => {
    out.push({ id, severity, message, explanation: EXPLAIN[id], loc, sample: lintSample(id, runtime), at });
  };
  if (facts) joinBeforeDrain(ix, facts, make);
  poolNotJoined(ix, make);
  if (facts) {
    for (const l of lostUpdates(ix, facts)) make('value-lost-update', 'warning', l.message, l.loc, l.at);
  }
  const table = opts.contention ?? contentionTable(view, facts);
  lockHeldAcross(ix, table, make);
  lockHeldAcrossOutput(ix, table, make);
  const eff =
    opts.efficiency ?? efficiency(view, { cores: opts.cores, coresLocal: opts.coresLocal, contention: table }, facts);
  for (const l of eff.limiters) {
    if (l.id === 'uneven-chunks' || l.id === 'oversubscription') make(l.id, 'info', l.evidence, l.loc, null);
  }
  return out;
}

/** Adds one lint (for the lint families in their own files). */
export type Make = (id: LintId, severity: Lint['severity'], message: string, loc: string, at: Lint['at']) => void;

function joinBeforeDrain(ix: ViewIndex, facts: EventFacts, make: Make): void {
  const view = ix.view;
  // A join its process died or was stopped in (closed as error / cancelled by the store) never returned.
  const joins: {
    lane: number;
    start: number;
    end: number;
    returned: boolean;
    obj: string;
    detail: string;
    loc: string;
  }[] = [];
  for (const lane of ix.lanes) {
    const s = view.spans(lane.id);
    for (let i = 0; i < s.count; i++) {
      if (s.cat[i] === Cat.WaitJoin)
        joins.push({
          lane: lane.id,
          start: s.start[i],
          end: s.end[i],
          returned: s.status[i] !== Status.Cancelled && s.status[i] !== Status.Error,
          obj: view.str(s.obj[i]),
          detail: view.str(s.detail[i]),
          loc: view.str(s.loc[i]),
        });
    }
  }
  for (const o of view.openSpans())
    if (o.cat === Cat.WaitJoin)
      joins.push({
        lane: o.lane,
        start: o.start,
        end: Infinity,
        returned: false,
        obj: o.obj,
        detail: o.detail,
        loc: o.loc,
      });
  const targets = joins.map((j) => [...joinTargets(ix, j.obj, j.detail)].map((lane) => ix.lanes[lane].pid));
  const pids = new Set(targets.flat());
  if (pids.size === 0) return;
  // When each item a joined process put was taken out, per queue, keyed by (putter pid, item id).
  const key = (pid: number, item: number): number => pid * 4294967296 + item;
  const taken = new Map<string, Map<number, { t: number; by: number }>>();
  for (const [q, ops] of facts.queues) {
    const m = new Map<number, { t: number; by: number }>();
    for (let i = 0; i < ops.getT.length; i++) {
      const pid = ops.getPutPid.data[i];
      if (pids.has(pid))
        m.set(key(pid, ops.getItem.data[i]), { t: ops.getT.data[i] - view.origin, by: ops.getPid.data[i] });
    }
    taken.set(q, m);
  }
  for (const [n, j] of joins.entries()) {
    const joiner = ix.lanes[j.lane];
    for (const pid of targets[n]) {
      for (const [q, ops] of facts.queues) {
        let pending = 0;
        let late = 0;
        let never = 0;
        const gets = taken.get(q)!;
        for (let i = 0; i < ops.putT.length; i++) {
          // Items it put before the join returned that were still in the queue when it returned.
          if (ops.putPid.data[i] !== pid || ops.putT.data[i] - view.origin >= j.end) continue;
          const got = gets.get(key(pid, ops.putItem.data[i]));
          // Taken by another process (a consumer draining concurrently) is the correct design.
          if (got && (got.t < j.end || got.by !== joiner.pid)) continue;
          pending++;
          if (!got) never++;
          else late++;
        }
        if (pending === 0) continue;
        const stuck = !j.returned;
        const message =
          `${laneLabel(joiner.pid, joiner.tid)} joined process ${pid}${j.loc ? ` at ${j.loc}` : ''} while ${ix.describe(q, Cat.WaitQueueGet)} still held ${pending} item${pending === 1 ? '' : 's'} it had put` +
          (stuck
            ? '; the join never returned'
            : late > 0
              ? `; ${late} ${late === 1 ? 'was' : 'were'} taken only after the join returned`
              : '') +
          (never > 0 ? `; ${never} ${never === 1 ? 'was' : 'were'} never taken` : '');
        make('join-before-drain', stuck ? 'error' : 'warning', message, j.loc, {
          lane: j.lane,
          t0: j.start,
          t1: Math.min(j.end, view.now),
        });
      }
    }
  }
}

function poolNotJoined(ix: ViewIndex, make: Make): void {
  const view = ix.view;
  const pools = [...ix.objects.values()].filter((o) => o.type === ObjType.Pool);
  if (!pools.length) return;
  const joined = new Set<string>();
  for (const lane of ix.lanes) {
    const s = view.spans(lane.id);
    for (let i = 0; i < s.count; i++) if (s.cat[i] === Cat.WaitJoin && s.obj[i] !== 0) joined.add(view.str(s.obj[i]));
  }
  for (const o of view.openSpans()) if (o.cat === Cat.WaitJoin) joined.add(o.obj);
  // A process that ended by an uncaught error abandoned its pools: the error is what to read first.
  const failed = new Set(view.errors().map((e) => e.lane));
  for (const pool of pools) {
    if (joined.has(pool.key)) continue;
    const owner = ix.lane(pool.pid, 0);
    if (owner < 0 || failed.has(owner)) continue;
    const ownerEnd = ix.lanes[owner].end;
    const workers = ix.lanes.filter((l) => l.role === Role.PoolWorker && l.tid === 0 && l.ppid === pool.pid);
    // Workers that ended before their owner were ended on purpose, even by SIGTERM: `with Pool()`
    // terminates its workers on exit, which is the idiomatic form. Only workers that outlived it count.
    const leftOver = workers.filter((w) => Number.isNaN(w.end) || Number.isNaN(ownerEnd) || w.end >= ownerEnd);
    if (Number.isNaN(ownerEnd) && !Number.isFinite(view.run().end)) continue;
    if (workers.length && leftOver.length === 0) continue;
    const running = workers.length
      ? `${leftOver.length} of its ${workers.length} workers were still running when process ${pool.pid} ended`
      : `process ${pool.pid} ended before its workers had started`;
    make(
      'pool-not-joined',
      'warning',
      `pool ${ix.name(pool.key)}${pool.loc ? ` (${pool.loc})` : ''} was never closed and joined; ${running}`,
      pool.loc,
      null,
    );
  }
}
