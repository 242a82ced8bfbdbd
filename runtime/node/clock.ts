/**
 * The run's clock: monotonic nanoseconds, the same in every process (CLOCK_MONOTONIC). Read with
 * `process.hrtime()`, which costs what `performance.now()` does (about 50 ns here) but needs no
 * offset and does not load `node:perf_hooks` (several milliseconds of every process's start).
 */

/** Monotonic time in ns, comparable across the processes of a run. */
export function now(): number {
  const t = process.hrtime();
  return t[0] * 1e9 + t[1];
}

/** `performance.eventLoopUtilization`, loading `node:perf_hooks` only when first used (after start-up). */
export function eventLoopUtilization(
  ...args: Parameters<typeof import('node:perf_hooks').performance.eventLoopUtilization>
): import('node:perf_hooks').EventLoopUtilization {
  const perf = (require('node:perf_hooks') as typeof import('node:perf_hooks')).performance;
  return perf.eventLoopUtilization(...args);
}
