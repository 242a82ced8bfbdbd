/** Waiting for something with an optional timeout, recorded as a wait span at the caller's location. */
import { Status, type Cat } from '../../common/schema';
import { callerLocation } from './location';
import { rec } from './recorder';

/**
 * Waits for `done`, at most `timeout` ms, inside a span of `cat` (ended Ok, or Timeout if the time ran
 * out); resolves true if `done` settled in time. `obj` names what is waited for (a join's
 * `proc:<pid>` / `thread:<pid>:<tid>`, which the deadlock detector follows). `from` is when and where
 * the wait really began, for a caller that had to learn `obj` first.
 */
export async function waitRecorded(
  cat: Cat,
  name: string,
  detail: string,
  done: Promise<unknown>,
  timeout?: number,
  obj = '',
  from?: { t: number; loc: string },
): Promise<boolean> {
  const span = rec.begin(cat, name, detail, obj, from?.loc ?? callerLocation(), from?.t);
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    done.then(() => true),
    ...(timeout === undefined ? [] : [new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeout)))]),
  ]);
  clearTimeout(timer);
  rec.end(span, ended ? Status.Ok : Status.Timeout);
  return ended;
}
