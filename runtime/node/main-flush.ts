/**
 * Sending a process's records to the runner. The main thread connects and, every 10 ms while its
 * event loop is free, writes its ring to the socket itself: most processes never start a second
 * thread for it (a worker thread costs about as much CPU as a Node start, which on two cores slowed
 * every run). A flusher thread (`flusher.ts`) takes over for good when the main thread cannot
 * keep up: records still written long after the last flush (a long synchronous stretch), a full
 * ring, a long `busy`/`sleep`, a `Thread` (whose ring must flow while the main thread waits), or an
 * exit before the connection was up.
 */
import { connect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { SCHEMA_VERSION, type Hello } from '../../common/schema';
import { eventLoopUtilization, now } from './clock';
import type { FlusherData, FlusherMessage } from './flusher';
import { Outbox, Sampler, writeSome } from './outbox';
import { rec } from './recorder';
import { Beat, BEAT_MS, Ctl, RingReader, type RingMemory } from './ring';
import { workerThreads } from './worker-threads';

/** Period of the main thread's flush while no flusher thread runs. */
const FLUSH_MS = 10;
/** A record written this long after the last flush means the main thread is stuck: start the flusher. */
const LATE_NS = 50e6;

let mem: RingMemory | undefined;
let socketPath = '';
let hello = '';
let sock: Socket | undefined;
let out: Outbox | undefined;
/** The socket's file descriptor (Unix), which the flusher thread may write to as well. */
let fd = -1;
/** Whether the connection was confirmed (its 'connect' event); writes before it are tried optimistically. */
let connected = false;
let reader: RingReader | undefined;
let sampler: Sampler | undefined;
let flusher: Worker | undefined;
let timer: NodeJS.Timeout | undefined;
let elu: ReturnType<typeof eventLoopUtilization> | undefined;
let lastLate = -Infinity;

function dead(): void {
  if (mem) Atomics.store(new Int32Array(mem.ctl), Ctl.Dead, 1);
  // The runner is gone: this process must not outlive it.
  process.kill(process.pid, 'SIGKILL');
}

/** Refreshes the main lane's event-loop heartbeat (what the samples read). */
function heartbeat(beat: Float64Array): void {
  const next = eventLoopUtilization();
  beat[Beat.Elu] = (elu ? eventLoopUtilization(next, elu) : next).utilization;
  beat[Beat.Time] = now();
  elu = next;
}

function tick(): void {
  if (!reader) return;
  heartbeat(reader.beat);
  if (flusher || !out) return;
  const t = now();
  try {
    out.pump(sampler!.take(t, out.rings));
  } catch {
    // Before 'connect' a failed write only means it is not up yet: try again from scratch then.
    if (!connected) return void (out = undefined);
    return dead();
  }
  rec.lateAfter = t + LATE_NS;
}

function newOutbox(): Outbox {
  return new Outbox((b) => writeSome(fd, b), [reader!], Buffer.from(hello + '\n'));
}

/**
 * A record came 50 ms after the last flush. Once, that is a long stretch that may just have ended (a
 * serial loop before the pool starts): flush right here. A second time within 100 ms, the thread is
 * still stuck: let the flusher thread keep the records and samples flowing.
 */
function late(): void {
  const t = now();
  if (t - lastLate < 2 * LATE_NS) return void ensureFlusher();
  lastLate = t;
  tick();
}

/** Starts recording this process into `ring`, sent over a connection to `socket` that presents `token`. */
export function startSending(ring: RingMemory, socket: string, token: string): void {
  mem = ring;
  socketPath = socket;
  const h: Hello = { token, schema: SCHEMA_VERSION, pid: process.pid, runtime: 'node', channel: 'events' };
  hello = JSON.stringify(h);
  reader = new RingReader(ring);
  sampler = new Sampler(process.pid);
  rec.onLate = late;
  rec.drainHook = drain;
  rec.ring!.onFull = ensureFlusher;
  rec.lateAfter = now() + LATE_NS;
  timer = setInterval(tick, FLUSH_MS).unref();
  const s = connect(socket);
  sock = s;
  fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
  // Without a descriptor to share (Windows named pipes) the flusher thread sends everything, as it
  // connects itself.
  if (fd < 0) return void ensureFlusher();
  // A Unix socket is connected as soon as connect() returns (only the event comes later), so a main
  // thread that blocks right away (a long loop at the start of `main`) can still flush its records.
  out = newOutbox();
  s.on('connect', () => {
    connected = true;
    if (flusher && !out) return void s.destroy();
    out ??= newOutbox();
    tick();
  });
  s.on('error', () => undefined);
  s.on('close', () => {
    // Closed by the runner (not by us handing over before connecting): nobody is listening any more.
    if (out) dead();
  });
  // Anything the runner sends is ignored; reading keeps the 'close' event coming. The connection does
  // not keep the process alive.
  s.resume();
  s.unref();
}

/** Starts the flusher thread (once), which sends everything from now on. */
export function ensureFlusher(): Worker | undefined {
  if (flusher || !mem) return flusher;
  let pending: Buffer | undefined;
  if (out) {
    // Finish a write the socket only took in part, so the flusher starts at a record boundary of the ring.
    for (let i = 0; i < 50 && out.pending; i++) {
      try {
        if (!out.pump()) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      } catch {
        break;
      }
    }
    pending = out.handOver();
  }
  const data: FlusherData = {
    socket: socketPath,
    hello,
    pid: process.pid,
    ring: mem,
    fd: out ? fd : -1,
    pending,
  };
  if (!out) sock?.destroy();
  const file = resolve(__dirname, 'flusher.js');
  flusher = new (workerThreads().Worker)(file, { workerData: data, stdout: true, stderr: true });
  flusher.unref();
  rec.lateAfter = Infinity;
  // The main thread only keeps its heartbeat fresh from now on.
  if (timer) clearInterval(timer);
  timer = setInterval(tick, BEAT_MS).unref();
  return flusher;
}

/** Flushes now if the last flush is 10 ms old (between pool tasks, which may keep the event loop busy). */
export function flushIfDue(): void {
  if (out && !flusher && now() >= rec.lateAfter - LATE_NS + FLUSH_MS * 1e6) tick();
}

/** Before blocking this thread for `ms`: hands sending over to the flusher thread if that is long. */
export function willBlock(ms: number): void {
  if (ms * 1e6 >= LATE_NS / 2) ensureFlusher();
}

/** Tells the flusher thread (started if need be) about a Thread's ring. */
export function flusherPost(m: FlusherMessage): void {
  ensureFlusher()?.postMessage(m);
}

/** Sends everything recorded so far, blocking at most `ms` (at exit); true if it all went out. */
function drain(ms: number): boolean {
  if (timer) clearInterval(timer);
  const ring = rec.ring!;
  if (!out || flusher) {
    ensureFlusher();
    return ring.drain(ms);
  }
  const deadline = Date.now() + ms;
  const idle = new Int32Array(new SharedArrayBuffer(4));
  try {
    while (!out.pump() || !ring.empty()) {
      if (Date.now() >= deadline) return false;
      Atomics.wait(idle, 0, 0, 1);
    }
  } catch {
    return false;
  }
  return true;
}
