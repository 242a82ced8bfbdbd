/** The banner `concurrency-lens run` prints to stderr the moment a deadlock is detected. */
import type { RunDeadlock } from '../liveDeadlock';

/** Lines of the banner for `d`; `stopping` when `--stop-on-deadlock` ends the run now. */
export function deadlockBanner(d: RunDeadlock, stopping: boolean, timeoutS: number): string[] {
  const head = d.kind === 'stall' ? 'Stall' : 'Deadlock';
  const lines = ['', `!! ${head}: ${d.sentence}`];
  for (const s of d.steps) {
    if (s.alive && s.loc) lines.push(`   ${s.label} is blocked at ${s.loc}`);
  }
  lines.push(
    stopping
      ? '   Stopping the run (--stop-on-deadlock).'
      : `   Press Ctrl-C to stop, or wait for the time limit (${timeoutS} s).`,
    '',
  );
  return lines;
}
