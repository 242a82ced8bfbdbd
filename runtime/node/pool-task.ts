/**
 * What pool tasks look like on the wire between a Pool and its workers, and the worker's side: run
 * each chunk of items through the exported function, one task at a time, and answer with the
 * results or the error (with the worker's stack).
 */
import { Cat, Kind, Status } from '../../common/schema';
import { lookupExport } from './context';
import { rec } from './recorder';
import { unpack } from './share';

/** Pool → worker: run `fn` over `items` (each an argument list when `star`). */
export interface TaskMsg {
  t: 'task';
  pool: string;
  id: number;
  fn: string;
  items: unknown[];
  star: boolean;
  detail: string;
}
/** Worker → pool: a task's results, or its error. */
export interface DoneMsg {
  t: 'done';
  id: number;
  ok: boolean;
  results?: unknown[];
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

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

/** Runs tasks sent by the parent pool until told to exit (or the parent goes away). */
export function servePool(): void {
  const queue: TaskMsg[] = [];
  let running = false;
  let exiting = false;
  let lastSend: Promise<unknown> = Promise.resolve();
  const send = (m: DoneMsg): void => {
    lastSend = new Promise((resolve) => process.send?.(m, undefined, undefined, resolve));
  };

  async function runOne(m: TaskMsg): Promise<void> {
    rec.event(Kind.TaskStart, [m.pool, m.id], [0]);
    const span = rec.begin(Cat.Task, m.fn, m.detail, m.pool);
    try {
      const fn = lookupExport(m.fn, 'Pool task function') as (...a: unknown[]) => unknown;
      const items = unpack(m.items) as unknown[];
      const results = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) {
        let r = m.star ? fn(...(items[i] as unknown[])) : fn(items[i]);
        if (isThenable(r)) r = await r;
        results[i] = r;
      }
      rec.end(span, Status.Ok);
      rec.event(Kind.TaskEnd, [m.pool, m.id, Status.Ok], [0]);
      send({ t: 'done', id: m.id, ok: true, results });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      rec.end(span, Status.Error);
      rec.event(Kind.TaskEnd, [m.pool, m.id, Status.Error], [0]);
      const stack = `${err.stack ?? err.message}\n    (in pool worker pid ${process.pid})`;
      send({ t: 'done', id: m.id, ok: false, error: { name: err.name, message: err.message, stack } });
    }
  }

  async function pump(): Promise<void> {
    if (running) return;
    running = true;
    while (queue.length > 0) await runOne(queue.shift()!);
    running = false;
    if (exiting) {
      await lastSend;
      process.exit(0);
    }
  }

  process.on('message', (m: TaskMsg | { t: 'exit' }) => {
    if (m.t === 'task') queue.push(m);
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
