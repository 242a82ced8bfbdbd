/**
 * Shared values: `Value` and `Array` (typed, each with an optional lock, like multiprocessing's
 * synchronized wrappers), and `Manager()` with dict and list proxies. Their data lives at the broker;
 * reads are answered by it, writes are recorded as `ValueWrite` and sent in order.
 */
import { Cat, Kind, ObjType, Status } from '../../common/schema';
import { ask, brokerChannel } from './broker-client';
import { waitLocation } from './location';
import { createObj, type ObjRef } from './objects';
import { rec } from './recorder';
import { pack, registerShared, unpack, type Shareable } from './share';
import { RLock } from './sync';

/** Type codes of `Value` and `Array` (as in Python's `array` module) and how values are coerced. */
const COERCE: Record<string, (v: number) => number> = {
  b: (v) => (v << 24) >> 24,
  B: (v) => v & 0xff,
  h: (v) => (v << 16) >> 16,
  H: (v) => v & 0xffff,
  i: (v) => v | 0,
  I: (v) => v >>> 0,
  l: (v) => Math.trunc(v),
  q: (v) => Math.trunc(v),
  f: (v) => Math.fround(v),
  d: (v) => v,
};

function coerce(type: string): (v: number) => number {
  const c = COERCE[type];
  if (!c) throw new Error(`unknown type code '${type}' (use one of ${Object.keys(COERCE).join(' ')})`);
  return c;
}

interface SharedState extends ObjRef {
  type: string;
  length: number;
  lock?: RLock;
}

class Shared implements Shareable {
  readonly key: string;
  readonly name: string;
  readonly type: string;
  readonly length: number;
  protected readonly lock: RLock | undefined;
  protected readonly coerce: (v: number) => number;

  constructor(kind: 'Value' | 'Array', type: string, values: number[] | SharedState, lock: boolean | RLock) {
    this.coerce = coerce(type);
    if (!Array.isArray(values)) {
      ({ key: this.key, name: this.name, type: this.type, length: this.length, lock: this.lock } = values);
      return;
    }
    const objType = kind === 'Value' ? ObjType.Value : ObjType.Array;
    const init = values.map(this.coerce);
    const ref = createObj(kind.toLowerCase(), kind, objType, init.length, undefined, { kind: 'list', value: init });
    this.key = ref.key;
    this.name = ref.name;
    this.type = type;
    this.length = init.length;
    this.lock = lock === true ? new RLock({ name: `${ref.name}.lock` }) : lock || undefined;
  }

  /** The lock that guards this value (multiprocessing's `get_lock()`). */
  getLock(): RLock {
    if (!this.lock) throw new Error(`${this.name} was created with lock: false`);
    return this.lock;
  }

  protected async read(index: number): Promise<number> {
    return (await ask({ op: 'data', obj: this.key, m: 'get', args: [index] })).value as number;
  }

  protected write(index: number, v: number): void {
    if (index < 0 || index >= this.length) throw new RangeError(`${this.name}: index ${index} out of range`);
    const value = this.coerce(v);
    rec.event(Kind.ValueWrite, [this.key, index, value], [0]);
    brokerChannel().send({ op: 'data', obj: this.key, m: 'set', args: [index, value] });
  }

  toShared(): { type: string; state: Record<string, unknown> } {
    const { key, name, type, length, lock } = this;
    return { type: this instanceof SharedValue ? 'Value' : 'Array', state: { key, name, type, length, lock } };
  }
}

/** One shared number of a given type code (`'i'` int32, `'d'` double, ...). */
export class SharedValue extends Shared {
  constructor(type: string, init = 0, opts: { lock?: boolean | RLock } | SharedState = {}) {
    super('Value', type, 'key' in opts ? (opts as SharedState) : [init], 'key' in opts ? false : (opts.lock ?? true));
  }

  /** Reads the value. */
  get(): Promise<number> {
    return this.read(0);
  }

  /** Writes the value. */
  set(v: number): void {
    this.write(0, v);
  }
}

/** A fixed-length shared array of numbers of one type code. */
export class SharedArray extends Shared {
  constructor(type: string, values: number[] | number, opts: { lock?: boolean | RLock } | SharedState = {}) {
    const init = typeof values === 'number' ? new globalThis.Array<number>(values).fill(0) : values;
    super('Array', type, 'key' in opts ? (opts as SharedState) : init, 'key' in opts ? false : (opts.lock ?? true));
  }

  /** Reads element `i`. */
  get(i: number): Promise<number> {
    return this.read(i);
  }

  /** Writes element `i`. */
  set(i: number, v: number): void {
    this.write(i, v);
  }

  /** Reads all elements. */
  async toArray(): Promise<number[]> {
    return (await ask({ op: 'data', obj: this.key, m: 'all' })).value as number[];
  }
}

async function managed(name: string, key: string, m: string, args: unknown[] = [], label = m): Promise<unknown> {
  const span = rec.begin(Cat.WaitManager, `${name}.${label}`, '', key, waitLocation(key));
  try {
    const res = await ask({ op: 'data', obj: key, m, args: pack(args) as unknown[] });
    return unpack(res.value);
  } finally {
    rec.end(span, Status.Ok);
  }
}

/** A dict held by the Manager; every operation is a round trip. */
export class DictProxy<K = unknown, V = unknown> implements Shareable {
  constructor(
    readonly key: string,
    readonly name: string,
  ) {}
  /** Value of `k`, or `dflt`. */
  get(k: K, dflt?: V): Promise<V | undefined> {
    return managed(this.name, this.key, 'get', [k, dflt]) as Promise<V | undefined>;
  }
  /** Sets `k` to `v`. */
  async set(k: K, v: V): Promise<void> {
    await managed(this.name, this.key, 'set', [k, v]);
  }
  /** Removes `k`; true if it was there. */
  delete(k: K): Promise<boolean> {
    return managed(this.name, this.key, 'delete', [k]) as Promise<boolean>;
  }
  /** Whether `k` is there. */
  has(k: K): Promise<boolean> {
    return managed(this.name, this.key, 'has', [k]) as Promise<boolean>;
  }
  /** Number of entries. */
  size(): Promise<number> {
    return managed(this.name, this.key, 'size') as Promise<number>;
  }
  /** All entries. */
  entries(): Promise<[K, V][]> {
    return managed(this.name, this.key, 'entries') as Promise<[K, V][]>;
  }
  /** A plain copy (keys as strings). */
  async toObject(): Promise<Record<string, V>> {
    return Object.fromEntries((await this.entries()).map(([k, v]) => [String(k), v]));
  }
  toShared(): { type: string; state: Record<string, unknown> } {
    return { type: 'DictProxy', state: { key: this.key, name: this.name } };
  }
}

/** A list held by the Manager; every operation is a round trip. */
export class ListProxy<T = unknown> implements Shareable {
  constructor(
    readonly key: string,
    readonly name: string,
  ) {}
  /** Element `i`. */
  get(i: number): Promise<T> {
    return managed(this.name, this.key, 'get', [i]) as Promise<T>;
  }
  /** Sets element `i`. */
  async set(i: number, v: T): Promise<void> {
    await managed(this.name, this.key, 'set', [i, v]);
  }
  /** Appends items; resolves with the new length. */
  append(...items: T[]): Promise<number> {
    return managed(this.name, this.key, 'push', items, 'append') as Promise<number>;
  }
  /** Removes and returns the last item. */
  pop(): Promise<T | undefined> {
    return managed(this.name, this.key, 'pop') as Promise<T | undefined>;
  }
  /** Number of items. */
  size(): Promise<number> {
    return managed(this.name, this.key, 'size') as Promise<number>;
  }
  /** A copy of all items. */
  toArray(): Promise<T[]> {
    return managed(this.name, this.key, 'all', [], 'toArray') as Promise<T[]>;
  }
  toShared(): { type: string; state: Record<string, unknown> } {
    return { type: 'ListProxy', state: { key: this.key, name: this.name } };
  }
}

/** multiprocessing's SyncManager: shared dicts and lists (kept by the broker of the run). */
export class SyncManager {
  private readonly ref: ObjRef;
  constructor() {
    this.ref = createObj('manager', 'Manager', ObjType.Manager, -1, undefined, undefined);
  }
  /** A new shared dict, optionally filled from `init`. */
  dict<K = string, V = unknown>(init?: Record<string, V> | [K, V][]): DictProxy<K, V> {
    const entries = init ? (Array.isArray(init) ? init : Object.entries(init)) : [];
    const r = createObj('dict', `${this.ref.name}.dict`, ObjType.Manager, -1, undefined, {
      kind: 'dict',
      value: pack(entries),
    });
    return new DictProxy(r.key, r.name);
  }
  /** A new shared list. */
  list<T = unknown>(init: T[] = []): ListProxy<T> {
    const r = createObj('list', `${this.ref.name}.list`, ObjType.Manager, -1, undefined, {
      kind: 'list',
      value: pack(init),
    });
    return new ListProxy(r.key, r.name);
  }
  /** Nothing to stop: the broker lives as long as the root process. */
  shutdown(): void {}
  [Symbol.dispose](): void {}
  async [Symbol.asyncDispose](): Promise<void> {}
}

/** Creates a Manager (multiprocessing's `Manager()`). */
export function Manager(): SyncManager {
  return new SyncManager();
}

registerShared('Value', (s) => new SharedValue(s.type as string, 0, s as unknown as SharedState));
registerShared('Array', (s) => new SharedArray(s.type as string, 0, s as unknown as SharedState));
registerShared('DictProxy', (s) => new DictProxy(s.key as string, s.name as string));
registerShared('ListProxy', (s) => new ListProxy(s.key as string, s.name as string));
