/**
 * Queue and Pipe. Items are copied (structured clone) into the broker and out to the process that
 * takes them. Every put and get is recorded with the item's id, so the chart can draw the item's
 * path from the putter to the getter; a put into a full queue and a get from an empty one are waits.
 */
import { Cat, Kind, ObjType, Status } from '../../common/schema';
import { ask, brokerChannel } from './broker-client';
import { waitLocation } from './location';
import { createObj, type ObjRef } from './objects';
import { rec, TimeoutError } from './recorder';
import { pack, registerShared, unpack, type Shareable } from './share';

/** Thrown by `Queue.get` when the timeout elapsed (Python's `queue.Empty`). */
export class Empty extends TimeoutError {
  override name = 'Empty';
}
/** Thrown by `Queue.put` when the timeout elapsed on a full queue (Python's `queue.Full`). */
export class Full extends TimeoutError {
  override name = 'Full';
}

/** A FIFO queue shared by all processes of the run; `maxsize` > 0 bounds it. */
export class Queue<T = unknown> implements Shareable {
  readonly key: string;
  readonly name: string;
  readonly maxsize: number;

  constructor(maxsize = 0, opts?: { name?: string } | (ObjRef & { maxsize: number })) {
    if (opts && 'key' in opts) {
      this.key = opts.key;
      this.name = opts.name;
      this.maxsize = opts.maxsize;
      return;
    }
    const ref = createObj('queue', 'Queue', ObjType.Queue, maxsize > 0 ? maxsize : -1, opts?.name, {
      kind: 'queue',
      maxsize,
    });
    this.key = ref.key;
    this.name = ref.name;
    this.maxsize = maxsize;
  }

  /** Puts an item; waits while the queue is full. Throws `Full` if `timeout` (ms) elapsed. */
  async put(item: T, opts?: { timeout?: number; block?: boolean }): Promise<void> {
    const timeout = opts?.block === false ? 0 : opts?.timeout;
    const span = rec.begin(Cat.WaitQueuePut, this.name, '', this.key, waitLocation(this.key));
    const res = await ask({ op: 'put', obj: this.key, pid: process.pid, value: pack(item), timeout });
    rec.end(span, res.ok ? Status.Ok : Status.Timeout);
    if (!res.ok) throw new Full(`${this.name} is full (maxsize ${this.maxsize})`);
    rec.event(Kind.QueuePut, [this.key, res.item as number, res.depth as number], [0], res.t as number);
  }

  /** Takes the oldest item; waits while the queue is empty. Throws `Empty` if `timeout` (ms) elapsed. */
  async get(opts?: { timeout?: number; block?: boolean } | number): Promise<T> {
    const timeout = typeof opts === 'number' ? opts : opts?.block === false ? 0 : opts?.timeout;
    const span = rec.begin(Cat.WaitQueueGet, this.name, '', this.key, waitLocation(this.key));
    const res = await ask({ op: 'get', obj: this.key, pid: process.pid, timeout });
    rec.end(span, res.ok ? Status.Ok : Status.Timeout);
    if (!res.ok) throw new Empty(`${this.name} stayed empty for ${timeout} ms`);
    const fields = [this.key, res.putPid as number, res.item as number, res.depth as number];
    rec.event(Kind.QueueGet, fields, [0], res.t as number);
    return unpack(res.value) as T;
  }

  /** Number of items in the queue now. */
  async qsize(): Promise<number> {
    return (await ask({ op: 'qsize', obj: this.key })).value as number;
  }

  /** Whether the queue is empty now. */
  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0;
  }

  /** Whether the queue is full now. */
  async full(): Promise<boolean> {
    return this.maxsize > 0 && (await this.qsize()) >= this.maxsize;
  }

  toShared(): { type: string; state: Record<string, unknown> } {
    return { type: 'Queue', state: { key: this.key, name: this.name, maxsize: this.maxsize } };
  }
}

let msgSeq = 0;

/** One end of a Pipe. */
export class Connection<T = unknown> implements Shareable {
  constructor(
    readonly key: string,
    readonly name: string,
    /** Inbox this end reads (-1: cannot receive). */
    readonly inbox: number,
    /** Inbox of the other end, where this end writes (-1: cannot send). */
    readonly outbox: number,
  ) {}

  /** Sends a message to the other end (never blocks). */
  send(value: T): void {
    if (this.outbox < 0) throw new Error(`${this.name}: this end of a one-way Pipe cannot send`);
    const msg = ++msgSeq;
    rec.event(Kind.PipeSend, [this.key, msg], [0]);
    brokerChannel().send({ op: 'send', obj: this.key, end: this.outbox, pid: process.pid, msg, value: pack(value) });
  }

  /** Receives the next message, waiting for one. */
  async recv(): Promise<T> {
    if (this.inbox < 0) throw new Error(`${this.name}: this end of a one-way Pipe cannot receive`);
    const span = rec.begin(Cat.WaitRecv, this.name, '', this.key, waitLocation(this.key));
    const res = await ask({ op: 'recv', obj: this.key, end: this.inbox });
    rec.end(span, Status.Ok);
    rec.event(Kind.PipeRecv, [this.key, res.pid as number, res.msg as number], [0], res.t as number);
    return unpack(res.value) as T;
  }

  /** Whether a message is ready, waiting up to `timeout` ms for one. */
  async poll(timeout = 0): Promise<boolean> {
    return (await ask({ op: 'poll', obj: this.key, end: this.inbox, timeout })).ok;
  }

  toShared(): { type: string; state: Record<string, unknown> } {
    return { type: 'Connection', state: { key: this.key, name: this.name, inbox: this.inbox, outbox: this.outbox } };
  }
}

/** A pair of connected ends; with `duplex` false the first end only receives and the second only sends. */
export function Pipe<T = unknown>(duplex = true, opts?: { name?: string }): [Connection<T>, Connection<T>] {
  const ref = createObj('pipe', 'Pipe', ObjType.Pipe, -1, opts?.name, { kind: 'pipe' });
  if (duplex) return [new Connection(ref.key, ref.name, 0, 1), new Connection(ref.key, ref.name, 1, 0)];
  return [new Connection(ref.key, ref.name, 0, -1), new Connection(ref.key, ref.name, -1, 0)];
}

registerShared('Queue', (s) => new Queue(0, s as unknown as ObjRef & { maxsize: number }));
registerShared(
  'Connection',
  (s) => new Connection(s.key as string, s.name as string, s.inbox as number, s.outbox as number),
);
