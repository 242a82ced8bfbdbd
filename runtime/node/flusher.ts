/**
 * The flusher thread of a process, started only when the main thread cannot send its records itself:
 * a long synchronous stretch, a full ring, a `Thread`, or an exit before the main thread connected.
 * Every ~10 ms (or when woken) it copies the pending bytes of every ring (main thread and Threads) to
 * the socket and appends a CPU / event-loop sample per lane. It writes to the main thread's connection
 * if there is one (same connection, so the per-connection string ids stay valid), else it connects
 * itself. If the runner closes the socket, the process kills itself (orphan guard).
 */
import { connect } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { now } from './clock';
import { Outbox, Sampler, writeSome, type Writer } from './outbox';
import { niceThisThread } from './os-thread';
import { Ctl, RingReader, type RingMemory } from './ring';

/** What the recording process hands to its flusher. */
export interface FlusherData {
  socket: string;
  /** The `Hello` line, sent first if the flusher connects itself. */
  hello: string;
  pid: number;
  ring: RingMemory;
  /** The main thread's connected socket, or -1 if the flusher must connect itself. */
  fd: number;
  /** Bytes the main thread copied out of the ring but could not send yet. */
  pending?: Uint8Array;
}

/** Messages to the flusher: a Thread's ring to drain too, or one to forget once drained. */
export type FlusherMessage = { add: RingMemory } | { remove: number };

/** Nice value of the flusher thread (0 is the default, 19 the lowest priority). */
const FLUSHER_NICE = 10;

const data = workerData as FlusherData;
// It needs little CPU and only has to keep up: on two busy cores its wake-ups must not delay the
// process's own threads.
niceThisThread(FLUSHER_NICE);
const main = new RingReader(data.ring);
const rings: RingReader[] = [main];
const removing = new Set<number>();
const sampler = new Sampler(data.pid);

type WaitAsync = (a: Int32Array, i: number, v: number, ms: number) => { async: boolean; value: unknown };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

parentPort?.on('message', (m: FlusherMessage) => {
  if ('add' in m) rings.push(new RingReader(m.add));
  else removing.add(m.remove);
});

function dead(): void {
  for (const r of rings) Atomics.store(r.ctl, Ctl.Dead, 1);
  Atomics.notify(main.ctl, Ctl.Tail);
  // The runner is gone (or never answered): this process must not outlive it.
  process.kill(data.pid, 'SIGKILL');
}

function pump(out: Outbox): void {
  const taken = new Set<RingReader>();
  for (const tid of removing) {
    const i = rings.findIndex((r) => r.mem.tid === tid);
    if (i > 0) taken.add(rings[i]);
  }
  try {
    if (out.pump(sampler.take(now(), rings))) {
      // A removed Thread's ring is forgotten once everything it wrote went out.
      for (const r of taken) {
        if (Atomics.load(r.ctl, Ctl.Head) !== Atomics.load(r.ctl, Ctl.Tail)) continue;
        rings.splice(rings.indexOf(r), 1);
        removing.delete(r.mem.tid);
      }
    }
  } catch {
    dead();
  }
}

async function loop(out: Outbox): Promise<void> {
  for (;;) {
    const seen = Atomics.load(main.ctl, Ctl.Wake);
    pump(out);
    const w = waitAsync(main.ctl, Ctl.Wake, seen, 10);
    if (w.async) await w.value;
  }
}

const pending = data.pending ? Buffer.from(data.pending) : undefined;
if (data.fd >= 0) void loop(new Outbox((b) => writeSome(data.fd, b), rings, pending));
else {
  const s = connect(data.socket);
  s.on('connect', () => {
    const fd = (s as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    // Without a file descriptor (Windows named pipes) the socket buffers what it cannot send yet.
    const write: Writer = fd >= 0 ? (b) => writeSome(fd, b) : (b) => (s.write(b), b.length);
    void loop(new Outbox(write, rings, Buffer.from(data.hello + '\n')));
  });
  s.on('error', () => undefined);
  s.on('close', dead);
  // Anything the runner sends is ignored; reading keeps the 'close' event coming.
  s.resume();
}
