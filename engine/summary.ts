/** The end-of-run summary the CLI prints, computed from the trace store. */
import { availableParallelism } from 'node:os';
import { Cat, ObjType } from '../common/schema';
import { LOST_HINT, lostTotal, lostWords } from '../common/lostWords';
import type { LostRecords, Series, TraceView } from '../common/store/api';

/** Figures of one run. */
export interface RunSummary {
  processes: number;
  threads: number;
  tasks: number;
  wallNs: number;
  /** CPU time of all lanes, from the samples, in ns. */
  cpuNs: number;
  /** `cpuNs` over wall time × cores, 0..1. */
  cpuUtilisation: number;
  cores: number;
  /** Sum of every wait-for-lock span. */
  lockWaitNs: number;
  /** Deepest any queue got, and which one ('' when the run had no queue). */
  peakQueueDepth: number;
  peakQueue: string;
  /** Events that never reached the runner, in all. */
  lostEvents: number;
  /** The same per process and reason (a full ring). */
  lost: LostRecords[];
}

/** Integral of a CPU series: each sample is the share since the previous one (the first covers `firstNs`); -1 (unknown) counts as 0. */
function cpuTime(s: Series, firstNs: number): number {
  let ns = s.count > 0 ? Math.max(0, s.v[0]) * firstNs : 0;
  for (let i = 1; i < s.count; i++) ns += Math.max(0, s.v[i]) * (s.t[i] - s.t[i - 1]);
  return ns;
}

/** Computes the summary of `view` for a run that took `wallNs`. */
export function summarize(view: TraceView, wallNs: number, cores = availableParallelism()): RunSummary {
  let processes = 0;
  let threads = 0;
  let cpuNs = 0;
  let lockWaitNs = 0;
  for (const lane of view.lanes()) {
    if (lane.pid <= 0) continue;
    if (lane.tid === 0) processes++;
    else threads++;
    cpuNs += cpuTime(view.cpu(lane.id), 10e6);
    const spans = view.spans(lane.id);
    for (let i = 0; i < spans.count; i++) {
      if (spans.cat[i] === Cat.WaitLock) lockWaitNs += spans.end[i] - spans.start[i];
    }
  }
  let peakQueueDepth = 0;
  let peakQueue = '';
  for (const obj of view.objects()) {
    if (obj.type !== ObjType.Queue) continue;
    const depth = view.queueDepth(obj.key);
    for (let i = 0; i < depth.count; i++) {
      if (depth.v[i] > peakQueueDepth || peakQueue === '') {
        peakQueueDepth = Math.max(peakQueueDepth, depth.v[i]);
        peakQueue = obj.name || obj.key;
      }
    }
  }
  const cpuUtilisation = wallNs > 0 ? Math.min(1, cpuNs / (wallNs * cores)) : 0;
  return {
    processes,
    threads,
    tasks: view.tasks().length,
    wallNs,
    cpuNs,
    cpuUtilisation,
    cores,
    lockWaitNs,
    peakQueueDepth,
    peakQueue,
    lostEvents: lostTotal(view.lost?.() ?? []),
    lost: [...(view.lost?.() ?? [])],
  };
}

const ms = (ns: number): string => (ns >= 1e9 ? `${(ns / 1e9).toFixed(2)} s` : `${(ns / 1e6).toFixed(1)} ms`);

/** The summary as the lines the CLI prints. */
export function formatSummary(s: RunSummary): string[] {
  const threads = s.threads > 0 ? ` (+${s.threads} thread${s.threads === 1 ? '' : 's'})` : '';
  return [
    `processes      ${s.processes}${threads}`,
    `tasks          ${s.tasks}`,
    `wall time      ${ms(s.wallNs)}`,
    `CPU            ${Math.round(s.cpuUtilisation * 100)}% of ${s.cores} cores (${ms(s.cpuNs)} busy)`,
    `lock wait      ${ms(s.lockWaitNs)} total`,
    `peak queue     ${s.peakQueue ? `${s.peakQueueDepth} (${s.peakQueue})` : 'no queue'}`,
    ...(s.lostEvents > 0 ? [`lost events    ${lostWords(s.lost)}`, `               ${LOST_HINT}`] : []),
  ];
}
