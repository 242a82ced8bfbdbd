/**
 * `Thread`: a worker thread of the current process running an exported function, drawn as its own
 * lane inside the process. Each thread records into its own ring, which the process's flusher drains
 * alongside the main one.
 */
import { threadId, Worker, workerData } from 'node:worker_threads';
import { Cat, Kind, Status } from '../../common/schema';
import { serveBroker, syncBroker } from './broker-client';
import { ctx, exportedName, isRoot, lookupExport } from './context';
import { callerLocation } from './location';
import { flusherPost } from './main-flush';
import { rec } from './recorder';
import { allocRing, type RingMemory } from './ring';
import { pack, unpack } from './share';
import { reportError } from './process';

/** Options of `new Thread()`. */
export interface ThreadOptions<A extends unknown[] = unknown[]> {
  /** Exported function to run in the thread. */
  target: (...args: A) => unknown;
  args?: A;
  /** Thread name (default `Thread-N`). */
  name?: string;
}

/** What a thread gets from its creator. */
export interface ThreadData {
  clThread: { name: string; target: string; args: unknown; ring?: RingMemory; strBase: number; snippetName: string };
}

let counter = 0;
/** Ring size of a thread (smaller than the main thread's). */
const THREAD_RING = 1 << 20;

/** A thread of the current process (threading.Thread), backed by worker_threads. */
export class Thread<A extends unknown[] = unknown[]> {
  readonly name: string;
  /** Thread id (the lane's tid), once started. */
  tid: number | undefined;
  #worker: Worker | undefined;
  #exited: Promise<number> | undefined;
  #code: number | null = null;

  constructor(private readonly opts: ThreadOptions<A>) {
    this.name = opts.name ?? `Thread-${++counter}`;
  }

  /** Starts the thread. */
  start(): void {
    if (this.#worker) throw new Error(`${this.name} was already started`);
    const target = exportedName(this.opts.target, 'Thread target');
    if (isRoot()) serveBroker();
    const ring = rec.enabled ? allocRing(THREAD_RING, 0) : undefined;
    const data: ThreadData = {
      clThread: {
        name: this.name,
        target,
        args: pack(this.opts.args ?? []),
        ring,
        strBase: counter << 20,
        snippetName: ctx.snippetName,
      },
    };
    const worker = new Worker(ctx.bootJs, { argv: [ctx.snippetJs], workerData: data, env: process.env });
    this.#worker = worker;
    this.tid = worker.threadId;
    if (ring) flusherPost({ add: { ...ring, tid: worker.threadId } });
    this.#exited = new Promise((resolve) =>
      worker.on('exit', (code) => {
        this.#code = code;
        if (ring) flusherPost({ remove: worker.threadId });
        resolve(code);
      }),
    );
    worker.on('error', () => undefined);
  }

  /** Waits for the thread to end, at most `timeout` ms; true if it ended. */
  async join(timeout?: number): Promise<boolean> {
    if (!this.#exited) throw new Error(`${this.name} cannot be joined before it is started`);
    if (this.#code !== null) return true;
    const span = rec.begin(Cat.WaitJoin, this.name, `thread ${this.tid}`, '', callerLocation());
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      this.#exited.then(() => true),
      ...(timeout === undefined ? [] : [new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeout)))]),
    ]);
    clearTimeout(timer);
    rec.end(span, ended ? Status.Ok : Status.Timeout);
    return ended;
  }

  /** Whether the thread was started and has not ended. */
  isAlive(): boolean {
    return this.#worker !== undefined && this.#code === null;
  }
}

/** In a worker thread started by `Thread`: set up recording, then run the target once loaded. */
export function bootThread(): boolean {
  const d = (workerData as ThreadData | undefined)?.clThread;
  if (!d) return false;
  ctx.tid = threadId;
  ctx.name = d.name;
  ctx.snippetName = d.snippetName;
  if (d.ring) rec.attach({ ...d.ring, tid: threadId }, process.pid, d.strBase);
  rec.event(Kind.ThreadStart, [d.name], [0]);
  process.on('exit', () => {
    rec.event(Kind.ThreadEnd, [], []);
    rec.drain(1000);
  });
  setImmediate(async () => {
    let code = 0;
    const span = rec.begin(Cat.Run, d.name, d.target);
    try {
      const fn = lookupExport(d.target, 'Thread target') as (...a: unknown[]) => unknown;
      await fn(...(unpack(d.args) as unknown[]));
      rec.end(span, Status.Ok);
    } catch (e) {
      rec.end(span, Status.Error);
      reportError(e, `Exception in thread ${d.name}:`);
      code = 1;
    }
    await syncBroker().catch(() => undefined);
    process.exit(code);
  });
  return true;
}
