/**
 * `Pool`: worker processes (forked children of the process that made the pool) that run exported
 * functions over chunks of items. Tasks are dispatched to the least busy worker, a few at a time
 * so the IPC round trip is hidden; a worker that dies fails the task it was running and is replaced.
 */
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Cat, Kind, ObjType, Role, Status } from '../../common/schema';
import { exportedName } from './context';
import { callerLocation } from './location';
import { createObj } from './objects';
import { Deque } from './deque';
import { decodeList, describeArgs, encodeList, type DoneMsg, type TaskMsg } from './pool-task';
import { AsyncResult } from './async-result';
import { rec } from './recorder';
import { spawnChild } from './spawn';

/**
 * Tasks sent ahead to each worker: enough to cover ~2 ms of work, so short tasks travel in batches
 * and the worker never idles while the next one is on its way, but long tasks are not tied to a busy
 * worker early (at least 2, at most 256).
 */
function windowFor(avgTaskNs: number): number {
  return Math.max(2, Math.min(256, Math.floor(2e6 / Math.max(avgTaskNs, 1))));
}

/** Window for the chunks of a default-chunked `map` (4 per worker, as Python cuts them): all go out at once. */
const MAP_AHEAD = 4;

interface Task {
  id: number;
  fn: string;
  items: unknown[];
  /** `items` as sent (encoded when first sent, kept for a resend after a worker died). */
  wire?: unknown[] | string;
  star: boolean;
  detail: string;
  /** The least window this task may be sent in (`MAP_AHEAD` for default chunks, else 0). */
  ahead: number;
  done: (r: { ok: true; results: unknown[] } | { ok: false; error: Error }) => void;
}

interface Worker {
  child: ChildProcess;
  pid: number;
  inflight: Task[];
  refd: boolean;
}

let workers = 0;

/** The chunks' results in one array: `concat` copies whole packed arrays at once (a few calls for many chunks). */
function joinParts(parts: unknown[][]): unknown[] {
  if (parts.length === 1) return parts[0];
  let out: unknown[] = [];
  for (let i = 0; i < parts.length; i += 4096) out = out.concat(...parts.slice(i, i + 4096));
  return out;
}

/** A pool of worker processes (multiprocessing.Pool). */
export class Pool {
  readonly key: string;
  readonly name: string;
  readonly processes: number;
  #workers: Worker[] = [];
  #queue = new Deque<Task>();
  #nextTask = 0;
  #state: 'run' | 'close' | 'terminate' = 'run';
  #exited: Promise<void>[] = [];
  /** Moving average of the workers' time per task (ns), for the dispatch window. */
  #avgNs = 0;

  constructor(processes: number = availableParallelism(), opts: { name?: string } = {}) {
    if (!(processes >= 1)) throw new Error('Pool needs at least one process');
    const ref = createObj('pool', 'Pool', ObjType.Pool, processes, opts.name, undefined);
    this.key = ref.key;
    this.name = ref.name;
    this.processes = processes;
    // Idle workers do not keep this process alive; when it exits they see the channel close and exit.
    for (let i = 0; i < processes; i++) this.#spawn();
  }

  #spawn(): void {
    const child = spawnChild(Role.PoolWorker, `PoolWorker-${++workers}`);
    const w: Worker = { child, pid: child.pid ?? 0, inflight: [], refd: true };
    this.#workers.push(w);
    child.on('message', (m: { t: 'done'; list: DoneMsg[] }) => {
      for (const d of m.list) this.#done(w, d);
      this.#dispatch();
    });
    this.#exited.push(
      new Promise((resolve) =>
        child.on('exit', (code, signal) => {
          this.#lost(w, code, signal);
          resolve();
        }),
      ),
    );
    this.#ref(w, false);
  }

  #ref(w: Worker, on: boolean): void {
    if (w.refd === on) return;
    w.refd = on;
    const channel = w.child.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (on) {
      w.child.ref();
      channel?.ref?.();
    } else {
      w.child.unref();
      channel?.unref?.();
    }
  }

  #done(w: Worker, m: DoneMsg): void {
    const i = w.inflight[0]?.id === m.id ? 0 : w.inflight.findIndex((t) => t.id === m.id);
    if (i < 0) return;
    const [task] = i === 0 ? [w.inflight.shift()!] : w.inflight.splice(i, 1);
    this.#avgNs = this.#avgNs === 0 ? m.ns : this.#avgNs * 0.8 + m.ns * 0.2;
    if (m.ok) task.done({ ok: true, results: decodeList(m.results ?? []) });
    else {
      const e = new Error(m.error?.message);
      e.name = m.error?.name ?? 'Error';
      e.stack = m.error?.stack;
      task.done({ ok: false, error: e });
    }
  }

  #lost(w: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.#workers.splice(this.#workers.indexOf(w), 1);
    const [running, ...rest] = w.inflight;
    if (running) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const error = new Error(`pool worker pid ${w.pid} ${how} while running task ${running.id} (${running.fn})`);
      running.done({ ok: false, error });
    }
    this.#queue.unshift(...rest);
    if (this.#state === 'run' || (this.#state === 'close' && this.#queue.length > 0)) this.#spawn();
    this.#dispatch();
  }

  #dispatch(): void {
    const window = this.#avgNs === 0 ? 4 : windowFor(this.#avgNs);
    const batches = new Map<Worker, TaskMsg[]>();
    while (this.#queue.length > 0 && this.#state !== 'terminate') {
      const limit = Math.max(window, this.#queue.peek()!.ahead);
      let best: Worker | undefined;
      for (const w of this.#workers) {
        if (w.inflight.length < limit && (!best || w.inflight.length < best.inflight.length)) best = w;
      }
      if (!best) break;
      const t = this.#queue.shift()!;
      best.inflight.push(t);
      t.wire ??= encodeList(t.items);
      const msg: TaskMsg = { pool: this.key, id: t.id, fn: t.fn, items: t.wire, star: t.star, detail: t.detail };
      const batch = batches.get(best);
      if (batch) batch.push(msg);
      else batches.set(best, [msg]);
    }
    for (const [w, list] of batches) w.child.send({ t: 'tasks', list });
    const busy = this.#queue.length > 0 || this.#workers.some((w) => w.inflight.length > 0);
    for (const w of this.#workers) this.#ref(w, busy || this.#state !== 'run');
    if (!busy && this.#state === 'close') for (const w of this.#workers) w.child.send({ t: 'exit' });
  }

  /** Queues `items` in chunks; `each` is called per chunk result, in completion order. */
  #submit(
    fn: unknown,
    items: unknown[],
    star: boolean,
    chunksize: number,
    each: (first: number, r: Parameters<Task['done']>[0], chunk: number) => void,
    ahead = 0,
  ): void {
    if (this.#state !== 'run') throw new Error(`${this.name} is ${this.#state === 'close' ? 'closed' : 'terminated'}`);
    const name = exportedName(fn, 'Pool task function');
    const loc = callerLocation();
    const firstId = this.#nextTask + 1;
    for (let first = 0; first < items.length; first += chunksize) {
      const chunk = items.slice(first, first + chunksize);
      const id = ++this.#nextTask;
      const detail = describeArgs(chunk, star);
      rec.event(Kind.TaskSubmit, [this.key, id, name, detail, chunk.length, loc], [0, 2, 3, 5]);
      const start = first;
      const k = id - firstId;
      this.#queue.push({
        id,
        fn: name,
        items: chunk,
        star,
        detail,
        ahead,
        done: (r) => {
          rec.event(Kind.TaskResult, [this.key, id, r.ok ? Status.Ok : Status.Error], [0]);
          each(start, r, k);
        },
      });
      // Let the workers start on the first chunks (one each) while the rest are prepared.
      if (first === chunksize * (this.processes - 1) || id % 512 === 0) this.#dispatch();
    }
    this.#dispatch();
  }

  #defaultChunk(n: number): number {
    const per = Math.floor(n / (this.processes * 4));
    return per + (n % (this.processes * 4) ? 1 : 0) || 1;
  }

  /** Applies `fn` to every item; resolves with the results in order (multiprocessing's `map`). */
  map<T, R>(
    fn: (x: T) => R | Promise<R>,
    items: Iterable<T>,
    opts: { chunksize?: number } = {},
  ): Promise<Awaited<R>[]> {
    return this.#all(fn, [...items], false, opts.chunksize, `map ${fn.name}`);
  }

  /** Like `map`, with each item an argument list. */
  starmap<A extends unknown[], R>(
    fn: (...a: A) => R | Promise<R>,
    items: Iterable<A>,
    opts: { chunksize?: number } = {},
  ): Promise<Awaited<R>[]> {
    return this.#all(fn, [...items], true, opts.chunksize, `starmap ${fn.name}`);
  }

  async #all<R>(
    fn: unknown,
    items: unknown[],
    star: boolean,
    chunksize: number | undefined,
    label: string,
  ): Promise<R[]> {
    const size = chunksize ?? this.#defaultChunk(items.length);
    // Each chunk's results, joined once at the end (one builtin call, not a copy loop per chunk).
    const parts: unknown[][] = [];
    const span = rec.begin(Cat.WaitResult, label, `${items.length} items`, this.key, callerLocation());
    try {
      await new Promise<void>((resolve, reject) => {
        let left = items.length;
        if (left === 0) return resolve();
        const each = (_first: number, r: Parameters<Task['done']>[0], chunk: number): void => {
          if (!r.ok) return reject(r.error);
          parts[chunk] = r.results;
          left -= r.results.length;
          if (left === 0) resolve();
        };
        this.#submit(fn, items, star, size, each, chunksize === undefined ? MAP_AHEAD : 0);
      });
      rec.end(span, Status.Ok);
      return joinParts(parts) as R[];
    } catch (e) {
      rec.end(span, Status.Error);
      throw e;
    }
  }

  /** Runs `fn(...args)` in a worker; the result comes through `get()` and the callbacks. */
  applyAsync<A extends unknown[], R>(
    fn: (...a: A) => R | Promise<R>,
    args: A = [] as unknown as A,
    opts: { callback?: (r: Awaited<R>) => void; errorCallback?: (e: Error) => void } = {},
  ): AsyncResult<Awaited<R>> {
    const res = new AsyncResult<Awaited<R>>(`result of ${fn.name}`);
    this.#submit(fn, [args], true, 1, (_first, r) => {
      if (r.ok) {
        res.settle({ ok: true, value: r.results[0] as Awaited<R> });
        opts.callback?.(r.results[0] as Awaited<R>);
      } else {
        res.settle({ ok: false, error: r.error });
        opts.errorCallback?.(r.error);
      }
    });
    return res;
  }

  /** Like `map`, yielding results in order as they arrive (chunksize 1 by default). */
  imap<T, R>(
    fn: (x: T) => R | Promise<R>,
    items: Iterable<T>,
    opts: { chunksize?: number } = {},
  ): AsyncIterable<Awaited<R>> {
    return this.#iter(fn, [...items], opts.chunksize ?? 1, true);
  }

  /** Like `imap`, yielding results in the order they finish. */
  imapUnordered<T, R>(
    fn: (x: T) => R | Promise<R>,
    items: Iterable<T>,
    opts: { chunksize?: number } = {},
  ): AsyncIterable<Awaited<R>> {
    return this.#iter(fn, [...items], opts.chunksize ?? 1, false);
  }

  async *#iter<R>(fn: unknown, items: unknown[], chunksize: number, ordered: boolean): AsyncIterable<R> {
    const got = new Map<number, R>();
    const order: number[] = [];
    let error: Error | undefined;
    let wake: (() => void) | undefined;
    this.#submit(fn, items, false, chunksize, (first, r) => {
      if (!r.ok) error ??= r.error;
      else
        r.results.forEach((v, i) => {
          got.set(first + i, v as R);
          order.push(first + i);
        });
      wake?.();
    });
    const label = `${ordered ? 'imap' : 'imapUnordered'} ${(fn as { name: string }).name}`;
    for (let n = 0; n < items.length; n++) {
      const key = (): number | undefined => (ordered ? (got.has(n) ? n : undefined) : order[n]);
      if (key() === undefined && !error) {
        const span = rec.begin(Cat.WaitResult, label, '', this.key, '');
        while (key() === undefined && !error) await new Promise<void>((r) => (wake = r));
        rec.end(span, error ? Status.Error : Status.Ok);
      }
      if (error) throw error;
      const k = key()!;
      yield got.get(k) as R;
      got.delete(k);
    }
  }

  /** No more tasks; workers exit once the queued ones are done. */
  close(): void {
    if (this.#state === 'run') this.#state = 'close';
    this.#dispatch();
  }

  /** Stops the workers now; unfinished tasks fail. */
  terminate(): void {
    this.#state = 'terminate';
    const error = new Error(`${this.name} was terminated`);
    for (const t of this.#queue.clear()) t.done({ ok: false, error });
    for (const w of this.#workers) {
      for (const t of w.inflight.splice(0)) t.done({ ok: false, error });
      this.#ref(w, true);
      w.child.kill('SIGTERM');
      // A worker busy in synchronous code cannot run its SIGTERM handler (which sends its last events).
      setTimeout(
        () => w.child.exitCode === null && w.child.signalCode === null && w.child.kill('SIGKILL'),
        1000,
      ).unref();
    }
  }

  /** Waits for every worker to exit (after `close()` or `terminate()`). */
  async join(): Promise<void> {
    if (this.#state === 'run') throw new Error(`${this.name}: call close() or terminate() before join()`);
    const span = rec.begin(Cat.WaitJoin, this.name, '', this.key, callerLocation());
    for (;;) {
      const n = this.#exited.length;
      await Promise.all(this.#exited);
      if (this.#exited.length === n) break;
    }
    rec.end(span, Status.Ok);
  }

  /** `await using pool = new Pool(4)` terminates the pool at the end of the block, as Python's `with`. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.terminate();
    await this.join();
  }
}
