/**
 * One connection's record stream as the collector sees it: cuts the bytes into whole records, decodes
 * them (so a corrupt stream is caught before anyone stores it), and hands back exactly the bytes that
 * decoded cleanly. After an error the stream is finished; what was decoded before it is kept.
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

  constructor(onEvent: (e: TraceEvent) => void) {
    this.decoder = new WireDecoder((e) => {
      this.events++;
      onEvent(e);
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
    return { keep: data.slice(0, whole), error };
  }
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
