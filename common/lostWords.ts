/** The words that tell a user that some events of a run never reached the runner (CLI summary, panel, JSON). */
import type { LostRecords } from './store/api';

/** What a user can do about lost events. */
export const LOST_HINT =
  'the process wrote events faster than they could be sent, so the trace misses some of them; ' +
  'record less in tight loops (fewer prints, marks or lock operations per millisecond) to see them all';

/** Total events lost. */
export function lostTotal(lost: readonly LostRecords[]): number {
  let n = 0;
  for (const l of lost) n += l.count;
  return n;
}

/** "N events were not recorded (process P: ring full)", or '' when nothing was lost. */
export function lostWords(lost: readonly LostRecords[]): string {
  const total = lostTotal(lost);
  if (total === 0) return '';
  const each = lost.filter((l) => l.count > 0);
  const why = each.map((l) => `process ${l.pid}: ${each.length > 1 ? `${l.count} ` : ''}${l.reason}`).join('; ');
  return `${total} event${total === 1 ? ' was' : 's were'} not recorded (${why})`;
}
