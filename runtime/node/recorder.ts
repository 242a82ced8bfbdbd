/**
 * The per-thread event recorder. Writes `wire.ts` records straight into this thread's shared ring;
 * the flusher thread sends them. Strings are interned per process: ids of a thread's ring start at
 * `strBase`, so the rings of one process share one connection without clashing ids.
 */
import { Kind, Status, type Cat } from '../../common/schema';
import { recordSize, writeRecord } from '../../common/wire';
import { eventLoopUtilization, now } from './clock';
import { Beat, BEAT_MS, RingWriter, type RingMemory } from './ring';

/** Records events of one thread; disabled (every call a no-op) until `attach`. */
export class Recorder {
  enabled = false;
  pid = process.pid;
  tid = 0;
  /** This thread's ring, once attached. */
  ring: RingWriter | undefined;
  /** A record written after this time (ns) calls `onLate`: the main thread has not flushed for too long. */
  lateAfter = Infinity;
  onLate: (() => void) | undefined;
  /** Sends what is recorded at exit, if this thread sends its ring itself (the main thread). */
  drainHook: ((ms: number) => boolean) | undefined;
  private readonly ids = new Map<string, number>([['', 0]]);
  private nextId = 1;
  private nextSpan = 1;
  /** A `StrDef` was dropped: the record that uses the string must be dropped too (its id is undefined). */
  private strLost = false;
  private beatTimer: NodeJS.Timeout | undefined;

  /** Starts recording into `mem`; `heartbeat` false if the caller keeps the ring's heartbeat itself. */
  attach(mem: RingMemory, pid: number, strBase: number, heartbeat = true): void {
    this.ring = new RingWriter(mem);
    this.pid = pid;
    this.tid = mem.tid;
    this.nextId = strBase + 1;
    this.enabled = true;
    if (!heartbeat) return;
    let elu = eventLoopUtilization();
    const beat = this.ring.beat;
    beat[Beat.Time] = now();
    this.beatTimer = setInterval(() => {
      const next = eventLoopUtilization();
      beat[Beat.Elu] = eventLoopUtilization(next, elu).utilization;
      beat[Beat.Time] = now();
      elu = next;
    }, BEAT_MS).unref();
  }

  /** Sends everything recorded so far, blocking at most `ms`; used at exit. */
  drain(ms: number): boolean {
    if (this.beatTimer) clearInterval(this.beatTimer);
    if (this.drainHook) return this.drainHook(ms);
    return this.ring ? this.ring.drain(ms) : true;
  }

  /** Interned id of `s` (writing its `StrDef` first if it is new). */
  str(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.nextId++;
      if (this.put(Kind.StrDef, 0, [id, s], 0)) this.ids.set(s, id);
      else this.strLost = this.enabled;
    }
    return id;
  }

  /** True (and the record counted as dropped) if a string this record uses lost its `StrDef`. */
  private lostStr(ring: RingWriter): boolean {
    if (!this.strLost) return false;
    this.strLost = false;
    ring.drop();
    return true;
  }

  /** Writes one record; `str` fields must already be ids (see `str`). `t` defaults to now. False if dropped. */
  put(kind: Kind, t: number, values: readonly (number | string)[], pid = this.pid): boolean {
    const ring = this.ring;
    if (!ring || (kind !== Kind.StrDef && this.lostStr(ring))) return false;
    const size = recordSize(kind, values);
    const at = ring.reserve(size);
    if (at < 0) return false;
    const time = t || now();
    ring.commit(writeRecord(ring.view, ring.bytes, at, kind, time, pid, this.tid, values));
    if (time > this.lateAfter) this.onLate?.();
    return true;
  }

  /**
   * Fast path for records whose `n` fields are all 4-byte integers or string ids (most of them):
   * no size computation, no field-type loop, no array.
   */
  put4(kind: Kind, n: number, a: number, b = 0, c = 0, d = 0, e = 0, f = 0): void {
    const ring = this.ring;
    if (!ring || this.lostStr(ring)) return;
    const size = 21 + 4 * n;
    const at = ring.reserve(size);
    if (at < 0) return;
    const v = ring.view;
    const t = now();
    v.setUint32(at, size, true);
    v.setUint8(at + 4, kind);
    v.setFloat64(at + 5, t, true);
    v.setInt32(at + 13, this.pid, true);
    v.setInt32(at + 17, this.tid, true);
    v.setInt32(at + 21, a, true);
    if (n > 1) v.setInt32(at + 25, b, true);
    if (n > 2) v.setInt32(at + 29, c, true);
    if (n > 3) v.setInt32(at + 33, d, true);
    if (n > 4) v.setInt32(at + 37, e, true);
    if (n > 5) v.setInt32(at + 41, f, true);
    ring.commit(at + size);
    if (t > this.lateAfter) this.onLate?.();
  }

  /** Opens a span and returns its id (0 when not recording); `t` (monotonic ns) backdates its start. */
  begin(cat: Cat, name: string, detail = '', obj = '', loc = '', t = 0): number {
    if (!this.enabled) return 0;
    const span = this.nextSpan++;
    const n = this.str(name);
    const d = this.str(detail);
    const o = this.str(obj);
    const l = this.str(loc);
    if (t) this.put(Kind.Begin, t, [span, cat, n, d, o, l]);
    else this.put4(Kind.Begin, 6, span, cat, n, d, o, l);
    return span;
  }

  /** Closes a span opened by `begin`. */
  end(span: number, status: Status = Status.Ok): void {
    if (!this.enabled || span === 0) return;
    this.put4(Kind.End, 2, span, status);
  }

  /** Records a user mark. */
  mark(name: string): void {
    if (this.enabled) this.put4(Kind.Mark, 1, this.str(name));
  }

  /**
   * Writes a record whose fields are given in wire order with strings as text; fields listed in
   * `strs` (by index) are interned.
   */
  event(kind: Kind, fields: (number | string)[], strs: readonly number[], t = 0, pid = this.pid): void {
    if (!this.enabled) return;
    for (const i of strs) fields[i] = this.str(String(fields[i]));
    this.put(kind, t, fields, pid);
  }
}

/** This thread's recorder. */
export const rec = new Recorder();

/** Runs `fn` inside a span of category `cat`, ending it with Ok/Error/Timeout as fn settles. */
export async function within<T>(cat: Cat, name: string, obj: string, loc: string, fn: () => Promise<T>): Promise<T> {
  const span = rec.begin(cat, name, '', obj, loc);
  try {
    const r = await fn();
    rec.end(span, Status.Ok);
    return r;
  } catch (e) {
    rec.end(span, e instanceof TimeoutError ? Status.Timeout : Status.Error);
    throw e;
  }
}

/** Thrown by a blocking operation whose timeout elapsed. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}
