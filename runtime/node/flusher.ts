/**
 * The flusher thread of a process: connects to the run's socket, sends the `Hello` line, then every
 * ~10 ms (or when woken) copies the pending bytes of every ring (main thread and Threads) to the
 * socket, and appends a CPU / event-loop sample per lane. If the runner closes the socket, the
 * process kills itself (orphan guard).
 */
import { connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { Kind, SCHEMA_VERSION, type Hello } from '../../common/schema';
import { writeRecord } from '../../common/wire';
import { now } from './clock';
import { Beat, BEAT_MS, Ctl, RingReader, type RingMemory } from './ring';

/** What the recording process hands to its flusher. */
export interface FlusherData {
  socket: string;
  token: string;
  pid: number;
  ring: RingMemory;
}

/** Messages to the flusher: a Thread's ring to drain too, or one to forget once drained. */
export type FlusherMessage = { add: RingMemory } | { remove: number };

const data = workerData as FlusherData;
const main = new RingReader(data.ring);
const rings: RingReader[] = [main];
const removing = new Set<number>();
const SAMPLE_NS = 10e6;
/** A lane whose heartbeat is older than this is blocked in synchronous code: its event loop is busy. */
const STALE_NS = (BEAT_MS + 30) * 1e6;

type WaitAsync = (a: Int32Array, i: number, v: number, ms: number) => { async: boolean; value: unknown };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

let sock: Socket | undefined;
let writing = false;
let lastSample = now();
let lastCpu = process.cpuUsage();

parentPort?.on('message', (m: FlusherMessage) => {
  if ('add' in m) rings.push(new RingReader(m.add));
  else removing.add(m.remove);
});

function dead(): void {
  Atomics.store(main.ctl, Ctl.Dead, 1);
  for (const r of rings) Atomics.store(r.ctl, Ctl.Dead, 1);
  Atomics.notify(main.ctl, Ctl.Tail);
  // The runner is gone (or never answered): this process must not outlive it.
  process.kill(data.pid, 'SIGKILL');
}

function samples(t: number): Buffer | undefined {
  if (t - lastSample < SAMPLE_NS) return undefined;
  const cpu = process.cpuUsage();
  const dt = t - lastSample;
  const share = ((cpu.user - lastCpu.user + cpu.system - lastCpu.system) * 1e3) / dt;
  lastSample = t;
  lastCpu = cpu;
  const size = 5 + 16 + 16;
  const buf = Buffer.alloc(size * rings.length);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  for (const r of rings) {
    const stale = t - r.beat[Beat.Time] > STALE_NS;
    const elu = stale ? 1 : Math.min(1, Math.max(0, r.beat[Beat.Elu]));
    const laneCpu = r.mem.tid === 0 ? Math.min(1, share) : -1;
    off = writeRecord(view, buf, off, Kind.Sample, t, data.pid, r.mem.tid, [laneCpu, elu]);
  }
  return buf;
}

function pump(): void {
  if (!sock || writing) return;
  const parts: Buffer[] = [];
  const done: [RingReader, number][] = [];
  for (const r of rings) {
    const got = r.take();
    if (got) {
      parts.push(got.out);
      done.push([r, got.end]);
    }
  }
  const s = samples(now());
  if (s) parts.push(s);
  for (const tid of removing) {
    const i = rings.findIndex((r) => r.mem.tid === tid);
    if (i > 0 && !done.some(([r]) => r === rings[i])) {
      rings.splice(i, 1);
      removing.delete(tid);
    }
  }
  if (parts.length === 0) return;
  writing = true;
  sock.write(parts.length === 1 ? parts[0] : Buffer.concat(parts), (err) => {
    writing = false;
    if (err) return;
    for (const [r, end] of done) r.release(end);
    if (done.length > 0) pump();
  });
}

async function loop(): Promise<void> {
  for (;;) {
    const seen = Atomics.load(main.ctl, Ctl.Wake);
    pump();
    const w = waitAsync(main.ctl, Ctl.Wake, seen, 10);
    if (w.async) await w.value;
  }
}

const s = connect(data.socket);
s.on('connect', () => {
  const hello: Hello = { token: data.token, schema: SCHEMA_VERSION, pid: data.pid, runtime: 'node', channel: 'events' };
  s.write(JSON.stringify(hello) + '\n');
  sock = s;
  void loop();
});
s.on('error', () => undefined);
s.on('close', dead);
// Anything the runner sends is ignored; reading keeps the 'close' event coming.
s.resume();
