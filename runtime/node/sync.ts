/**
 * Lock, RLock, Semaphore, Event and Condition, in the model of Python's multiprocessing. State lives
 * at the broker, so they work between any processes of the run. Every blocking call returns a promise
 * and is recorded as a wait span; holding a lock is a `Hold` span with acquire/release records.
 */
import { Cat, Kind, ObjType, Status } from '../../common/schema';
import { ask, brokerChannel } from './broker-client';
import { now } from './clock';
import { waitLocation } from './location';
import { createObj, who, type ObjRef } from './objects';
import { rec } from './recorder';
import { registerShared, type Shareable } from './share';

/** Options of a blocking acquire/wait. */
export interface WaitOptions {
  /** Milliseconds to wait at most; omitted = forever. */
  timeout?: number;
  /** false = try once without waiting. */
  block?: boolean;
}

function timeoutOf(o?: WaitOptions | number): number | undefined {
  if (typeof o === 'number') return o;
  if (o?.block === false) return 0;
  return o?.timeout;
}

/** A non-recursive lock shared by all processes of the run. */
export class Lock implements Shareable {
  readonly key: string;
  readonly name: string;
  protected depth = 0;
  private holdSpan = 0;

  constructor(opts?: { name?: string } | ObjRef, type: ObjType = ObjType.Lock) {
    const ref =
      opts && 'key' in opts
        ? opts
        : createObj('lock', type === ObjType.RLock ? 'RLock' : 'Lock', type, 1, opts?.name, { kind: 'lock' });
    this.key = ref.key;
    this.name = ref.name;
  }

  /** Waits for the lock; resolves true once held, false if the timeout elapsed. */
  async acquire(opts?: WaitOptions | number): Promise<boolean> {
    const loc = waitLocation(this.key);
    const t0 = now();
    const span = rec.begin(Cat.WaitLock, this.name, '', this.key, loc);
    const res = await ask({ op: 'acquire', obj: this.key, who: who(), pid: process.pid, timeout: timeoutOf(opts) });
    rec.end(span, res.ok ? Status.Ok : Status.Timeout);
    if (!res.ok) return false;
    this.held(res.fromPid as number, t0, loc);
    return true;
  }

  /** Records that this thread now holds the lock. */
  protected held(fromPid: number, t0: number, loc: string): void {
    this.depth = 1;
    const waitedUs = Math.min(0xffffffff, Math.round((now() - t0) / 1e3));
    rec.event(Kind.LockAcquire, [this.key, fromPid, waitedUs, loc], [0, 3]);
    this.holdSpan = rec.begin(Cat.Hold, this.name, '', this.key, loc);
  }

  /** Releases the lock (this process must hold it). */
  release(): void {
    if (this.depth === 0) throw new Error(`${this.name}: release() of a lock this process does not hold`);
    this.depth = 0;
    rec.end(this.holdSpan);
    rec.event(Kind.LockRelease, [this.key], [0]);
    brokerChannel().send({ op: 'release', obj: this.key, pid: process.pid });
  }

  /** Acquires and returns a handle whose disposal releases: `using _ = await lock.hold()`. */
  async hold(): Promise<Disposable> {
    await this.acquire();
    return { [Symbol.dispose]: () => this.release() };
  }

  /** Runs `fn` while holding the lock. */
  async withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Whether this process holds the lock. */
  isHeld(): boolean {
    return this.depth > 0;
  }

  /** Recursion depth (RLock) to save around a condition wait. */
  saveDepth(): number {
    const d = this.depth;
    rec.end(this.holdSpan);
    rec.event(Kind.LockRelease, [this.key], [0]);
    this.depth = 0;
    return d;
  }

  /** Restores the state saved by `saveDepth` after the broker handed the lock back. */
  restoreDepth(d: number, fromPid: number, t0: number, loc: string): void {
    this.held(fromPid, t0, loc);
    this.depth = d;
  }

  toShared(): { type: string; state: Record<string, unknown> } {
    return { type: this instanceof RLock ? 'RLock' : 'Lock', state: { key: this.key, name: this.name } };
  }
}

/** A lock that the holding thread may acquire again; released when released as often. */
export class RLock extends Lock {
  constructor(opts?: { name?: string } | ObjRef) {
    super(opts, ObjType.RLock);
  }

  override async acquire(opts?: WaitOptions | number): Promise<boolean> {
    if (this.depth > 0) {
      this.depth++;
      return true;
    }
    return super.acquire(opts);
  }

  override release(): void {
    if (this.depth > 1) this.depth--;
    else super.release();
  }
}

/** A counter of free slots; `acquire` waits while it is zero. */
export class Semaphore implements Shareable {
  readonly key: string;
  readonly name: string;

  constructor(value = 1, opts?: { name?: string; bounded?: boolean } | ObjRef) {
    const ref =
      opts && 'key' in opts
        ? opts
        : createObj('sem', 'Semaphore', ObjType.Semaphore, value, opts?.name, {
            kind: 'sem',
            value,
            bounded: opts?.bounded,
          });
    this.key = ref.key;
    this.name = ref.name;
  }

  /** Takes a slot; false if the timeout elapsed. */
  async acquire(opts?: WaitOptions | number): Promise<boolean> {
    const loc = waitLocation(this.key);
    const t0 = now();
    const span = rec.begin(Cat.WaitSemaphore, this.name, '', this.key, loc);
    const res = await ask({ op: 'acquire', obj: this.key, who: who(), pid: process.pid, timeout: timeoutOf(opts) });
    rec.end(span, res.ok ? Status.Ok : Status.Timeout);
    if (res.ok) {
      const waitedUs = Math.round((now() - t0) / 1e3);
      rec.event(Kind.LockAcquire, [this.key, res.fromPid as number, waitedUs, loc], [0, 3]);
    }
    return res.ok;
  }

  /** Gives a slot back. */
  release(): void {
    rec.event(Kind.LockRelease, [this.key], [0]);
    brokerChannel().send({ op: 'release', obj: this.key, pid: process.pid });
  }

  /** Runs `fn` holding a slot. */
  async withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  toShared(): { type: string; state: Record<string, unknown> } {
    return { type: 'Semaphore', state: { key: this.key, name: this.name } };
  }
}

/** A flag that processes can wait for. */
export class Event implements Shareable {
  readonly key: string;
  readonly name: string;

  constructor(opts?: { name?: string } | ObjRef) {
    const ref =
      opts && 'key' in opts ? opts : createObj('event', 'Event', ObjType.Event, 1, opts?.name, { kind: 'event' });
    this.key = ref.key;
    this.name = ref.name;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    brokerChannel().send({ op: 'evset', obj: this.key });
  }

  /** Clears the flag. */
  clear(): void {
    brokerChannel().send({ op: 'evclear', obj: this.key });
  }

  /** Whether the flag is set. */
  async isSet(): Promise<boolean> {
    return Boolean((await ask({ op: 'evis', obj: this.key })).value);
  }

  /** Waits until the flag is set; false if the timeout elapsed first. */
  async wait(timeout?: number): Promise<boolean> {
    const span = rec.begin(Cat.WaitEvent, this.name, '', this.key, waitLocation(this.key));
    const res = await ask({ op: 'evwait', obj: this.key, timeout });
    rec.end(span, res.ok ? Status.Ok : Status.Timeout);
    return res.ok;
  }

  toShared(): { type: string; state: Record<string, unknown> } {
    return { type: 'Event', state: { key: this.key, name: this.name } };
  }
}

/** A condition variable over a lock (an RLock by default). */
export class Condition implements Shareable {
  readonly key: string;
  readonly name: string;
  readonly lock: Lock;

  constructor(lock?: Lock, opts?: { name?: string } | (ObjRef & { lock: Lock })) {
    if (opts && 'key' in opts) {
      this.key = opts.key;
      this.name = opts.name;
      this.lock = opts.lock;
      return;
    }
    const ref = createObj('cond', 'Condition', ObjType.Condition, 0, opts?.name, { kind: 'cond' });
    this.key = ref.key;
    this.name = ref.name;
    this.lock = lock ?? new RLock({ name: `${ref.name}.lock` });
  }

  /** Acquires the underlying lock. */
  acquire(opts?: WaitOptions | number): Promise<boolean> {
    return this.lock.acquire(opts);
  }

  /** Releases the underlying lock. */
  release(): void {
    this.lock.release();
  }

  /** Releases the lock, waits for a notify (or the timeout), re-acquires; true if notified. */
  async wait(timeout?: number): Promise<boolean> {
    if (!this.lock.isHeld()) throw new Error(`${this.name}: wait() without holding its lock`);
    const loc = waitLocation(this.key);
    const depth = this.lock.saveDepth();
    const span = rec.begin(Cat.WaitCondition, this.name, '', this.key, loc);
    const t0 = now();
    const res = await ask({ op: 'cwait', obj: this.key, lock: this.lock.key, who: who(), pid: process.pid, timeout });
    rec.end(span, res.ok ? Status.Ok : Status.Timeout);
    this.lock.restoreDepth(depth, (res.fromPid as number) ?? 0, t0, loc);
    return res.ok;
  }

  /** Waits until `predicate()` is true (checked under the lock); false if the timeout elapsed. */
  async waitFor(predicate: () => boolean | Promise<boolean>, timeout?: number): Promise<boolean> {
    const end = timeout === undefined ? Infinity : Date.now() + timeout;
    while (!(await predicate())) {
      const left = end - Date.now();
      if (left <= 0) return false;
      await this.wait(left === Infinity ? undefined : left);
    }
    return true;
  }

  /** Wakes up to `n` waiters. */
  notify(n = 1): void {
    brokerChannel().send({ op: 'notify', obj: this.key, n });
  }

  /** Wakes every waiter. */
  notifyAll(): void {
    this.notify(-1);
  }

  toShared(): { type: string; state: Record<string, unknown> } {
    return { type: 'Condition', state: { key: this.key, name: this.name, lock: this.lock } };
  }
}

registerShared('Lock', (s) => new Lock(s as unknown as ObjRef));
registerShared('RLock', (s) => new RLock(s as unknown as ObjRef));
registerShared('Semaphore', (s) => new Semaphore(0, s as unknown as ObjRef));
registerShared('Event', (s) => new Event(s as unknown as ObjRef));
registerShared('Condition', (s) => new Condition(undefined, s as unknown as ObjRef & { lock: Lock }));
