/**
 * The in-memory trace store: decodes record streams (one `WireDecoder` per connection) into columnar
 * tables (`TraceTables`, `ingest.ts`) and answers the `TraceView` queries from them. Events of one
 * connection arrive in order; across connections they may interleave out of order, which every table
 * handles by sorted insertion. `version` increases on every change so a painter knows when to redraw.
 */
import type {
  Flow,
  Lane,
  LaneTreeRow,
  LostRecords,
  OpenSpan,
  PointColumns,
  OutputLine,
  Series,
  SpanColumns,
  TaskRow,
  TraceObject,
  TraceView,
} from './api';
import type { Chunk } from '../protocol';
import type { TraceEvent } from '../schema';
import { WireDecoder } from '../wire';
import { TraceTables, type RunFacts } from './ingest';

export type { RunFacts } from './ingest';

/** A connection whose stream could not be decoded; its later bytes are dropped. */
export interface StreamProblem {
  conn: number;
  message: string;
}

/** Columnar store of one trace; implements the read API `TraceView`. */
export class TraceStore implements TraceView {
  /** Connections dropped because their stream was corrupt, with the decoder's message. */
  readonly problems: StreamProblem[] = [];

  private readonly tables = new TraceTables();
  private readonly decoders = new Map<number, WireDecoder | null>();

  /** Monotonic ns of relative time 0: the runner's RunStart, else the first event. Earlier events get negative times. */
  get origin(): number {
    return this.tables.origin;
  }

  /** Latest relative time seen. */
  get now(): number {
    return this.tables.now;
  }

  /** Increases on every change. */
  get version(): number {
    return this.tables.version;
  }

  /** Records skipped: kinds this schema does not know, End records with no open span, non-finite times. */
  get skipped(): number {
    return this.tables.skipped;
  }

  /** Feeds a slice of one connection's record stream. A corrupt stream is reported in `problems` and ignored from then on. */
  ingest(chunk: Chunk): void {
    let dec = this.decoders.get(chunk.conn);
    if (dec === null) return;
    if (dec === undefined) {
      const tables = this.tables;
      const d = new WireDecoder((e) => tables.add(e));
      this.decoders.set(chunk.conn, d);
      dec = d;
    }
    try {
      dec.push(chunk.bytes);
    } catch (err) {
      this.decoders.set(chunk.conn, null);
      this.problems.push({ conn: chunk.conn, message: err instanceof Error ? err.message : String(err) });
      this.tables.version++;
    } finally {
      this.tables.skipped += dec.skipped;
      dec.skipped = 0;
    }
  }

  /** Adds one decoded event. */
  add(e: TraceEvent): void {
    this.tables.add(e);
  }

  /** Interns a string into the store's string table. */
  intern(s: string): number {
    return this.tables.strings.intern(s);
  }

  str(id: number): string {
    return this.tables.strings.str(id);
  }

  /** Records lost per process (never sent: a full ring), in order of first loss. */
  lost(): readonly LostRecords[] {
    return this.tables.lostList;
  }

  lanes(): readonly Lane[] {
    return this.tables.laneTable.list;
  }

  /** Lanes in display order (process, its threads, its children) with their nesting level. */
  laneTree(): readonly LaneTreeRow[] {
    return this.tables.laneTable.tree();
  }

  spans(lane: number): SpanColumns {
    return this.tables.table(lane);
  }

  spanRange(lane: number, t0: number, t1: number): [number, number] {
    return this.tables.table(lane).range(t0, t1);
  }

  /** Calls `fn` with each closed span index of `lane` that overlaps [t0, t1], skipping blocks of spans that ended earlier. */
  forEachSpan(lane: number, t0: number, t1: number, fn: (i: number) => void): void {
    this.tables.table(lane).forEachOverlap(t0, t1, fn);
  }

  openSpans(): readonly OpenSpan[] {
    const strings = this.tables.strings;
    return this.tables.open.list(strings.str.bind(strings));
  }

  objects(): readonly TraceObject[] {
    return this.tables.objs.list;
  }

  /** The declared object with this key, if any. */
  object(key: string): TraceObject | undefined {
    return this.tables.objs.get(key);
  }

  tasks(): readonly TaskRow[] {
    return this.tables.taskTable.rows;
  }

  flows(): readonly Flow[] {
    return this.tables.flowTable.all();
  }

  queueDepth(obj: string): Series {
    return this.tables.depth.view(obj);
  }

  lockHolders(obj: string): Series {
    return this.tables.holders.view(obj);
  }

  lockWaiters(obj: string): Series {
    return this.tables.waiters.view(obj);
  }

  cpu(lane: number): Series {
    return this.tables.cpuSeries.view(lane);
  }

  /** Event-loop utilisation samples of a lane (0..1). */
  elu(lane: number): Series {
    return this.tables.eluSeries.view(lane);
  }

  /** Values written to element `index` of a shared Value/Array over time. */
  values(obj: string, index = 0): Series {
    return this.tables.valueSeries.view(`${obj} ${index}`);
  }

  /** Queue, lock, pipe, value and aggregate records as columns, in arrival order (for exporters). */
  points(): PointColumns {
    return this.tables.pointLog;
  }

  output(): readonly OutputLine[] {
    return this.tables.lines.list;
  }

  marks(): readonly { lane: number; t: number; name: string }[] {
    return this.tables.markList;
  }

  errors(): readonly { lane: number; t: number; message: string; stack: string }[] {
    return this.tables.errorList;
  }

  /** Bytes held by span columns and their indexes, and by the point log (capacity, for benchmarks). */
  byteSize(): { spans: number; spanCount: number; points: number } {
    let spans = 0;
    let spanCount = 0;
    for (const t of this.tables.spanTables) {
      if (!t) continue;
      spans += t.byteSize;
      spanCount += t.count;
    }
    return { spans, spanCount, points: this.tables.pointLog.byteSize };
  }

  run(): RunFacts {
    return this.tables.facts;
  }
}
