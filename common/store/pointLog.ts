/**
 * Point events that the derived tables summarise (queue put/get, lock acquire/release, pipe
 * send/recv, value writes, aggregates), kept as columns in arrival order so an exporter can write
 * them back out record for record. Numeric fields go to `a`, `b`, `c` in wire order, the object to
 * `obj` and another string field (a source location) to `s`.
 */
import { Kind, RECORD_FIELDS, type FieldType, type TraceEvent } from '../schema';
import type { PointColumns } from './api';
import { grow } from './grow';

/** Kinds the point log keeps. */
export const POINT_KINDS: readonly number[] = [
  Kind.QueuePut,
  Kind.QueueGet,
  Kind.LockAcquire,
  Kind.LockRelease,
  Kind.PipeSend,
  Kind.PipeRecv,
  Kind.ValueWrite,
  Kind.Aggregate,
];

/** Names of the numeric and extra string fields of a point kind, in wire order. */
export function pointFields(kind: number): { nums: string[]; str: string | undefined } {
  const fields = (RECORD_FIELDS as Record<number, readonly (readonly [string, FieldType])[]>)[kind] ?? [];
  const nums = fields.filter((f) => f[1] !== 'str').map((f) => f[0]);
  const str = fields.find((f) => f[1] === 'str' && f[0] !== 'obj')?.[0];
  return { nums, str };
}

const FIELDS: { nums: string[]; str: string | undefined }[] = [];
for (const k of POINT_KINDS) FIELDS[k] = pointFields(k);

/** Growable point columns. */
export class PointLog implements PointColumns {
  count = 0;
  kind = new Uint8Array(16);
  t = new Float64Array(16);
  lane = new Int32Array(16);
  obj = new Uint32Array(16);
  a = new Float64Array(16);
  b = new Float64Array(16);
  c = new Float64Array(16);
  s = new Uint32Array(16);

  /** True if `kind` is kept here. */
  static keeps(kind: number): boolean {
    return FIELDS[kind] !== undefined;
  }

  /** Appends event `e` at relative time `t`; `intern` maps strings to store ids. */
  add(e: TraceEvent, t: number, lane: number, intern: (s: string) => number): void {
    const f = FIELDS[e.kind];
    if (!f) return;
    const n = this.count;
    if (n + 1 > this.t.length) {
      this.kind = grow(this.kind, n + 1, n);
      this.t = grow(this.t, n + 1, n);
      this.lane = grow(this.lane, n + 1, n);
      this.obj = grow(this.obj, n + 1, n);
      this.a = grow(this.a, n + 1, n);
      this.b = grow(this.b, n + 1, n);
      this.c = grow(this.c, n + 1, n);
      this.s = grow(this.s, n + 1, n);
    }
    const r = e as unknown as Record<string, number | string>;
    this.kind[n] = e.kind;
    this.t[n] = t;
    this.lane[n] = lane;
    this.obj[n] = intern(String(r.obj ?? ''));
    this.a[n] = f.nums.length > 0 ? Number(r[f.nums[0]]) : 0;
    this.b[n] = f.nums.length > 1 ? Number(r[f.nums[1]]) : 0;
    this.c[n] = f.nums.length > 2 ? Number(r[f.nums[2]]) : 0;
    this.s[n] = f.str ? intern(String(r[f.str])) : 0;
    this.count = n + 1;
  }

  /** Adds `d` to every time (the store's origin moved). */
  shiftTimes(d: number): void {
    for (let i = 0; i < this.count; i++) this.t[i] += d;
  }

  /** Bytes held by the columns (capacity). */
  get byteSize(): number {
    return this.t.length * (1 + 8 + 4 + 4 + 8 * 3 + 4);
  }
}
