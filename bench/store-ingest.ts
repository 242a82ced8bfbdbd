// Trace store benchmark: ingest 1,000,000 events from 16 interleaved connections, then time
// "spans of lane L between t0 and t1". Peers in the same run: decoding alone (the floor for
// ingest) and a linear scan over the same columns (what spanRange/forEachSpan replace).
// Run (bundled, as the panel and CLI run it; tsx adds per-closure overhead):
//   npx esbuild bench/store-ingest.ts --bundle --platform=node --outfile=dist/bench/store-ingest.js && node --expose-gc dist/bench/store-ingest.js [events]
import { Cat, Kind, Role, Status } from '../common/schema';
import { RecordEncoder, WireDecoder } from '../common/wire';
import { TraceStore } from '../common/store';
import { toChromeTrace } from '../common/chrome/export';
import { fromChromeTrace } from '../common/chrome/import';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const LANES = 16;
const T0 = 1e13;

/** One connection per process: nested task / wait / hold spans, lock and queue records, samples. */
function makeStreams(): { conn: number; bytes: Uint8Array }[] {
  const perLane = Math.ceil(EVENTS / LANES);
  const chunks: { conn: number; bytes: Uint8Array }[][] = [];
  let total = 0;
  for (let lane = 0; lane < LANES; lane++) {
    const enc = new RecordEncoder();
    const pid = 1000 + lane;
    const out: { conn: number; bytes: Uint8Array }[] = [];
    let t = T0 + lane * 137; // processes start slightly apart, so connections interleave out of order
    let n = 0;
    const add = (kind: number, f: (number | string)[]): void => {
      enc.add(kind, t, pid, 0, f);
      n++;
      if (n % 4096 === 0) out.push({ conn: lane, bytes: enc.take() });
    };
    add(Kind.ProcStart, [999, `worker-${lane}`, Role.PoolWorker]);
    add(Kind.Begin, [1, Cat.Run, 'run', '', '', 'bench.ts:1:1']);
    let span = 2;
    for (let i = 0; n < perLane - 2; i++) {
      const task = span++;
      add(Kind.Begin, [task, Cat.Task, 'square', `${i}`, 'pool:1:1', 'bench.ts:5:1']);
      t += 1000;
      const wait = span++;
      add(Kind.Begin, [wait, Cat.WaitLock, 'acquire', '', 'lock:1:1', 'bench.ts:7:3']);
      t += 500 + (i % 7) * 100;
      add(Kind.End, [wait, Status.Ok]);
      add(Kind.LockAcquire, ['lock:1:1', 0, 1, 'bench.ts:7:3']);
      const hold = span++;
      add(Kind.Begin, [hold, Cat.Hold, 'hold', '', 'lock:1:1', '']);
      t += 2000;
      add(Kind.End, [hold, Status.Ok]);
      add(Kind.LockRelease, ['lock:1:1']);
      add(Kind.QueuePut, ['queue:1:1', i, -1]);
      t += 300;
      add(Kind.End, [task, Status.Ok]);
      if (i % 4 === 0) add(Kind.Sample, [0.8, 0.4]);
    }
    add(Kind.End, [1, Status.Ok]);
    add(Kind.ProcExit, [0, '']);
    out.push({ conn: lane, bytes: enc.take() });
    total += n;
    chunks.push(out);
  }
  // Round-robin over connections, as the collector would forward them.
  const merged: { conn: number; bytes: Uint8Array }[] = [];
  for (let i = 0; chunks.some((c) => i < c.length); i++) for (const c of chunks) if (i < c.length) merged.push(c[i]);
  console.log(`events: ${total.toLocaleString()} in ${merged.length} chunks`);
  return merged;
}

function time<T>(fn: () => T): [T, number] {
  const s = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - s) / 1e6];
}

const streams = makeStreams();
const bytes = streams.reduce((a, c) => a + c.bytes.length, 0);
console.log(`wire bytes: ${(bytes / 1e6).toFixed(1)} MB`);

const [, decodeMs] = time(() => {
  const decs = new Map<number, WireDecoder>();
  let n = 0;
  for (const c of streams) {
    let d = decs.get(c.conn);
    if (!d) decs.set(c.conn, (d = new WireDecoder(() => n++)));
    d.push(c.bytes);
  }
  return n;
});
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const [store, ingestMs] = time(() => {
  const s = new TraceStore();
  for (const c of streams) s.ingest(c);
  return s;
});
globalThis.gc?.();
const heapAfter = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const size = store.byteSize();
const events = EVENTS;
if (globalThis.gc)
  console.log(
    `store memory: ${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB = ${((heapAfter - heapBefore) / events).toFixed(0)} bytes/event (heap + typed arrays, after GC)`,
  );
console.log(
  `decode only (peer): ${decodeMs.toFixed(0)} ms = ${(((events / decodeMs) * 1000) / 1e6).toFixed(2)} M events/s`,
);
console.log(
  `ingest into store: ${ingestMs.toFixed(0)} ms = ${(((events / ingestMs) * 1000) / 1e6).toFixed(2)} M events/s`,
);
console.log(
  `spans: ${size.spanCount.toLocaleString()}, span columns ${(size.spans / 1e6).toFixed(1)} MB = ${(size.spans / size.spanCount).toFixed(1)} bytes/span (capacity incl. growth headroom)`,
);

// Queries: 20,000 random windows of 0.1% of the trace on random lanes.
const end = store.now;
let seed = 1;
const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
const queries = Array.from({ length: 20_000 }, () => {
  const t0 = rnd() * end;
  return [Math.floor(rnd() * LANES), t0, t0 + end / 1000] as const;
});
let hits = 0;
const [, fastMs] = time(() => {
  for (const [lane, t0, t1] of queries) store.forEachSpan(lane, t0, t1, () => hits++);
});
let rangeWidth = 0;
const [, rangeMs] = time(() => {
  for (const [lane, t0, t1] of queries) {
    const [lo, hi] = store.spanRange(lane, t0, t1);
    rangeWidth += hi - lo;
  }
});
let scanHits = 0;
const [, scanMs] = time(() => {
  for (const [lane, t0, t1] of queries.slice(0, 500)) {
    const c = store.spans(lane);
    for (let i = 0; i < c.count; i++) if (c.start[i] <= t1 && c.end[i] >= t0) scanHits++;
  }
});
const perQ = (ms: number, n: number): string => `${((ms * 1000) / n).toFixed(2)} µs/query`;
console.log(`forEachSpan: ${perQ(fastMs, queries.length)} (${(hits / queries.length).toFixed(1)} spans/query)`);
console.log(
  `spanRange alone: ${perQ(rangeMs, queries.length)} (range holds ${(rangeWidth / queries.length).toFixed(0)} rows: the open-for-the-whole-run Run span sits at index 0)`,
);
console.log(`linear scan (peer): ${perQ(scanMs, 500)} (${(scanHits / 500).toFixed(1)} spans/query)`);
const d = store.queueDepth('queue:1:1');
console.log(`queue depth series: ${d.count.toLocaleString()} points, last ${d.v[d.count - 1]}`);

// Chrome trace export and re-import of the same trace.
const [json, exportMs] = time(() => JSON.stringify(toChromeTrace(store)));
const [imported, importMs] = time(() => fromChromeTrace(json));
const [again, reingestMs] = time(() => {
  const s = new TraceStore();
  for (const c of imported.chunks) s.ingest(c);
  return s;
});
console.log(`export to Chrome JSON: ${exportMs.toFixed(0)} ms, ${(json.length / 1e6).toFixed(0)} MB`);
console.log(`import (parse checks + re-encode): ${importMs.toFixed(0)} ms; ingest again: ${reingestMs.toFixed(0)} ms`);
console.log(
  `spans after round trip: ${again.byteSize().spanCount.toLocaleString()} (before: ${size.spanCount.toLocaleString()})`,
);
