/**
 * Makes sure no process of a run outlives the runner: on the runner's own exit every live run's tree
 * is killed synchronously; on SIGINT/SIGTERM/SIGHUP live runs are stopped, and when nobody else
 * handles the signal it is raised again afterwards so the runner still ends as the signal asks.
 */

/** What the hook needs from a live run. */
export interface LiveRun {
  /** Synchronous: freeze and SIGKILL the whole tree. */
  killNow(): void;
  /** Graceful stop; resolves when nothing of the run is left. */
  stop(): Promise<void>;
}

const live = new Set<LiveRun>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

function onExit(): void {
  for (const r of live) r.killNow();
}

function onSignal(sig: NodeJS.Signals): void {
  const alone = process.listenerCount(sig) === 1;
  const stops = Promise.all([...live].map((r) => r.stop().catch(() => {})));
  if (!alone) return;
  void stops.finally(() => {
    uninstall();
    process.kill(process.pid, sig);
  });
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/** Registers a live run until the returned function is called. */
export function trackRun(run: LiveRun): () => void {
  live.add(run);
  install();
  return () => {
    live.delete(run);
    if (live.size === 0) uninstall();
  };
}
