/** Teaching helpers and user instrumentation: `sleep`, `busy`, `span`, `mark`, `main`. */
import { Cat, Status } from '../../common/schema';
import { now } from './clock';
import { ctx, isRoot } from './context';
import { callerLocation } from './location';
import { willBlock } from './main-flush';
import { rec } from './recorder';

const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` milliseconds (Python's `time.sleep`), recorded as a Sleep span. */
export function sleep(ms: number): void {
  const span = rec.begin(Cat.Sleep, 'sleep', `${ms} ms`, '', callerLocation());
  willBlock(ms);
  Atomics.wait(cell, 0, 0, ms);
  rec.end(span, Status.Ok);
}

/** Spins the CPU for `ms` milliseconds (a stand-in for real computation). */
export function busy(ms: number): void {
  willBlock(ms);
  const end = now() + ms * 1e6;
  while (now() < end) {
    // burn
  }
}

/** Runs `fn` inside a user span named `name` (sync or async); returns what fn returns. */
export function span<T>(name: string, fn: () => T): T {
  const id = rec.begin(Cat.User, name);
  let r: T;
  try {
    r = fn();
  } catch (e) {
    rec.end(id, Status.Error);
    throw e;
  }
  if (r instanceof Promise) {
    return r.then(
      (v) => {
        rec.end(id, Status.Ok);
        return v;
      },
      (e) => {
        rec.end(id, Status.Error);
        throw e;
      },
    ) as T;
  }
  rec.end(id, Status.Ok);
  return r;
}

/** Records a point in time named `name` on this lane. */
export function mark(name: string): void {
  rec.mark(name);
}

/**
 * Runs `fn` in the root process only, after the snippet finished loading; child processes load the
 * same snippet to find their functions and skip it (Python's `if __name__ == '__main__'`).
 */
export function main(fn: () => unknown): void {
  if (isRoot()) ctx.mains.push(fn);
}
