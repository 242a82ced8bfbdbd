/**
 * What every shared object has in common: a run-unique key, a human name, its `ObjDecl` record and
 * its state at the broker.
 */
import { Kind, type ObjType } from '../../common/schema';
import { brokerChannel } from './broker-client';
import { newKey } from './context';
import { callerLocation } from './location';
import { rec } from './recorder';

const counts = new Map<string, number>();

/** Identity of a shared object as it travels between processes. */
export interface ObjRef {
  key: string;
  name: string;
}

/** Creates a new object: a key, a default name (`Lock-1`), its declaration and broker state. */
export function createObj(
  prefix: string,
  label: string,
  type: ObjType,
  capacity: number,
  name: string | undefined,
  init: Record<string, unknown> | undefined,
): ObjRef {
  const key = newKey(prefix);
  const n = (counts.get(label) ?? 0) + 1;
  counts.set(label, n);
  const ref = { key, name: name ?? `${label}-${n}` };
  rec.event(Kind.ObjDecl, [key, type, ref.name, capacity, callerLocation()], [0, 2, 4]);
  if (init) brokerChannel().send({ op: 'create', obj: key, ...init });
  return ref;
}

/** Owner identity of this thread for locks. */
export function who(): string {
  return `${process.pid}/${rec.tid}`;
}
