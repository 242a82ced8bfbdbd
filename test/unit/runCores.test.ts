// The run machine's core count: the runner's RunStart carries it (a field older traces lack), the store
// and the Chrome export/import keep it, and the analyses compare busy processes with it instead of the
// viewer's count, saying "cores of this machine" only when the trace does not say.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCores } from '../../common/analysis';
import { toChromeTrace } from '../../common/chrome/export';
import { fromChromeTrace } from '../../common/chrome/import';
import type { TraceEvent } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { RecordEncoder, WireDecoder } from '../../common/wire';
import { findingsOf } from '../../webview/findingsModel';
import { at, Cat, Kind, Role, TraceBuilder } from './analysis-trace';

/** Three processes running side by side for 100 ms; the runner's RunStart says `cores` (none: no RunStart). */
function threeBusy(cores?: number): TraceStore {
  const b = new TraceBuilder()
    .proc(41, 0, 101, { role: Role.Root })
    .span(41, Cat.WaitJoin, 0, 100, { obj: 'proc:42', name: 'join' });
  for (const pid of [42, 43, 44]) b.proc(pid, 0, 100, { ppid: 41 }).span(pid, Cat.Run, 0, 100);
  if (cores !== undefined)
    b.events.push({ kind: Kind.RunStart, t: at(0), pid: 0, tid: 0, snippet: 'three.py', runtime: 'python', cores });
  return b.build().store;
}

const oversubscription = (store: TraceStore, local: number): string | undefined =>
  findingsOf(store, { ...runCores(store, local), inversions: [] }).limiters.find((l) => l.title.startsWith('More'))
    ?.text;

test('a RunStart written before the cores field existed still decodes, with cores 0 (unknown)', () => {
  const enc = new RecordEncoder();
  enc.add(Kind.RunStart, 5, 0, 0, ['old.py', 'python', 7]);
  const full = enc.take();
  // The same record as an older runner wrote it: 4 bytes shorter, without the last field.
  const old = full.slice(0, full.length - 4);
  const v = new DataView(old.buffer);
  let off = 0;
  while (v.getUint8(off + 4) !== Kind.RunStart) off += v.getUint32(off, true);
  v.setUint32(off, v.getUint32(off, true) - 4, true);
  const got: TraceEvent[] = [];
  new WireDecoder((e) => got.push(e)).push(old);
  assert.deepEqual(
    got.map((e) => e.kind === Kind.RunStart && [e.snippet, e.runtime, e.cores]),
    [['old.py', 'python', 0]],
  );
  const fresh: TraceEvent[] = [];
  new WireDecoder((e) => fresh.push(e)).push(full);
  assert.equal(fresh[0].kind === Kind.RunStart && fresh[0].cores, 7);
});

test('the store, and a Chrome export imported again, keep the run machine\u2019s cores', () => {
  const store = threeBusy(16);
  assert.equal(store.run().cores, 16);
  const again = new TraceStore();
  for (const c of fromChromeTrace(JSON.parse(JSON.stringify(toChromeTrace(store)))).chunks) again.ingest(c);
  assert.equal(again.run().cores, 16);
  // An export from before the field: unknown.
  const json = JSON.parse(JSON.stringify(toChromeTrace(store))) as { otherData: Record<string, { run: object }> };
  for (const own of Object.values(json.otherData)) delete (own.run as { cores?: number }).cores;
  const older = new TraceStore();
  for (const c of fromChromeTrace(json).chunks) older.ingest(c);
  assert.equal(older.run().cores, 0);
  assert.equal(threeBusy().run().cores, 0);
});

test('busy processes are compared with the run machine\u2019s cores whatever this machine has', () => {
  assert.deepEqual(runCores(threeBusy(2), 64), { cores: 2, coresLocal: false });
  assert.equal(
    oversubscription(threeBusy(2), 64),
    'Up to 3 processes were running at once on 2 cores, for 100 ms (99% of the run); the extra ones only take turns.',
  );
  // The run machine had enough cores: no limiter, even where the viewer has one core.
  assert.equal(oversubscription(threeBusy(8), 1), undefined);
});

test('a trace that does not say falls back to this machine\u2019s cores and says so', () => {
  assert.deepEqual(runCores(threeBusy(), 2), { cores: 2, coresLocal: true });
  assert.equal(
    oversubscription(threeBusy(), 2),
    'Up to 3 processes were running at once on 2 cores of this machine, for 100 ms (99% of the run); the extra ones only take turns.',
  );
});
