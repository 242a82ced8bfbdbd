/** The per-run private directory (mode 0700) and the socket path inside it. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Unix socket paths must stay below ~104 bytes (108 on Linux, 104 on macOS). */
const MAX_SOCKET_PATH = 100;

/** Creates the run's private directory and picks its socket path. */
export function makeRunDir(): { dir: string; socket: string } {
  if (process.platform === 'win32') {
    const dir = mkdtempSync(join(tmpdir(), 'cl-'));
    return { dir, socket: `\\\\.\\pipe\\concurrency-lens-${randomBytes(12).toString('hex')}` };
  }
  let dir = mkdtempSync(join(tmpdir(), 'cl-'));
  if (join(dir, 's').length >= MAX_SOCKET_PATH) {
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync('/tmp/cl-');
  }
  return { dir, socket: join(dir, 's') };
}

/** Removes a run directory and everything in it (never throws). */
export function removeRunDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // best effort: the OS cleans the temp dir eventually
  }
}
