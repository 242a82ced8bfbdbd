// Finds the processes of a Concurrency Lens run by scanning /proc: every process of a run carries
// the run's socket in its environment (`ENV.socket`), which is what "left over" means after Stop.
import { readdirSync, readFileSync } from 'node:fs';
import { ENV } from '../../common/schema';

/** A live (non-zombie) process that belongs to a run. */
export interface RunProcess {
  pid: number;
  socket: string;
  cmdline: string;
}

/** Every live process whose environment names a Concurrency Lens run socket (under `within`, if given). */
export function findRunProcesses(within?: string): RunProcess[] {
  const out: RunProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const env = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      const sock = env.find((e) => e.startsWith(`${ENV.socket}=`));
      if (!sock) continue;
      const socket = sock.slice(ENV.socket.length + 1);
      if (within && !socket.startsWith(within)) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), socket, cmdline });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}
