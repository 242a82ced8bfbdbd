/**
 * The process tree of one run: every pid the run is known to own (the root, pids reported by the
 * runtimes, descendants found in `/proc`, and processes that carry the run's token in their
 * environment, which catches grandchildren that called setsid and lost their parent), and the
 * signalling that ends them all.
 */
import { spawnSync } from 'node:child_process';
import { HAS_PROCFS, environHas, isGone, listProcs, readProc, type ProcInfo } from './procfs';

/** Sleeps `ms` milliseconds. */
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The processes of one run, each remembered with its start time so a reused pid is never signalled. */
export class ProcessTree {
  /** pid → start time (clock ticks), or -1 where /proc cannot tell. */
  private readonly members = new Map<number, number>();
  private readonly tokenEntry: Buffer;
  /** Distinct processes ever seen in this run. */
  everSeen = 0;
  /** The last signal that reached a live member ('' before any; SIGSTOP not counted). */
  lastSignal = '';

  constructor(
    readonly rootPid: number,
    envName: string,
    token: string,
  ) {
    this.tokenEntry = Buffer.from(`${envName}=${token}`);
    this.add(rootPid);
  }

  /**
   * Remembers a pid that a process of the run reported (hello, ProcStart), but only if it really belongs
   * to the run: it carries the run's token or descends from a member. A wrong pid is never signalled.
   */
  addReported(pid: number): void {
    if (this.members.has(pid) || !HAS_PROCFS) return this.add(pid);
    const info = readProc(pid);
    if (!info || isGone(info)) return;
    if (environHas(pid, this.tokenEntry) || this.descendsFromMember(info)) this.add(pid, info);
  }

  /** Remembers `pid` as part of the run (found by a scan, so known to belong). */
  private add(pid: number, info: ProcInfo | undefined = HAS_PROCFS ? readProc(pid) : undefined): void {
    if (this.members.has(pid) || pid <= 0 || pid === process.pid) return;
    if (HAS_PROCFS && isGone(info)) return;
    this.members.set(pid, info ? info.start : -1);
    this.everSeen++;
  }

  /**
   * Adds every live descendant of a member (and, with `environ`, every process carrying the run's
   * token). Returns the number of members alive now.
   */
  scan(environ = false): number {
    if (!HAS_PROCFS) return this.alive().length;
    const procs = listProcs();
    const byParent = new Map<number, ProcInfo[]>();
    for (const p of procs) {
      const list = byParent.get(p.ppid);
      if (list) list.push(p);
      else byParent.set(p.ppid, [p]);
    }
    if (environ) {
      for (const p of procs) {
        if (!this.members.has(p.pid) && !isGone(p) && p.pid !== process.pid && environHas(p.pid, this.tokenEntry)) {
          this.add(p.pid, p);
        }
      }
    }
    const live = new Set(procs.filter((p) => this.isMember(p)).map((p) => p.pid));
    const stack = [...live];
    while (stack.length > 0) {
      for (const child of byParent.get(stack.pop()!) ?? []) {
        if (live.has(child.pid) || isGone(child)) continue;
        this.add(child.pid, child);
        live.add(child.pid);
        stack.push(child.pid);
      }
    }
    return live.size;
  }

  /** Members that are still running (not exited, not zombies), pid reuse excluded. */
  alive(): ProcInfo[] {
    const out: ProcInfo[] = [];
    for (const pid of this.members.keys()) {
      if (!HAS_PROCFS) {
        if (signalOk(pid, 0)) out.push({ pid, ppid: 0, pgid: pid, sid: 0, state: 'R', start: -1 });
        continue;
      }
      const info = readProc(pid);
      if (info && this.isMember(info)) out.push(info);
    }
    return out;
  }

  /** Sends `sig` to every live member and to the process groups that members lead. */
  signal(sig: NodeJS.Signals): number {
    const alive = this.alive();
    if (alive.length > 0 && sig !== 'SIGSTOP') this.lastSignal = sig;
    const ownGroup = HAS_PROCFS ? readProc(process.pid)?.pgid : undefined;
    // Groups led by a member (the root's, and those of members that called setsid); without /proc, the root's.
    const groups = new Set<number>(HAS_PROCFS ? [] : [this.rootPid]);
    for (const p of alive) if (p.pgid === this.rootPid || this.members.has(p.pgid)) groups.add(p.pgid);
    for (const g of groups) if (g !== ownGroup && g !== process.pid) signalOk(-g, sig);
    for (const p of alive) signalOk(p.pid, sig);
    return alive.length;
  }

  /**
   * Ends the whole tree: SIGTERM, up to `graceMs` for it to exit, then freeze and SIGKILL whatever is
   * left (repeating the scan, so processes forked meanwhile are caught). Resolves when nothing is left.
   */
  async kill(graceMs: number): Promise<void> {
    if (process.platform === 'win32') {
      // No process groups or /proc: let the OS walk the tree from the root.
      spawnSync('taskkill', ['/pid', String(this.rootPid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    }
    this.scan(true);
    if (graceMs > 0 && this.signal('SIGTERM') > 0) {
      for (let waited = 0; waited < graceMs; waited += 20) {
        await sleep(20);
        if (this.scan(true) === 0) return;
      }
    }
    for (let round = 0; round < 100; round++) {
      this.freeze();
      if (this.signal('SIGKILL') === 0 && this.scan(true) === 0) return;
      await sleep(10);
    }
  }

  /** Synchronous last resort for the runner's own exit: freeze and SIGKILL everything now. */
  killNow(): void {
    this.freeze();
    this.signal('SIGKILL');
  }

  /** Stops (SIGSTOP) every member until a scan finds no new process, so a fork bomb cannot outrun the kill. */
  private freeze(): void {
    let before = -1;
    for (let i = 0; i < 20 && this.everSeen !== before; i++) {
      before = this.everSeen;
      this.scan(i === 0);
      this.signal('SIGSTOP');
    }
  }

  private descendsFromMember(p: ProcInfo): boolean {
    let cur: ProcInfo | undefined = p;
    for (let depth = 0; cur && cur.ppid > 1 && depth < 64; depth++) {
      cur = readProc(cur.ppid);
      if (cur && this.isMember(cur)) return true;
    }
    return false;
  }

  private isMember(p: ProcInfo): boolean {
    const start = this.members.get(p.pid);
    return start !== undefined && (start === -1 || start === p.start) && !isGone(p);
  }
}

function signalOk(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
