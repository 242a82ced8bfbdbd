/**
 * A single-writer, single-reader byte ring in a SharedArrayBuffer. The recording thread writes whole
 * records (`wire.ts`) and publishes the head after each; the flusher thread copies everything between
 * tail and head to the socket and moves the tail once the bytes were handed to the kernel. A record
 * never straddles the end: the writer jumps back to 0 and remembers where it jumped (`WRAP`).
 */

/** Slots of the Int32 control block. */
export const enum Ctl {
  Head = 0,
  Tail = 1,
  Wrap = 2,
  /** Bumped (and notified) to wake the flusher before its next tick. */
  Wake = 3,
  /** Records dropped because the ring stayed full. */
  Dropped = 4,
  /** 1 once the flusher gave up (no runner): writers stop recording. */
  Dead = 5,
  /** The lane's tid as the recording thread wrote it (a Thread's OS thread id), 0 until then. */
  Lane = 6,
  /** How many of `Dropped` were already reported in a `Lost` record (written by whichever thread sends). */
  Reported = 7,
}

/**
 * Drops of `ctl`'s ring not yet reported, and marks them reported: the sender then writes one `Lost`
 * record with the count. Only the thread that sends the ring calls this.
 */
export function takeDropped(ctl: Int32Array): number {
  const dropped = Atomics.load(ctl, Ctl.Dropped);
  const n = dropped - Atomics.load(ctl, Ctl.Reported);
  if (n !== 0) Atomics.store(ctl, Ctl.Reported, dropped);
  return n;
}

/** The tid of the lane that `ctl`'s ring records: what the thread published, else `fallback`. */
export function laneTid(ctl: Int32Array, fallback: number): number {
  return Atomics.load(ctl, Ctl.Lane) || fallback;
}
/** Slots of the Float64 block that the recording thread keeps fresh for samples. */
export const enum Beat {
  /** `now()` of the last event-loop heartbeat of the recording thread. */
  Time = 0,
  /** Event-loop utilisation over the last heartbeat interval. */
  Elu = 1,
}

/** Period of the event-loop heartbeat that feeds the flusher's samples (short enough, few wake-ups). */
export const BEAT_MS = 40;

/** The shared memory of one ring, as passed between threads. */
export interface RingMemory {
  data: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  beat: SharedArrayBuffer;
  /** Thread id the ring records for (0 = main thread). */
  tid: number;
}

/** Allocates a ring of `bytes` bytes. */
export function allocRing(bytes: number, tid: number): RingMemory {
  return {
    data: new SharedArrayBuffer(bytes),
    ctl: new SharedArrayBuffer(8 * 4),
    beat: new SharedArrayBuffer(4 * 8),
    tid,
  };
}

/** The writer's side: reserves contiguous room for a record, waiting briefly for the reader if full. */
export class RingWriter {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly ctl: Int32Array;
  readonly beat: Float64Array;
  private head = 0;
  private readonly cap: number;
  /** Waits of ~50 ms for room before a record is dropped (0 with a test ring: drop at once). */
  waits = 20;
  /** Called when the ring is full, before waiting for room (the main thread starts its flusher there). */
  onFull: (() => void) | undefined;

  constructor(mem: RingMemory) {
    this.bytes = new Uint8Array(mem.data);
    this.view = new DataView(mem.data);
    this.ctl = new Int32Array(mem.ctl);
    this.beat = new Float64Array(mem.beat);
    this.cap = mem.data.byteLength;
  }

  /** Offset where `size` bytes may be written, or -1 if the ring stayed full (the record is dropped). */
  reserve(size: number): number {
    for (let attempt = 0; ; attempt++) {
      const tail = Atomics.load(this.ctl, Ctl.Tail);
      const head = this.head;
      if (head >= tail) {
        if (head + size < this.cap) return head;
        if (size < tail) {
          Atomics.store(this.ctl, Ctl.Wrap, head);
          this.head = 0;
          return 0;
        }
      } else if (head + size < tail) return head;
      // Full: wake the flusher and wait for the tail to move, at most ~1 s in all. A record larger
      // than the ring can never fit: it is dropped at once.
      if (attempt >= this.waits || size >= this.cap || Atomics.load(this.ctl, Ctl.Dead) === 1) {
        this.drop();
        return -1;
      }
      this.onFull?.();
      this.wake();
      Atomics.wait(this.ctl, Ctl.Tail, tail, 50);
    }
  }

  /** Counts one record that could not be written; the sender reports it in a `Lost` record. */
  drop(): void {
    Atomics.add(this.ctl, Ctl.Dropped, 1);
  }

  /** Publishes the record(s) written up to `end`. */
  commit(end: number): void {
    this.head = end;
    Atomics.store(this.ctl, Ctl.Head, end);
  }

  /** Asks the flusher to drain now. */
  wake(): void {
    Atomics.add(this.ctl, Ctl.Wake, 1);
    Atomics.notify(this.ctl, Ctl.Wake);
  }

  /** Whether everything written so far was taken by the reader, drops reported included. */
  empty(): boolean {
    return (
      Atomics.load(this.ctl, Ctl.Tail) === this.head &&
      Atomics.load(this.ctl, Ctl.Dropped) === Atomics.load(this.ctl, Ctl.Reported)
    );
  }

  /** Blocks until the flusher sent everything written so far, at most `ms`; true if it did. */
  drain(ms: number): boolean {
    const deadline = Date.now() + ms;
    this.wake();
    for (;;) {
      const tail = Atomics.load(this.ctl, Ctl.Tail);
      if (this.empty()) return true;
      if (Atomics.load(this.ctl, Ctl.Dead) === 1) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.ctl, Ctl.Tail, tail, Math.min(left, 20));
    }
  }
}

/** The reader's side: the pending bytes as at most two contiguous slices. */
export class RingReader {
  readonly ctl: Int32Array;
  readonly beat: Float64Array;
  private readonly bytes: Uint8Array;

  constructor(readonly mem: RingMemory) {
    this.bytes = new Uint8Array(mem.data);
    this.ctl = new Int32Array(mem.ctl);
    this.beat = new Float64Array(mem.beat);
  }

  /** Copies the pending bytes out; call `release(end)` with the returned end once they were sent. */
  take(): { out: Buffer; end: number } | undefined {
    const head = Atomics.load(this.ctl, Ctl.Head);
    const tail = Atomics.load(this.ctl, Ctl.Tail);
    if (head === tail) return undefined;
    if (head > tail) return { out: Buffer.from(this.bytes.slice(tail, head)), end: head };
    const wrap = Atomics.load(this.ctl, Ctl.Wrap);
    const out = Buffer.allocUnsafe(wrap - tail + head);
    out.set(this.bytes.subarray(tail, wrap), 0);
    out.set(this.bytes.subarray(0, head), wrap - tail);
    return { out, end: head };
  }

  /** Frees the ring up to `end` and wakes a writer waiting for room. */
  release(end: number): void {
    Atomics.store(this.ctl, Ctl.Tail, end);
    Atomics.notify(this.ctl, Ctl.Tail);
  }
}
