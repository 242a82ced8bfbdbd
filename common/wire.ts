/**
 * Binary codec for the event channel. After a one-line JSON `Hello`, a connection carries records:
 *
 *   u32 length (of the whole record, these 4 bytes included) | u8 kind |
 *   [all kinds but StrDef: f64 t | i32 pid | i32 tid] | fields of RECORD_FIELDS[kind]
 *
 * Little-endian. `f64` 8 bytes, `i32`/`u32`/`str` 4 bytes, `text` u32 byte length + UTF-8.
 * The Node recorder, the Python hook and the collector all follow this one description.
 */
import { Kind, MAX_KIND, OPTIONAL_FROM, RECORD_FIELDS, type FieldType, type TraceEvent } from './schema';
import { concatBytes } from './bytes';
import { utf8Decode, utf8Encode, utf8Length } from './utf8';

/** Bytes of the record header common to all kinds but StrDef (t, pid, tid). */
export const HEADER_BYTES = 8 + 4 + 4;
/** Largest record the decoder accepts; anything larger is treated as a corrupt stream. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Field types per kind, indexed by kind number (undefined for unknown kinds). */
const FIELD_TYPES: (readonly FieldType[] | undefined)[] = [];
const FIELD_NAMES: (readonly string[] | undefined)[] = [];
for (let k = 0; k <= MAX_KIND; k++) {
  const fields = (RECORD_FIELDS as Record<number, readonly (readonly [string, FieldType])[]>)[k];
  FIELD_TYPES[k] = fields?.map((f) => f[1]);
  FIELD_NAMES[k] = fields?.map((f) => f[0]);
}

/** Field types of a kind, or undefined for a kind this schema does not know. */
export function fieldTypes(kind: number): readonly FieldType[] | undefined {
  return FIELD_TYPES[kind];
}

/** Field names of a kind, in wire order. */
export function fieldNames(kind: number): readonly string[] | undefined {
  return FIELD_NAMES[kind];
}

/**
 * Size in bytes of a record. `values` holds the fields in wire order; `str` fields are already
 * interned ids (numbers), `text` fields are strings.
 */
export function recordSize(kind: number, values: ArrayLike<number | string>): number {
  const types = FIELD_TYPES[kind];
  if (!types) throw new Error(`unknown record kind ${kind}`);
  let size = 5 + (kind === Kind.StrDef ? 0 : HEADER_BYTES);
  for (let i = 0; i < types.length; i++) {
    const ty = types[i];
    size += ty === 'f64' ? 8 : ty === 'text' ? 4 + utf8Length(String(values[i])) : 4;
  }
  return size;
}

/**
 * Writes one record at `offset` of `bytes` (which must have `recordSize` bytes free there) and
 * returns the offset after it. `view` must be a DataView over the same memory as `bytes`.
 */
export function writeRecord(
  view: DataView,
  bytes: Uint8Array,
  offset: number,
  kind: number,
  t: number,
  pid: number,
  tid: number,
  values: ArrayLike<number | string>,
): number {
  const types = FIELD_TYPES[kind];
  if (!types) throw new Error(`unknown record kind ${kind}`);
  const start = offset;
  offset += 4;
  view.setUint8(offset, kind);
  offset += 1;
  if (kind !== Kind.StrDef) {
    view.setFloat64(offset, t, true);
    view.setInt32(offset + 8, pid, true);
    view.setInt32(offset + 12, tid, true);
    offset += HEADER_BYTES;
  }
  for (let i = 0; i < types.length; i++) {
    const ty = types[i];
    const v = values[i];
    if (ty === 'f64') {
      view.setFloat64(offset, Number(v), true);
      offset += 8;
    } else if (ty === 'i32') {
      view.setInt32(offset, Number(v) | 0, true);
      offset += 4;
    } else if (ty === 'text') {
      const n = utf8Encode(String(v), bytes, offset + 4);
      view.setUint32(offset, n, true);
      offset += 4 + n;
    } else {
      view.setUint32(offset, Number(v) >>> 0, true);
      offset += 4;
    }
  }
  view.setUint32(start, offset - start, true);
  return offset;
}

/**
 * Encodes records into a growable buffer, interning strings per connection (a `StrDef` record is
 * written the first time a string is used). Used by the runner, the tests and the Node recorder's
 * slow paths.
 */
export class RecordEncoder {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  private len = 0;
  private readonly ids = new Map<string, number>([['', 0]]);

  /** Returns the id of `s`, writing its `StrDef` first if it is new. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.put(Kind.StrDef, 0, 0, 0, [id, s]);
    }
    return id;
  }

  /**
   * Appends a record. `fields` are in wire order; for `str` fields pass the string itself — it is
   * interned here.
   */
  add(kind: number, t: number, pid: number, tid: number, fields: readonly (number | string)[]): void {
    const types = FIELD_TYPES[kind];
    if (!types) throw new Error(`unknown record kind ${kind}`);
    const values = fields.map((v, i) => (types[i] === 'str' ? this.intern(String(v)) : v));
    this.put(kind, t, pid, tid, values);
  }

  /** Takes the bytes written so far and empties the buffer (interned strings stay known). */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }

  private put(kind: number, t: number, pid: number, tid: number, values: readonly (number | string)[]): void {
    const size = recordSize(kind, values);
    if (this.len + size > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + size));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.len = writeRecord(this.view, this.buf, this.len, kind, t, pid, tid, values);
  }
}

/** Why a decoder gave up on a stream. */
export class WireError extends Error {}

/**
 * Decodes one connection's record stream, chunk by chunk, resolving interned strings. Records of an
 * unknown kind are skipped and counted; a record with an impossible length, or a string id that
 * was never defined, raises `WireError` (the collector then drops the connection and keeps what it
 * had decoded).
 */
export class WireDecoder {
  /** Records skipped because their kind is unknown to this schema version. */
  skipped = 0;
  /** Records decoded. */
  decoded = 0;
  private pending: Uint8Array = new Uint8Array(0);
  private readonly strings: string[] = [''];

  constructor(private readonly onEvent: (e: TraceEvent) => void) {}

  /** Feeds the next chunk of bytes; calls `onEvent` for every complete record. */
  push(chunk: Uint8Array): void {
    const data = concatBytes(this.pending, chunk);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let off = 0;
    while (data.length - off >= 4) {
      const len = view.getUint32(off, true);
      if (len < 5 || len > MAX_RECORD_BYTES) throw new WireError(`corrupt record length ${len} at byte ${off}`);
      if (data.length - off < len) break;
      this.decodeOne(view, data, off, len);
      off += len;
    }
    this.pending = off === data.length ? new Uint8Array(0) : data.slice(off);
  }

  /** Bytes received that do not yet form a whole record. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  private decodeOne(view: DataView, bytes: Uint8Array, start: number, len: number): void {
    const end = start + len;
    const kind = view.getUint8(start + 4);
    const types = FIELD_TYPES[kind];
    const names = FIELD_NAMES[kind];
    if (!types || !names) {
      this.skipped++;
      return;
    }
    let off = start + 5;
    const need = (n: number): void => {
      if (off + n > end) throw new WireError(`record of kind ${kind} is shorter than its fields`);
    };
    if (kind === Kind.StrDef) {
      need(8);
      const id = view.getUint32(off, true);
      const n = view.getUint32(off + 4, true);
      off += 8;
      need(n);
      this.strings[id] = utf8Decode(bytes, off, n);
      return;
    }
    need(HEADER_BYTES);
    const ev: Record<string, number | string> = {
      kind,
      t: view.getFloat64(off, true),
      pid: view.getInt32(off + 8, true),
      tid: view.getInt32(off + 12, true),
    };
    off += HEADER_BYTES;
    const optional = OPTIONAL_FROM[kind as Kind] ?? types.length;
    for (let i = 0; i < types.length; i++) {
      const ty = types[i];
      if (off === end && i >= optional) {
        // Written before this field existed.
        ev[names[i]] = ty === 'str' || ty === 'text' ? '' : 0;
        continue;
      }
      if (ty === 'f64') {
        need(8);
        ev[names[i]] = view.getFloat64(off, true);
        off += 8;
      } else if (ty === 'text') {
        need(4);
        const n = view.getUint32(off, true);
        off += 4;
        need(n);
        ev[names[i]] = utf8Decode(bytes, off, n);
        off += n;
      } else {
        need(4);
        if (ty === 'i32') ev[names[i]] = view.getInt32(off, true);
        else if (ty === 'u32') ev[names[i]] = view.getUint32(off, true);
        else {
          const id = view.getUint32(off, true);
          const s = this.strings[id];
          if (s === undefined) throw new WireError(`string id ${id} used before it was defined`);
          ev[names[i]] = s;
        }
        off += 4;
      }
    }
    this.decoded++;
    this.onEvent(ev as unknown as TraceEvent);
  }
}
