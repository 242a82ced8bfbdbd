/**
 * Reads process facts from Linux `/proc`: parent, group, session, state and start time of a pid, its
 * threads and their CPU time, and whether its environment carries a given variable. Elsewhere every
 * function answers "unknown" and `HAS_PROCFS` is false.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';

/** True where `/proc` can be read (Linux). */
export const HAS_PROCFS = process.platform === 'linux' && existsSync('/proc/self/stat');

const scratch = Buffer.alloc(4096);

/** Reads a small /proc file (stat, schedstat) into a reused buffer: the sampler and the scans read hundreds a second. */
function readSmall(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const n = readSync(fd, scratch, 0, scratch.length, 0);
    return scratch.toString('latin1', 0, n);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Facts from `/proc/<pid>/stat`. `start` is the start time in clock ticks since boot (detects pid reuse). */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  state: string;
  start: number;
}

/** Parses `/proc/<pid>/stat`, or undefined if the process is gone. */
export function readProc(pid: number): ProcInfo | undefined {
  const text = readSmall(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: f[0], ppid: +f[1], pgid: +f[2], sid: +f[3], start: +f[19] };
}

/** Every process visible in `/proc`. */
export function listProcs(): ProcInfo[] {
  if (!HAS_PROCFS) return [];
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const info = readProc(+name);
    if (info) out.push(info);
  }
  return out;
}

/** True if the process is gone, a zombie or dead (nothing left to stop). */
export function isGone(info: ProcInfo | undefined): boolean {
  return !info || info.state === 'Z' || info.state === 'X' || info.state === 'x';
}

/** Whether `/proc/<pid>/environ` contains the exact `NAME=value` entry `entry`. */
export function environHas(pid: number, entry: Buffer): boolean {
  let env: Buffer;
  try {
    env = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false;
  }
  for (let i = env.indexOf(entry); i >= 0; i = env.indexOf(entry, i + 1)) {
    const end = i + entry.length;
    if ((i === 0 || env[i - 1] === 0) && (end === env.length || env[end] === 0)) return true;
  }
  return false;
}

/** Thread ids of a process. */
export function threadIds(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

const TICK_NS = 1e7; // USER_HZ is 100 on every Linux ABI
const HAS_SCHEDSTAT = HAS_PROCFS && existsSync('/proc/self/schedstat');

/** CPU time a thread has used, in ns (scheduler statistics when present, else the tick counters). */
export function threadCpuNs(pid: number, tid: number): number | undefined {
  if (HAS_SCHEDSTAT) {
    const s = readSmall(`/proc/${pid}/task/${tid}/schedstat`);
    return s === undefined ? undefined : parseInt(s, 10);
  }
  const text = readSmall(`/proc/${pid}/task/${tid}/stat`);
  if (text === undefined) return undefined;
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (+f[11] + +f[12]) * TICK_NS;
}
