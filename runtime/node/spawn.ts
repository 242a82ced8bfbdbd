/**
 * Forking a child process of the run: the same bootstrap with a role, the process limit, and the
 * parent's share of its exit record (a child killed by a signal cannot write its own).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, Kind, type Role } from '../../common/schema';
import { serveBroker } from './broker-client';
import { ctx, isRoot, type ChildSpec } from './context';
import { rec } from './recorder';

/** Environment variable carrying a child's `ChildSpec` (removed by the child at boot). */
export const CHILD_ENV = 'CONCURRENCY_LENS_CHILD';

let slotHint = 1;

function freeSlot(slot: string | undefined): void {
  if (!slot) return;
  try {
    unlinkSync(slot);
  } catch {
    // the run directory is gone
  }
}

/**
 * Takes one of the run's process slots (files in the run directory), or throws at the limit. The
 * limit counts processes alive at once, the root included; the parent frees the slot at exit.
 */
function claimSlot(name: string): string | undefined {
  const max = Number(process.env[ENV.maxProcs]);
  const dir = process.env[ENV.runDir];
  if (!max || !dir) return undefined;
  const slots = join(dir, 'proc-slots');
  mkdirSync(slots, { recursive: true });
  // The root process holds slot 0; children claim 1..max-1, first come first served.
  for (let n = 0; n < max - 1; n++) {
    const i = ((slotHint + n - 1) % (max - 1)) + 1;
    const slot = join(slots, String(i));
    try {
      closeSync(openSync(slot, 'wx'));
      slotHint = i + 1;
      return slot;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error(
    `process limit reached: this run may have at most ${max} processes at once (${ENV.maxProcs}), so "${name}" was not started`,
  );
}

/** Forks a child running the snippet in `role`; records its exit if it died by a signal. */
export function spawnChild(role: Role, name: string): ChildProcess {
  const slot = claimSlot(name);
  if (isRoot()) serveBroker();
  const spec: ChildSpec = { role, name, snippetName: ctx.snippetName };
  const child = fork(ctx.bootJs, [ctx.snippetJs], {
    env: { ...process.env, [CHILD_ENV]: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  child.on('exit', (code, signal) => {
    freeSlot(slot);
    if (signal && child.pid) rec.event(Kind.ProcExit, [-1, signal], [1], 0, child.pid);
  });
  child.on('error', () => freeSlot(slot));
  return child;
}
