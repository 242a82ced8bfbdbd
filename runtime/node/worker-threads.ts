/**
 * `node:worker_threads`, loaded only where a thread is involved: loading it is ~0.5 ms of every
 * process's start, and most processes of a run (pool workers, Process children) never start one.
 */

/** The module, loaded on first use. */
export function workerThreads(): typeof import('node:worker_threads') {
  return require('node:worker_threads') as typeof import('node:worker_threads');
}

/**
 * Set in the environment of a `Thread` (and removed there at boot), so a process's main thread knows
 * it is not one without loading the module.
 */
export const THREAD_ENV = 'CONCURRENCY_LENS_THREAD';

/** Whether this code runs in a thread started by `Thread` (which boots like a process). */
export function isLibraryThread(): boolean {
  if (process.env[THREAD_ENV] === undefined || workerThreads().isMainThread) return false;
  delete process.env[THREAD_ENV];
  return true;
}
