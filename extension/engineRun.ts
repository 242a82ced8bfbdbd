// The one place the extension talks to the run engine (`engine/runner.ts`), translating its Run and
// RunResult into what the session and the notifications need.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Chunk } from '../common/protocol';
import { startRun, type RunResult } from '../engine/runner';
import { runtimeFor } from './mainGuard';
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
  /** 'failed' when the snippet never started (bad file, syntax error, missing interpreter). */
  phase: 'ended' | 'failed';
  /** The engine's end reason (`exit`, `stopped`, `timeout`, `proc-limit`, `error`, `crash`). */
  reason: string;
  exitCode: number | null;
  /** One line: how it ended or why it failed. */
  message: string;
  /** Full error text (launch error `file:line:col: message`) when it failed. */
  errorText?: string;
  /** Set when the interpreter could not be started at all. */
  missingInterpreter?: 'node' | 'python';
}

/** A started run. */
export interface RunHandle {
  readonly done: Promise<RunOutcome>;
  stop(): Promise<void>;
}

/** Starts a run through the engine. Chunks are handed on per microtask batch, not one call per chunk. */
export function startEngineRun(req: RunRequest): RunHandle {
  const { settings } = req;
  const node = resolveNode(settings.nodePath);
  const run = startRun({
    snippet: req.snippet,
    cwd: req.cwd,
    timeoutMs: settings.timeLimitMs,
    maxProcs: settings.processLimit,
    nodePath: node.path,
    env: node.env,
    pythonPath: settings.pythonPath || undefined,
  });
  let batch: Chunk[] = [];
  const flush = () => {
    const chunks = batch;
    batch = [];
    if (chunks.length > 0) req.onChunks(chunks);
  };
  const offChunk = run.onChunk((c) => {
    if (batch.length === 0) queueMicrotask(flush);
    batch.push(c);
  });
  const offOutput = run.onOutput((l) => req.onOutput(l.pid, l.stream, l.text));
  const done = run.done.then((r) => {
    flush();
    offChunk();
    offOutput();
    return toOutcome(r, req.snippet, settings);
  });
  return { done, stop: () => run.stop() };
}

/** Translates the engine's result; limits are phrased with the setting that raises them. */
export function toOutcome(r: RunResult, snippet: string, s: LensSettings): RunOutcome {
  const base = { reason: r.reason, exitCode: r.exitCode, message: r.message };
  switch (r.reason) {
    case 'error': {
      const missing = /ENOENT|EACCES|not found/.test(r.message) && /cannot start|python|node/i.test(r.message);
      return {
        ...base,
        phase: 'failed',
        exitCode: null,
        errorText: r.message,
        missingInterpreter: missing ? runtimeFor(snippet) : undefined,
      };
    }
    case 'timeout':
      return {
        ...base,
        phase: 'ended',
        message: `Timed out after ${s.timeLimitMs / 1000} s and was stopped (setting "concurrencyLens.timeLimitSeconds").`,
      };
    case 'proc-limit':
      return {
        ...base,
        phase: 'ended',
        message: `Stopped: the run exceeded the limit of ${s.processLimit} processes (setting "concurrencyLens.processLimit").`,
      };
    default:
      return { ...base, phase: 'ended', message: r.message.charAt(0).toUpperCase() + r.message.slice(1) };
  }
}

/**
 * The Node that runs snippets: the setting if given; else the extension host's own Node, except in
 * desktop VS Code, whose host is Electron: there `node` on PATH, or Electron itself run as Node.
 */
export function resolveNode(setting: string): { path: string; env?: Record<string, string> } {
  if (setting) return { path: setting };
  if (!process.versions.electron) return { path: process.execPath };
  const exe = process.platform === 'win32' ? 'node.exe' : 'node';
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, exe))) return { path: join(dir, exe) };
  }
  return { path: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } };
}
