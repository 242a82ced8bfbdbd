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

interface Rec {
  kind: number;
  t: number;
  pid: number;
  tid: number;
  fields: (number | string)[];
  pri: number;
}

/** Records per chunk, so a large import reaches the panel in messages of bounded size. */
const RECORDS_PER_CHUNK = 50_000;

/** An unordered bag of records that becomes one connection's stream. */
export class RecordList {
  private readonly recs: Rec[] = [];
  private first: Rec | undefined;

  /** Adds a record (`fields` in wire order; strings for `str` fields). */
  add(kind: number, t: number, pid: number, tid: number, fields: (number | string)[], pri: number = Pri.Point): void {
    this.recs.push({ kind, t, pid, tid, fields, pri });
  }

  /** Sets the record sent before all others (the RunStart that fixes the store's origin). */
  setFirst(kind: number, t: number, fields: (number | string)[]): void {
    this.first = { kind, t, pid: 0, tid: 0, fields, pri: 0 };
  }

  get size(): number {
    return this.recs.length;
  }

  /** Encodes everything, time-ordered, into chunks of connection `conn`. */
  toChunks(conn: number): Chunk[] {
    this.recs.sort((a, b) => a.t - b.t || a.pri - b.pri);
    const enc = new RecordEncoder();
    const chunks: Chunk[] = [];
    if (this.first) enc.add(this.first.kind, this.first.t, 0, 0, this.first.fields);
    let n = 0;
    for (const r of this.recs) {
      enc.add(r.kind, r.t, r.pid, r.tid, r.fields);
      if (++n % RECORDS_PER_CHUNK === 0) chunks.push({ conn, bytes: enc.take() });
    }
    const rest = enc.take();
    if (rest.length > 0 || chunks.length === 0) chunks.push({ conn, bytes: rest });
    return chunks;
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
