/** How a run ended: the reasons, their exit codes and the one-line messages the CLI and the panel show. */
import { constants } from 'node:os';

/** Why a run ended. */
export type EndReason = 'exit' | 'stopped' | 'timeout' | 'proc-limit' | 'error' | 'crash';

/** The outcome of a run. */
export interface RunResult {
  /** The root's exit code; 128+n when a signal n ended it; 130 stopped, 124 timeout, 125 process limit, 1 error. */
  exitCode: number;
  reason: EndReason;
  /** One actionable line. */
  message: string;
  /** Wall time of the run in ns. */
  wallNs: number;
}

/** Exit codes for runs that did not end by the root's own exit. */
export const EXIT_CODES = { stopped: 130, timeout: 124, 'proc-limit': 125, error: 1 } as const;

/** Exit code a shell reports for a process killed by `signal`. */
export function signalExitCode(signal: string): number {
  const n = (constants.signals as Record<string, number>)[signal];
  return 128 + (n ?? 0);
}

/** Seconds with two decimals, for messages. */
export function secs(ns: number): string {
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** Message for a root that ended by itself; `leftovers` processes were still running and were stopped. */
export function exitMessage(code: number | null, signal: string | null, wallNs: number, leftovers: number): string {
  const how = signal ? `the root process was killed by ${signal}` : `exited with code ${code ?? -1}`;
  const were = leftovers === 1 ? 'process was still running and was' : 'processes were still running and were';
  const left = leftovers > 0 ? `; ${leftovers} ${were} stopped` : '';
  return `${how} after ${secs(wallNs)}${left}`;
}

/** Message for a wall-time limit. */
export function timeoutMessage(timeoutMs: number): string {
  return `timed out after ${timeoutMs / 1000} s and was stopped; raise the time limit (CLI: --timeout <seconds>) if the snippet needs longer`;
}

/** Message for the process limit. */
export function procLimitMessage(maxProcs: number): string {
  return `stopped: the run exceeded the limit of ${maxProcs} processes; raise it (CLI: --max-procs N) if that many are intended`;
}
