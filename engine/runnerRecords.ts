/** Connection 0 of every run: the records the runner writes itself (run start/end, samples, root output, exits). */
import { availableParallelism } from 'node:os';
import type { Chunk } from '../common/protocol';
import { Kind, Stream } from '../common/schema';
import { RecordEncoder } from '../common/wire';

/** Monotonic clock in ns, the same clock every runtime uses. */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** Writes runner records and hands each batch on as a `Chunk` of connection 0. */
export class RunnerRecords {
  private readonly enc = new RecordEncoder();

  constructor(private readonly emit: (c: Chunk) => void) {}

  /** The run started, on this machine with its core count (which the analyses compare busy processes with). */
  runStart(t: number, snippet: string, runtime: string): void {
    this.enc.add(Kind.RunStart, t, 0, 0, [snippet, runtime, availableParallelism()]);
    this.flush();
  }

  /** The run ended. */
  runEnd(t: number, reason: string, code: number): void {
    this.enc.add(Kind.RunEnd, t, 0, 0, [reason, code]);
    this.flush();
  }

  /** A process ended (`code` -1 when it died by a signal or is unknown). */
  procExit(t: number, pid: number, code: number, signal: string): void {
    this.enc.add(Kind.ProcExit, t, pid, 0, [code, signal]);
    this.flush();
  }

  /** A line of raw output of `pid`. */
  output(t: number, pid: number, stream: 'stdout' | 'stderr', text: string): void {
    this.enc.add(Kind.Output, t, pid, 0, [stream === 'stdout' ? Stream.Stdout : Stream.Stderr, text]);
  }

  /** An error the runner wants shown on the run (e.g. why it could not start). */
  error(t: number, pid: number, message: string): void {
    this.enc.add(Kind.Error, t, pid, 0, [message, '']);
    this.flush();
  }

  /** CPU samples (elu unknown: -1). */
  samples(t: number, list: readonly { pid: number; tid: number; cpu: number }[]): void {
    for (const s of list) this.enc.add(Kind.Sample, t, s.pid, s.tid, [s.cpu, -1]);
    this.flush();
  }

  /** Emits whatever was written since the last flush. */
  flush(): void {
    const bytes = this.enc.take();
    if (bytes.length > 0) this.emit({ conn: 0, bytes });
  }
}
