/**
 * A two-lock deadlock as a live run delivers it: processes 41 and 42 each hold one lock and then wait
 * for the other's. Encoded with `RecordEncoder`, one connection per process; the wait that closes
 * the cycle comes in a later chunk, after the panel has drawn the rest.
 */
import type { Chunk } from '../../common/protocol';
import { StreamsByPid } from '../recordStreams';
import { Cat, ObjType, Role, TraceBuilder } from '../unit/analysis-trace';

/** Keys of the two locks. */
export const LOCK_A = 'lock:41:1';
export const LOCK_B = 'lock:41:2';

/** The chunks before the cycle closes, and the one that closes it. */
export function deadlockChunks(): { first: Chunk[]; closing: Chunk } {
  const events = new TraceBuilder()
    .proc(41, 0, undefined, { role: Role.Root, name: 'MainProcess' })
    .proc(42, 1, undefined, { ppid: 41, name: 'worker' })
    .obj(41, LOCK_A, ObjType.Lock, 'A', 'deadlock.py:3:5')
    .obj(41, LOCK_B, ObjType.Lock, 'B', 'deadlock.py:4:5')
    .span(41, Cat.Run, 0, undefined, { name: 'main' })
    .hold(41, LOCK_A, 5, undefined, 'deadlock.py:8:9')
    .hold(42, LOCK_B, 6, undefined, 'deadlock.py:14:9')
    .span(41, Cat.WaitLock, 30, undefined, { obj: LOCK_B, loc: 'deadlock.py:9:13', name: 'acquire' })
    .span(42, Cat.WaitLock, 40, undefined, { obj: LOCK_A, loc: 'deadlock.py:15:13', name: 'acquire' })
    .sorted();
  const streams = new StreamsByPid().add(events.slice(0, -1));
  const first = streams.take();
  const closing = streams.add(events.slice(-1)).take(undefined, 42);
  return { first, closing: closing[0] };
}
