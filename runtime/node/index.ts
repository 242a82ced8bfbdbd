/**
 * `concurrency-lens`: Python's multiprocessing model for Node snippets, recorded for the timeline.
 * Import it from a snippet; the runner starts the snippet through `boot.js`.
 */
export { Process, currentProcess, type ProcessOptions, type ProcessInfo } from './process';
export { Pool } from './pool';
export { AsyncResult } from './async-result';
export { Queue, Pipe, Connection, Empty, Full } from './queue';
export { Lock, RLock, Semaphore, Event, Condition, type WaitOptions } from './sync';
export { SharedValue, SharedArray, Manager, SyncManager, DictProxy, ListProxy } from './shared';
export { Thread, type ThreadOptions } from './thread';
export { sleep, busy, span, mark, main } from './user';
export { TimeoutError } from './recorder';
export { bootProcess as __boot } from './runtime';

import { SharedArray, SharedValue } from './shared';
import type { RLock } from './sync';

/** A shared number: `Value('i', 5)` (multiprocessing.Value). */
export function Value(type: string, init = 0, opts?: { lock?: boolean | RLock }): SharedValue {
  return new SharedValue(type, init, opts);
}

/** A shared array: `Array('i', [1, 2, 3])` or `Array('d', 10)` (multiprocessing.Array). */
export function Array(type: string, values: number[] | number, opts?: { lock?: boolean | RLock }): SharedArray {
  return new SharedArray(type, values, opts);
}
