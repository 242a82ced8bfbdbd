/**
 * Collects records built from a Chrome trace, orders them the way a live run would have sent them
 * (by time; at equal times starts before ends so nesting is kept) and encodes them into chunks with
 * `RecordEncoder`, ready for `TraceStore.ingest`.
 */
import { Kind } from '../schema';
import type { Chunk } from '../protocol';
import { RecordEncoder } from '../wire';

/** Order among records at the same time. */
export const enum Pri {
  Start = 0,
  Decl = 1,
  End = 2,
  Begin = 3,
  Point = 4,
  /** The End of a zero-length span must follow its Begin. */
  EndAfterBegin = 5,
  Exit = 6,
  RunEnd = 7,
}

/** Records per chunk, so a large import reaches the panel in messages of bounded size. */
const RECORDS_PER_CHUNK = 50_000;

/**
 * An unordered bag of records that becomes one connection's stream. Kept as columns plus one flat
 * array of field values: an import of millions of events would otherwise allocate two objects per
 * record and spend most of its time collecting them.
 */
export class RecordList {
  private n = 0;
  private kind = new Uint8Array(1024);
  private t = new Float64Array(1024);
  private pid = new Int32Array(1024);
  private tid = new Int32Array(1024);
  private pri = new Uint8Array(1024);
  /** Offset of each record's first value in `vals`. */
  private off = new Uint32Array(1024);
  private readonly vals: (number | string)[] = [];
  private first: { kind: number; t: number; fields: (number | string)[] } | undefined;

  /** Adds a record (`fields` in wire order; strings for `str` fields). */
  add(kind: number, t: number, pid: number, tid: number, fields: (number | string)[], pri: number = Pri.Point): void {
    const i = this.n;
    if (i === this.t.length) this.grow();
    this.kind[i] = kind;
    this.t[i] = t;
    this.pid[i] = pid;
    this.tid[i] = tid;
    this.pri[i] = pri;
    this.off[i] = this.vals.length;
    for (const v of fields) this.vals.push(v);
    this.n = i + 1;
  }

  /** Sets the record sent before all others (the RunStart that fixes the store's origin). */
  setFirst(kind: number, t: number, fields: (number | string)[]): void {
    this.first = { kind, t, fields };
  }

  get size(): number {
    return this.n;
  }

  /** Encodes everything, time-ordered (stable), into chunks of connection `conn`. */
  toChunks(conn: number): Chunk[] {
    const { t, pri } = this;
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    order.sort((a, b) => t[a] - t[b] || pri[a] - pri[b] || a - b);
    const enc = new RecordEncoder();
    const chunks: Chunk[] = [];
    if (this.first) enc.add(this.first.kind, this.first.t, 0, 0, this.first.fields);
    for (let k = 0; k < order.length; k++) {
      const i = order[k];
      const end = i + 1 < this.n ? this.off[i + 1] : this.vals.length;
      enc.add(this.kind[i], t[i], this.pid[i], this.tid[i], this.vals.slice(this.off[i], end));
      if ((k + 1) % RECORDS_PER_CHUNK === 0) chunks.push({ conn, bytes: enc.take() });
    }
    const rest = enc.take();
    if (rest.length > 0 || chunks.length === 0) chunks.push({ conn, bytes: rest });
    return chunks;
  }

  private grow(): void {
    const n = this.n * 2;
    const up = <T extends Uint8Array | Float64Array | Int32Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a as never);
      return b;
    };
    this.kind = up(this.kind);
    this.t = up(this.t);
    this.pid = up(this.pid);
    this.tid = up(this.tid);
    this.pri = up(this.pri);
    this.off = up(this.off);
  }
}

/** Priority of a record kind when no more specific one applies. */
export function priOf(kind: number): number {
  switch (kind) {
    case Kind.ProcStart:
    case Kind.ThreadStart:
      return Pri.Start;
    case Kind.ObjDecl:
      return Pri.Decl;
    case Kind.ProcExit:
    case Kind.ThreadEnd:
      return Pri.Exit;
    case Kind.RunEnd:
      return Pri.RunEnd;
    default:
      return Pri.Point;
  }
}
