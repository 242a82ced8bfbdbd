/** Human descriptions of picked things, for tooltips and the keyboard status line. Pure. */
import type { TraceView } from '../common/store/api';
import { formatDuration, taskLabel } from './layout';
import type { Pick } from './pick';
import { catLabel, STATES, stateOfCat } from './states';

/** Lines of text describing `pick` (first line is the headline). */
export function describePick(view: TraceView, pick: Pick): string[] {
  if (pick.kind === 'lock') {
    const o = view.objects().find((x) => x.key === pick.obj);
    return [
      `${o?.name || pick.obj} (lock)`,
      `at ${formatDuration(pick.t)}: ${pick.holders > 0 ? `held (${pick.holders})` : 'free'}, ${pick.waiters} waiting`,
      ...(o?.loc ? [`created at ${o.loc}`] : []),
    ];
  }
  if (pick.kind === 'queue') {
    const o = view.objects().find((x) => x.key === pick.obj);
    const cap = o && o.capacity > 0 ? ` of maxsize ${o.capacity}` : '';
    return [
      `${o?.name || pick.obj} (queue)`,
      `at ${formatDuration(pick.t)}: ${pick.depth} item(s)${cap}`,
      'click to show the nearest item’s path',
    ];
  }
  const lane = view.lanes()[pick.lane];
  const who = lane
    ? `${lane.name || 'process'} · PID ${lane.pid}${lane.tid ? ` · TID ${lane.tid}` : ''}`
    : `lane ${pick.lane}`;
  if (pick.kind === 'mark' || pick.kind === 'error') {
    const head = pick.kind === 'mark' ? `mark: ${pick.text}` : `error: ${pick.text}`;
    return [head, `at ${formatDuration(pick.t)}`, who, ...(pick.stack ? pick.stack.split('\n').slice(0, 8) : [])];
  }
  const task = pick.task >= 0 ? view.tasks()[pick.task] : undefined;
  const head = task ? taskLabel(task.fn, task.args, 80) : pick.name || catLabel(pick.cat);
  const open = Number.isNaN(pick.end);
  const dur = (open ? view.now : pick.end) - pick.start;
  const lines = [
    head,
    [...new Set([STATES[stateOfCat(pick.cat)].label, catLabel(pick.cat), pick.detail].filter(Boolean))].join(' · '),
    `${formatDuration(pick.start)} → ${open ? 'still running' : formatDuration(pick.end)} (${formatDuration(dur)})`,
    who,
  ];
  if (pick.obj) {
    const o = view.objects().find((x) => x.key === pick.obj);
    lines.push(`object: ${o?.name || pick.obj}`);
  }
  if (task) {
    lines.push(`task #${task.task} of ${task.pool}, submitted by PID ${task.submitPid}, ran in PID ${task.workerPid}`);
    if (Number.isFinite(task.submit) && Number.isFinite(task.start))
      lines.push(`queued ${formatDuration(task.start - task.submit)} before it ran`);
  }
  if (!task && pick.depth > 0 && pick.index >= 0) {
    // Name the task this span happened in (a sleep or wait inside a pool task).
    const c = view.spans(pick.lane);
    for (let i = pick.index - 1; i >= 0 && i >= pick.index - 256; i--) {
      if (c.depth[i] < pick.depth && c.start[i] <= pick.start && c.end[i] >= pick.end && c.task[i] >= 0) {
        const t = view.tasks()[c.task[i]];
        if (t) lines.push(`inside task ${taskLabel(t.fn, t.args, 60)}`);
        break;
      }
    }
  }
  const loc = pick.loc || task?.loc;
  if (loc) lines.push(`${loc} (click to open)`);
  return lines;
}
