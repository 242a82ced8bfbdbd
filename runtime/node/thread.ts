/**
 * `Thread`: a worker thread of the current process running an exported function, drawn as its own
 * lane inside the process. Each thread records into its own ring, which the process's flusher drains
 * alongside the main one.
 */
import type { Worker } from 'node:worker_threads';
import { Cat, Kind, Status } from '../../common/schema';
import { serveBroker, syncBroker } from './broker-client';
import { ctx, exportedName, isRoot, lookupExport } from './context';
import { flusherPost } from './main-flush';
import { now } from './clock';
import { callerLocation } from './location';
import { waitRecorded } from './wait';
import { rec } from './recorder';
import { osThreadId } from './os-thread';
import { allocRing, Ctl, laneTid, type RingMemory } from './ring';
import { pack, unpack } from './share';
import { THREAD_ENV, workerThreads } from './worker-threads';
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

type WaitAsync = (a: Int32Array, i: number, v: number, ms: number) => { async: boolean; value: unknown };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
/** Ring size of a thread (smaller than the main thread's). */
const THREAD_RING = 1 << 20;

/** A thread of the current process (threading.Thread), backed by worker_threads. */
export class Thread<A extends unknown[] = unknown[]> {
  readonly name: string;
  #worker: Worker | undefined;
  #ring: RingMemory | undefined;
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
    const worker = new (workerThreads().Worker)(ctx.bootJs, {
      argv: [ctx.snippetJs],
      workerData: data,
      env: { ...process.env, [THREAD_ENV]: '1' },
    });
    this.#worker = worker;
    this.#ring = ring;
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
    const ring = this.#ring;
    const from = { t: now(), loc: callerLocation() };
    // The lane's tid is the thread's OS thread id, which the thread publishes as it starts. The wait
    // is recorded from the call, and the timeout counts from it, as in Python.
    if (ring && this.isAlive()) {
      const publish = Math.min(1000, timeout ?? 1000);
      await waitAsync(new Int32Array(ring.ctl), Ctl.Lane, 0, publish).value;
    }
    const left = timeout === undefined ? undefined : Math.max(0, timeout - (now() - from.t) / 1e6);
    const tid = this.tid;
    return waitRecorded(
      Cat.WaitJoin,
      this.name,
      `thread ${tid}`,
      this.#exited,
      left,
      `thread:${process.pid}:${tid}`,
      from,
    );
  }

  /**
   * The thread's lane tid once started: its OS thread id on Linux when recording (so the runner's CPU
   * sampler finds it in /proc), else the worker's thread id.
   */
  get tid(): number | undefined {
    const id = this.#worker?.threadId;
    return this.#ring && id !== undefined ? laneTid(new Int32Array(this.#ring.ctl), id) : id;
  }

  /** Whether the thread was started and has not ended. */
  isAlive(): boolean {
    return this.#worker !== undefined && this.#code === null;
  }
}

/** In a worker thread started by `Thread`: set up recording, then run the target once loaded. */
export function bootThread(): boolean {
  const { threadId, workerData } = workerThreads();
  const d = (workerData as ThreadData | undefined)?.clThread;
  if (!d) return false;
  ctx.tid = threadId;
  ctx.name = d.name;
  ctx.snippetName = d.snippetName;
  if (d.ring) {
    // The lane is named by the OS thread id, as Python's are, so the runner samples its CPU from /proc.
    const lane = osThreadId() || threadId;
    const ctl = new Int32Array(d.ring.ctl);
    Atomics.store(ctl, Ctl.Lane, lane);
    Atomics.notify(ctl, Ctl.Lane);
    rec.attach({ ...d.ring, tid: lane }, process.pid, d.strBase);
  }
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
