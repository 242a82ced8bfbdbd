/**
 * Who this process (or thread) is within the run: its role, name and the loaded snippet. Set once
 * by the bootstrap; read by every primitive.
 */
import { Role } from '../../common/schema';

/** How a child process or thread finds the code to run in the snippet. */
export type TargetSpec =
  { kind: 'fn'; name: string } | { kind: 'class'; name: string; fields: Record<string, unknown> };

/** The role description a parent hands to a child it forks (env) or a thread (workerData). */
export interface ChildSpec {
  role: Role;
  name: string;
  /** Short name of the snippet file, for messages. */
  snippetName: string;
}

/** Run-wide state of this thread. */
export const ctx = {
  role: Role.Root as Role,
  /** Human name of this process: `MainProcess`, `Process-1`, `PoolWorker-2`, or the user's. */
  name: 'MainProcess',
  /** Thread id (0 = main thread of the process). */
  tid: 0,
  /** The compiled snippet's module exports, once loaded. */
  exports: undefined as Record<string, unknown> | undefined,
  /** The compiled snippet path that children load. */
  snippetJs: '',
  /** The user's snippet path, for messages. */
  snippetName: 'the snippet',
  /** Functions registered with `main(fn)`. */
  mains: [] as (() => unknown)[],
  /** The library's bootstrap script (forked for children). */
  bootJs: '',
  /** Object counter for keys `type:<pid>:<n>`. */
  objSeq: 0,
};

/** True in the root process of the run (main thread). */
export function isRoot(): boolean {
  return ctx.role === Role.Root && ctx.tid === 0;
}

/** A run-unique key for a new object of `type`. */
export function newKey(type: string): string {
  const who = ctx.tid === 0 ? `${process.pid}` : `${process.pid}t${ctx.tid}`;
  return `${type}:${who}:${++ctx.objSeq}`;
}

/** Finds an exported function or class by name, or throws saying what to export. */
export function lookupExport(name: string, what: string): unknown {
  const exp = ctx.exports ?? (require.cache[ctx.snippetJs]?.exports as Record<string, unknown> | undefined) ?? {};
  if (name && typeof exp[name] === 'function') return exp[name];
  if (!name) {
    throw new Error(
      `${what} is an anonymous function: child processes find functions by their exported name, so declare it as ` +
        `\`export function myTask(...)\` in ${ctx.snippetName}`,
    );
  }
  throw new Error(
    `${what} "${name}" is not exported from ${ctx.snippetName}: child processes load the snippet and look functions ` +
      `up by name, so add \`export\` to its declaration (export function ${name} ...)`,
  );
}

/** Checks in the parent that `fn` is reachable by name from a child (same function exported). */
export function exportedName(fn: unknown, what: string): string {
  const name = typeof fn === 'function' ? fn.name : '';
  const found = lookupExport(name, what);
  if (found !== fn) {
    throw new Error(`${what} "${name}" exported from ${ctx.snippetName} is a different function than the one passed`);
  }
  return name;
}
