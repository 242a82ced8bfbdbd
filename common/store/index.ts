/** The trace store: the read API and its columnar implementation. */
export * from './api';
export { TraceStore, type RunFacts, type StreamProblem } from './traceStore';
export type { TaskRecord } from './taskTable';
export { POINT_KINDS, pointFields } from './pointLog';
export { forEachSpanIn } from './query';
