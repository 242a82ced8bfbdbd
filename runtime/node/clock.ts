/**
 * The run's clock: monotonic nanoseconds, the same in every process (CLOCK_MONOTONIC), read cheaply
 * as a fixed offset plus `performance.now()` instead of a `process.hrtime` call per event.
 */
import { performance } from 'node:perf_hooks';

/** hrtime − performance.now(), from the tightest of a few bracketed readings (a preemption between
 * the two reads would otherwise skew this process's clock by milliseconds). */
function measureOffset(): number {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 7; i++) {
    const p1 = performance.now();
    const h = Number(process.hrtime.bigint());
    const p2 = performance.now();
    if (p2 - p1 < best) {
      best = p2 - p1;
      offset = h - ((p1 + p2) / 2) * 1e6;
    }
  }
  return offset;
}

const offset = measureOffset();

/** Monotonic time in ns, comparable across the processes of a run. */
export function now(): number {
  return offset + performance.now() * 1e6;
}
