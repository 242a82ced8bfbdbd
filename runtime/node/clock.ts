/**
 * The run's clock: monotonic nanoseconds, the same in every process (CLOCK_MONOTONIC), read cheaply
 * as a fixed offset plus `performance.now()` instead of a `process.hrtime` call per event.
 */
import { performance } from 'node:perf_hooks';

const offset = Number(process.hrtime.bigint()) - performance.now() * 1e6;

/** Monotonic time in ns, comparable across the processes of a run. */
export function now(): number {
  return offset + performance.now() * 1e6;
}
