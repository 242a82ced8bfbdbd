/** The trace store: the read API and its columnar implementation. */
export * from './api';
export { TraceStore, type RunFacts, type StreamProblem } from './traceStore';
export type { LaneTreeRow } from './laneTable';
export type { TaskRecord } from './taskTable';
