/**
 * The calling thread's OS thread id, and lowering its scheduling priority. Linux only: elsewhere the
 * id is 0 and the priority is left alone.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** OS thread id of the calling thread (`/proc/thread-self` links to `<pid>/task/<tid>`), or 0 if unknown. */
export function osThreadId(): number {
  try {
    const m = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Gives the calling thread a nice value of `nice` (Linux: per thread), so it yields to the process's own threads. */
export function niceThisThread(nice: number): void {
  const tid = osThreadId();
  if (tid === 0) return;
  try {
    setPriority(tid, nice);
  } catch {
    // not permitted or not supported: keep the default priority
  }
}
