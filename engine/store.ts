/** Creates the trace store the engine fills (`common/store`). */
import type { Chunk } from '../common/protocol';
import { TraceStore } from '../common/store';
import type { TraceView } from '../common/store/api';

/** A trace view that can be fed record chunks. */
export type IngestingStore = TraceView & { ingest(chunk: Chunk): void };

/** A new, empty trace store. */
export function createStore(): IngestingStore {
  return new TraceStore();
}
