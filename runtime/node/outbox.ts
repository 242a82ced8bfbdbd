/**
 * Sending the rings' bytes with synchronous, non-blocking writes to the run's socket (a file
 * descriptor), from whichever thread pumps: the main thread while it is free, the flusher thread once
 * one runs. Bytes are copied out of the rings before writing, so a partial write keeps its rest here
 * and sends it first next time; the byte stream stays whole however writes are cut.
 */
import { writeSync } from 'node:fs';
import { Kind } from '../../common/schema';
import { recordSize, writeRecord } from '../../common/wire';
import { now } from './clock';
import { Beat, BEAT_MS, Ctl, laneTid, takeDropped, type RingReader } from './ring';

/** Period of the `Sample` records. */
export const SAMPLE_NS = 10e6;
/** A lane whose heartbeat is older than this is blocked in synchronous code: its event loop is busy. */
const STALE_NS = (BEAT_MS + 30) * 1e6;
/** Bytes of one `Sample` record (header, two float fields). */
const SAMPLE_BYTES = 5 + 16 + 16;

/** Why a Node lane loses records: its ring stayed full (the words the CLI and the panel show). */
export const RING_FULL = 'ring full';

/** A `Lost` record for `count` records of `r`'s lane that were dropped. */
function lostRecord(r: RingReader, count: number): Buffer {
  const values = [count, RING_FULL];
  const buf = Buffer.alloc(recordSize(Kind.Lost, values));
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  writeRecord(view, buf, 0, Kind.Lost, now(), process.pid, laneTid(r.ctl, r.mem.tid), values);
  return buf;
}

/** Writes as much of `buf` as the socket `fd` takes now; returns the bytes written. Throws if the socket is gone. */
export function writeSome(fd: number, buf: Buffer): number {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
      throw e;
    }
  }
  return off;
}

/** How an outbox writes: takes what it can of the buffer now, returns how much; throws if the socket is gone. */
export type Writer = (buf: Buffer) => number;

/** The unsent rest of the last write and the rings to drain through `write`. */
export class Outbox {
  /** Ring ends to release once `pending` is sent (a writer waiting for the flush sees them sent, not just copied). */
  private taken: [RingReader, number][] = [];

  constructor(
    readonly write: Writer,
    readonly rings: RingReader[],
    /** Bytes copied out of the rings (or the Hello line) but not yet taken by the socket. */
    public pending: Buffer | undefined = undefined,
  ) {}

  /**
   * Sends what is pending, then everything in the rings (each followed by a `Lost` record if it
   * dropped records since the last one) plus `extra`; true if nothing is left over.
   */
  pump(extra?: Buffer): boolean {
    if (this.pending && !this.send(this.pending)) return false;
    const parts: Buffer[] = [];
    for (const r of this.rings) {
      const got = r.take();
      if (got) {
        parts.push(got.out);
        this.taken.push([r, got.end]);
      }
      const lost = takeDropped(r.ctl);
      if (lost > 0) parts.push(lostRecord(r, lost));
    }
    if (extra) parts.push(extra);
    if (parts.length === 0) return true;
    return this.send(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  /**
   * Gives up this outbox for another thread's: frees what was taken from the rings and returns the
   * unsent bytes, which the new outbox must send first.
   */
  handOver(): Buffer | undefined {
    for (const [r, end] of this.taken) r.release(end);
    this.taken = [];
    return this.pending;
  }

  private send(buf: Buffer): boolean {
    const n = this.write(buf);
    this.pending = n < buf.length ? buf.subarray(n) : undefined;
    if (this.pending) return false;
    for (const [r, end] of this.taken) r.release(end);
    this.taken = [];
    return true;
  }
}

/** CPU share and event-loop utilisation per lane, every 10 ms: the `Sample` records of a process. */
export class Sampler {
  private last = now();
  private lastCpu = process.cpuUsage();

  constructor(private readonly pid: number) {}

  /** The samples due at `t` (one per ring's lane), or undefined if the last ones are younger than 10 ms. */
  take(t: number, rings: readonly RingReader[]): Buffer | undefined {
    if (t - this.last < SAMPLE_NS) return undefined;
    const cpu = process.cpuUsage();
    const share = ((cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) * 1e3) / (t - this.last);
    this.last = t;
    this.lastCpu = cpu;
    const buf = Buffer.alloc(SAMPLE_BYTES * rings.length);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let off = 0;
    for (const r of rings) {
      // A Thread's ring before the thread named its lane (its OS tid): a sample now would open a
      // lane of its own under the worker's thread id, which no span would ever close.
      if (r.mem.tid !== 0 && Atomics.load(r.ctl, Ctl.Lane) === 0) continue;
      const stale = t - r.beat[Beat.Time] > STALE_NS;
      const elu = stale ? 1 : Math.min(1, Math.max(0, r.beat[Beat.Elu]));
      const tid = laneTid(r.ctl, r.mem.tid);
      const laneCpu = tid === 0 ? Math.min(1, share) : -1;
      off = writeRecord(view, buf, off, Kind.Sample, t, this.pid, tid, [laneCpu, elu]);
    }
    if (off === 0) return undefined;
    return off === buf.length ? buf : buf.subarray(0, off);
  }
}
