/**
 * The words each span category (`Cat`) goes by, in one table: its category name in Chrome traces, its
 * label in the panel's tooltips, and for waits what is waited for (in sentences of the analyses) and
 * the type of object waited on when that object was never declared.
 */
import { Cat, ObjType } from './schema';

/** How one span category is named. */
export interface CatWords {
  /** Category in Chrome traces (`wait.lock`). */
  chrome: string;
  /** Label in tooltips (`waiting for lock`). */
  label: string;
  /** For waits: what is waited for, as a sentence says it (`queue get`). */
  wait?: string;
  /** For waits on something other than a lock: the object type the wait implies. */
  object?: ObjType;
}

/** Every span category's words. */
export const CATEGORIES: Readonly<Record<number, CatWords>> = {
  [Cat.Run]: { chrome: 'run', label: 'process run' },
  [Cat.Task]: { chrome: 'task', label: 'pool task' },
  [Cat.User]: { chrome: 'user', label: 'span' },
  [Cat.Hold]: { chrome: 'lock.hold', label: 'holding lock' },
  [Cat.Sleep]: { chrome: 'sleep', label: 'sleep' },
  [Cat.WaitLock]: { chrome: 'wait.lock', label: 'waiting for lock', wait: 'lock' },
  [Cat.WaitQueueGet]: {
    chrome: 'wait.queue-get',
    label: 'waiting on empty queue',
    wait: 'queue get',
    object: ObjType.Queue,
  },
  [Cat.WaitQueuePut]: {
    chrome: 'wait.queue-put',
    label: 'waiting on full queue',
    wait: 'queue put',
    object: ObjType.Queue,
  },
  [Cat.WaitJoin]: { chrome: 'wait.join', label: 'join', wait: 'join' },
  [Cat.WaitRecv]: { chrome: 'wait.recv', label: 'waiting on pipe', wait: 'pipe recv', object: ObjType.Pipe },
  [Cat.WaitResult]: { chrome: 'wait.result', label: 'waiting for result', wait: 'pool result' },
  [Cat.WaitSemaphore]: {
    chrome: 'wait.semaphore',
    label: 'waiting on semaphore',
    wait: 'semaphore',
    object: ObjType.Semaphore,
  },
  [Cat.WaitEvent]: { chrome: 'wait.event', label: 'waiting on event', wait: 'event', object: ObjType.Event },
  [Cat.WaitCondition]: {
    chrome: 'wait.condition',
    label: 'waiting on condition',
    wait: 'condition',
    object: ObjType.Condition,
  },
  [Cat.WaitManager]: { chrome: 'wait.manager', label: 'waiting on manager', wait: 'manager', object: ObjType.Manager },
};
