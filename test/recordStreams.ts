// Trace events as the collector delivers them: one record stream per process, each with its own
// encoder (so string interning continues across chunks of the same connection). Shared by the tests
// that build events by hand and feed them to a store, a detector or the panel.
import type { Chunk } from '../common/protocol';
import type { TraceEvent } from '../common/schema';
import { fieldNames, RecordEncoder } from '../common/wire';

export class StreamsByPid {
  private readonly encoders = new Map<number, RecordEncoder>();

  /** Encodes `events` on their processes' streams (a new stream for a pid not seen before). */
  add(events: readonly TraceEvent[]): this {
    for (const e of events) {
      let enc = this.encoders.get(e.pid);
      if (!enc) this.encoders.set(e.pid, (enc = new RecordEncoder()));
      const rec = e as unknown as Record<string, number | string>;
      enc.add(
        e.kind,
        e.t,
        e.pid,
        e.tid,
        (fieldNames(e.kind) ?? []).map((n) => rec[n]),
      );
    }
    return this;
  }

  /** The pids in the order their streams were opened. */
  pids(): number[] {
    return [...this.encoders.keys()];
  }

  /**
   * What was encoded since the last call, one chunk per stream in opening order; `conn` numbers it
   * (by default its position in that order).
   */
  take(conn: (pid: number, index: number) => number = (_, i) => i, only?: number): Chunk[] {
    return [...this.encoders]
      .map(([pid, enc], i) => ({ pid, conn: conn(pid, i), enc }))
      .filter((s) => only === undefined || s.pid === only)
      .map((s) => ({ conn: s.conn, bytes: s.enc.take() }));
  }
}
