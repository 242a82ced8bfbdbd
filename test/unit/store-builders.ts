/** Builders shared by the trace store tests (`store-*.test.ts`). */
import { RecordEncoder } from '../../common/wire';
import type { TraceStore } from '../../common/store';

/** A realistic monotonic ns value; `conn` writes times relative to it. */
export const T0 = 5e12;

/** Writes records for one connection; times are given relative to T0. */
export function conn(): {
  enc: RecordEncoder;
  at: (kind: number, t: number, pid: number, tid: number, f: (number | string)[]) => void;
} {
  const enc = new RecordEncoder();
  return { enc, at: (kind, t, pid, tid, f) => enc.add(kind, T0 + t, pid, tid, f) };
}

/** The closed spans of `lane` as plain rows, names resolved. */
export function spanList(s: TraceStore, lane: number): { start: number; end: number; name: string; depth: number }[] {
  const c = s.spans(lane);
  return Array.from({ length: c.count }, (_, i) => ({
    start: c.start[i],
    end: c.end[i],
    name: s.str(c.name[i]),
    depth: c.depth[i],
  }));
}
