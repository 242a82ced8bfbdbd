/**
 * Passing library objects (queues, locks, pipes, values, ...) to other processes: they travel as
 * small markers `{ [MARK]: type, state }` and are rebuilt on the other side around the same broker
 * key, the way Python pickles a proxy. Everything else is copied by V8's structured clone.
 */

/** Key of the marker property. */
const MARK = '__concurrencyLens';

/** Implemented by library objects that can be sent to another process. */
export interface Shareable {
  /** Type name and the state needed to rebuild the object elsewhere. */
  toShared(): { type: string; state: Record<string, unknown> };
}

const revivers = new Map<string, (state: Record<string, unknown>) => unknown>();

/** Registers how to rebuild objects of `type`. */
export function registerShared(type: string, revive: (state: Record<string, unknown>) => unknown): void {
  revivers.set(type, revive);
}

function isShareable(v: object): v is Shareable {
  return typeof (v as Partial<Shareable>).toShared === 'function';
}

/** Replaces library objects inside `v` (arrays and plain objects are walked) by markers. */
export function pack(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (isShareable(v)) {
    const { type, state } = v.toShared();
    return { [MARK]: type, state: pack(state) };
  }
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === null || typeof x !== 'object') continue;
      const p = pack(x);
      if (p !== x) (out ??= v.slice())[i] = p;
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    if (x === null || typeof x !== 'object') continue;
    const p = pack(x);
    if (p !== x) (out ??= { ...v })[k] = p;
  }
  return out ?? v;
}

/** Rebuilds the library objects that `pack` replaced. */
export function unpack(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') v[i] = unpack(x);
    }
    return v;
  }
  const rec = v as Record<string, unknown>;
  if (typeof rec[MARK] === 'string') {
    const revive = revivers.get(rec[MARK]);
    if (!revive) throw new Error(`concurrency-lens: cannot rebuild a shared ${rec[MARK]}`);
    return revive(unpack(rec.state) as Record<string, unknown>);
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  for (const k of Object.keys(rec)) {
    const x = rec[k];
    if (x !== null && typeof x === 'object') rec[k] = unpack(x);
  }
  return v;
}

/** Whether JSON round-trips `v` exactly (finite numbers, strings, booleans, null, arrays, plain objects). */
export function jsonSafe(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth > 8) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          // Fast path for the common array of finite numbers.
          if (typeof x === 'number' ? !Number.isFinite(x) || (x === 0 && 1 / x < 0) : !jsonSafe(x, depth + 1)) {
            return false;
          }
        }
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      for (const k in v) if (!jsonSafe((v as Record<string, unknown>)[k], depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}
