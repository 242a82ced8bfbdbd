/**
 * What the standalone panel server shows: a live run (anything shaped like `Run` from
 * `engine/runner.ts`) or a fixed list of chunks (a trace file imported with `fromChromeTrace`).
 */
import type { Chunk, RunState } from '../../common/protocol';

/** The part of a live `Run` the server uses. */
export interface LiveSource {
  readonly chunks: readonly Chunk[];
  onChunk(cb: (c: Chunk) => void): () => void;
  readonly done: Promise<{ exitCode: number; reason: string; message: string }>;
  stop(): Promise<void>;
}

/** A live run or a finished trace. */
export type PanelSource = LiveSource | readonly Chunk[];

/** True for a live run. */
export function isLive(s: PanelSource): s is LiveSource {
  return !Array.isArray(s) && typeof (s as LiveSource).onChunk === 'function';
}

/** The chunks of a source so far. */
export function chunksOf(s: PanelSource): readonly Chunk[] {
  return isLive(s) ? s.chunks : (s as readonly Chunk[]);
}

/** The `run/state` message for a source: running while live, then how it ended. */
export function stateOf(
  s: PanelSource,
  result: { exitCode: number; reason: string; message: string } | undefined,
  canRerun: boolean,
): RunState {
  if (!isLive(s))
    return {
      type: 'run/state',
      phase: 'ended',
      message: 'Saved trace',
      exitCode: null,
      canStop: false,
      canRerun: false,
    };
  if (!result)
    return { type: 'run/state', phase: 'running', message: '', exitCode: null, canStop: true, canRerun: false };
  return {
    type: 'run/state',
    phase: result.reason === 'stopped' || (result.reason === 'exit' && result.exitCode === 0) ? 'ended' : 'failed',
    message: result.message,
    exitCode: result.exitCode,
    canStop: false,
    canRerun,
  };
}
