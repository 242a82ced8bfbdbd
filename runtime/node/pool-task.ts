/**
 * What pool tasks look like on the wire between a Pool and its workers, and the worker's side: run
 * each chunk of items through the exported function, one task at a time, and answer with the
 * results or the error (with the worker's stack).
 */
import { Cat, Kind, Status } from '../../common/schema';
import { now } from './clock';
import { lookupExport } from './context';
import { userStack } from './location';
import { flushIfDue } from './main-flush';
import { rec } from './recorder';
import { jsonSafe, pack, unpack } from './share';

/** Pool → worker (in batches): run `fn` over `items` (each an argument list when `star`). */
export interface TaskMsg {
  pool: string;
  id: number;
  fn: string;
  /** The items, or their JSON text when they survive JSON unchanged (much cheaper to send). */
  items: unknown[] | string;
  star: boolean;
  detail: string;
}
/** Worker → pool (in batches): a task's results, or its error, and how long it ran. */
export interface DoneMsg {
  id: number;
  ns: number;
  ok: boolean;
  /** The results, or their JSON text (see `encodeList`). */
  results?: unknown[] | string;
  error?: { name: string; message: string; stack: string };
}

/** A short description of a chunk's arguments for the chart (`(3)`, `(0) … (12499), 12500 items`). */
export function describeArgs(items: unknown[], star: boolean): string {
  const one = (x: unknown): string => {
    let s: string;
    try {
      s =
        star && Array.isArray(x)
          ? x.map((a) => JSON.stringify(a) ?? String(a)).join(', ')
          : (JSON.stringify(x) ?? String(x));
    } catch {
      s = String(x);
    }
    return `(${s.length > 40 ? s.slice(0, 39) + '…' : s})`;
  };
  if (items.length === 1) return one(items[0]);
  return `${one(items[0])} … ${one(items[items.length - 1])}, ${items.length} items`;
}

/**
 * Items or results as sent over IPC: JSON text when JSON round-trips them exactly (V8's structured
 * clone of a large array costs far more than one string), otherwise packed for structured clone.
 */
export function encodeList(list: unknown[]): unknown[] | string {
  return jsonSafe(list, 0) ? JSON.stringify(list) : (pack(list) as unknown[]);
}

/** The inverse of `encodeList`. */
export function decodeList(v: unknown[] | string): unknown[] {
  return typeof v === 'string' ? (JSON.parse(v) as unknown[]) : (unpack(v) as unknown[]);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

/** Results are sent in batches, but none waits longer than this (ns) for its batch. */
const BATCH_NS = 1e6;

/** Runs tasks sent by the parent pool until told to exit (or the parent goes away). */
export function servePool(): void {
  const queue: TaskMsg[] = [];
  const outbox: DoneMsg[] = [];
  let since = 0;
  let running = false;
  let exiting = false;
  let lastSend: Promise<unknown> = Promise.resolve();

  const flush = (): void => {
    if (outbox.length === 0) return;
    const list = outbox.splice(0);
    lastSend = new Promise((resolve) => process.send?.({ t: 'done', list }, undefined, undefined, resolve));
  };
  const post = (d: DoneMsg): void => {
    if (outbox.length === 0) since = now();
    outbox.push(d);
    if (now() - since > BATCH_NS || outbox.length >= 512) flush();
  };
  const succeed = (m: TaskMsg, span: number, results: unknown[], t0: number): void => {
    rec.end(span, Status.Ok);
    rec.event(Kind.TaskEnd, [m.pool, m.id, Status.Ok], [0]);
    post({ id: m.id, ns: now() - t0, ok: true, results: encodeList(results) });
  };
  const fail = (m: TaskMsg, span: number, e: unknown, t0: number): void => {
    const err = e instanceof Error ? e : new Error(String(e));
    rec.end(span, Status.Error);
    rec.event(Kind.TaskEnd, [m.pool, m.id, Status.Error], [0]);
    const stack = `${err.stack === undefined ? err.message : userStack(err.stack)}\n    (in pool worker pid ${process.pid})`;
    post({ id: m.id, ns: now() - t0, ok: false, error: { name: err.name, message: err.message, stack } });
  };

  /** Runs one task; returns a promise only if the function returned one (async functions). */
  function runOne(m: TaskMsg): Promise<void> | undefined {
    const t0 = now();
    rec.event(Kind.TaskStart, [m.pool, m.id], [0]);
    const span = rec.begin(Cat.Task, m.fn, m.detail, m.pool);
    let fn: (...a: unknown[]) => unknown;
    let items: unknown[];
    try {
      fn = lookupExport(m.fn, 'Pool task function') as (...a: unknown[]) => unknown;
      items = decodeList(m.items);
    } catch (e) {
      return void fail(m, span, e, t0);
    }
    const results = new Array<unknown>(items.length);
    const step = (from: number): Promise<void> | undefined => {
      try {
        for (let i = from; i < items.length; i++) {
          const r = m.star ? fn(...(items[i] as unknown[])) : fn(items[i]);
          if (isThenable(r)) {
            flush();
            return Promise.resolve(r).then(
              (v) => {
                results[i] = v;
                return step(i + 1);
              },
              (e) => fail(m, span, e, t0),
            );
          }
          results[i] = r;
        }
      } catch (e) {
        return void fail(m, span, e, t0);
      }
      succeed(m, span, results, t0);
      return undefined;
    };
    return step(0);
  }

  async function pump(): Promise<void> {
    if (running) return;
    running = true;
    while (queue.length > 0) {
      const pending = runOne(queue.shift()!);
      if (pending) await pending;
      flushIfDue();
      // Running out: send the results now, so the pool's next tasks travel while the last one runs.
      if (queue.length <= 1) flush();
    }
    flush();
    running = false;
    if (exiting) {
      await lastSend;
      process.exit(0);
    }
  }

  process.on('message', (m: { t: 'tasks'; list: TaskMsg[] } | { t: 'exit' }) => {
    if (m.t === 'tasks') queue.push(...m.list);
    else exiting = true;
    void pump();
  });
  process.on('disconnect', () => process.exit(0));
  // Terminated by the pool: send the last events, then die of the same signal.
  process.once('SIGTERM', () => {
    rec.drain(1000);
    process.kill(process.pid, 'SIGTERM');
  });
}
