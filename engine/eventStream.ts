/**
 * One connection's record stream as the collector sees it: cuts the bytes into whole records, decodes
 * them (so a corrupt stream is caught before anyone stores it), and hands back exactly the bytes that
 * decoded cleanly, less any record whose event the owner refused (the output budget). After an error
 * the stream is finished; what was decoded before it is kept.
 */
import { Kind, type TraceEvent } from '../common/schema';
import { concatBytes } from '../common/bytes';
import { MAX_RECORD_BYTES, WireDecoder, WireError, fieldTypes } from '../common/wire';

/** Result of feeding bytes: the clean whole records (possibly empty) and, if the stream broke, why. */
export interface StreamPush {
  keep: Uint8Array;
  error?: string;
}

/** Validating framer + decoder for one events connection. */
export class EventStream {
  private pending: Uint8Array = new Uint8Array(0);
  private readonly decoder: WireDecoder;
  private events = 0;
  private broken = false;
  /** Ordinals (within the current push) of the events whose records are left out. */
  private refused: number[] = [];
  private ordinal = 0;

  /** `onEvent` returning false leaves that event's record out of the bytes handed back. */
  constructor(onEvent: (e: TraceEvent) => unknown) {
    this.decoder = new WireDecoder((e) => {
      this.events++;
      if (onEvent(e) === false) this.refused.push(this.ordinal);
      this.ordinal++;
    });
  }

  /** Records decoded so far. */
  get decoded(): number {
    return this.decoder.decoded;
  }

  /** Bytes of an unfinished record held back. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /** Feeds the next bytes of the connection. */
  push(chunk: Uint8Array): StreamPush {
    if (this.broken) return { keep: new Uint8Array(0), error: 'stream already broken' };
    const data = concatBytes(this.pending, chunk);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let whole = 0;
    let error: string | undefined;
    while (data.length - whole >= 4) {
      const len = view.getUint32(whole, true);
      if (len < 5 || len > MAX_RECORD_BYTES) {
        error = `corrupt record length ${len}`;
        break;
      }
      if (data.length - whole < len) break;
      whole += len;
    }
    const before = this.events;
    this.refused = [];
    this.ordinal = 0;
    try {
      this.decoder.push(data.subarray(0, whole));
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      error = err.message;
      whole = prefixOfEvents(data, whole, this.events - before);
    }
    if (error !== undefined) {
      this.broken = true;
      this.pending = new Uint8Array(0);
    } else {
      this.pending = data.slice(whole);
    }
    const keep = this.refused.length > 0 ? withoutEvents(data.subarray(0, whole), this.refused) : data.slice(0, whole);
    return { keep, error };
  }
}

/**
 * Copies whole records `bytes` without the events numbered in `drop` (ascending ordinals of decoded
 * events, counted as the decoder counts them: StrDef and unknown kinds do not count and are always
 * kept, so interned strings stay defined for whatever follows).
 */
export function withoutEvents(bytes: Uint8Array, drop: readonly number[]): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint8Array(bytes.length);
  let len = 0;
  let ordinal = 0;
  let next = 0;
  for (let off = 0; off + 4 <= bytes.length;) {
    const size = view.getUint32(off, true);
    if (size < 5 || off + size > bytes.length) break;
    const kind = bytes[off + 4];
    const counted = kind !== Kind.StrDef && fieldTypes(kind) !== undefined;
    if (counted && drop[next] === ordinal) next++;
    else {
      out.set(bytes.subarray(off, off + size), len);
      len += size;
    }
    if (counted) ordinal++;
    off += size;
  }
  return out.slice(0, len);
}

/** Byte length of the records up to and including the `n`-th decoded event (StrDef and unknown kinds do not count). */
function prefixOfEvents(data: Uint8Array, limit: number, n: number): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 0;
  let seen = 0;
  while (seen < n && off < limit) {
    const len = view.getUint32(off, true);
    const kind = data[off + 4];
    off += len;
    if (kind !== Kind.StrDef && fieldTypes(kind)) seen++;
  }
  return seen === n ? off : 0;
}
