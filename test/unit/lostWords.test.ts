// Lost records (`Lost`) are kept per process and reason in the store and told in the summary's words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toChromeTrace } from '../../common/chrome/export';
import { fromChromeTrace } from '../../common/chrome/import';
import { LOST_HINT, lostWords } from '../../common/lostWords';
import { Kind, type TraceEvent } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { RecordEncoder } from '../../common/wire';
import { formatSummary, summarize } from '../../engine/summary';

const lost = (pid: number, count: number, t: number, reason = 'ring full'): TraceEvent => ({
  kind: Kind.Lost,
  t,
  pid,
  tid: 0,
  count,
  reason,
});

test('the store sums Lost records per process and reason; the summary names them with a hint', () => {
  const store = new TraceStore();
  store.add({ kind: Kind.ProcStart, t: 1, pid: 10, tid: 0, ppid: 0, name: 'MainProcess', role: 0 });
  store.add(lost(10, 5, 2));
  store.add(lost(10, 7, 3));
  assert.deepEqual(store.lost(), [{ pid: 10, count: 12, reason: 'ring full' }]);
  const lines = formatSummary(summarize(store, 1e9, 2));
  assert.ok(lines.includes('lost events    12 events were not recorded (process 10: ring full)'), lines.join('\n'));
  assert.ok(lines.includes(`               ${LOST_HINT}`));
  store.add(lost(11, 1, 4));
  assert.equal(
    lostWords(store.lost()),
    '13 events were not recorded (process 10: 12 ring full; process 11: 1 ring full)',
  );
});

test('a run that lost nothing says nothing about it; one lost event reads in the singular', () => {
  const store = new TraceStore();
  store.add({ kind: Kind.ProcStart, t: 1, pid: 10, tid: 0, ppid: 0, name: 'MainProcess', role: 0 });
  assert.ok(!formatSummary(summarize(store, 1e9, 2)).some((l) => l.includes('lost')));
  assert.equal(
    lostWords([{ pid: 3, count: 1, reason: 'ring full' }]),
    '1 event was not recorded (process 3: ring full)',
  );
});

test('Lost records travel on the wire (reason inline) and reach the store through a connection', () => {
  const enc = new RecordEncoder();
  enc.add(Kind.Lost, 5, 42, 0, [3, 'ring full']);
  const store = new TraceStore();
  store.ingest({ conn: 1, bytes: enc.take() });
  assert.deepEqual(store.lost(), [{ pid: 42, count: 3, reason: 'ring full' }]);
});

/** The store a saved Chrome trace (`json`) reopens as. */
function reopen(json: unknown): TraceStore {
  const store = new TraceStore();
  for (const c of fromChromeTrace(json).chunks) store.ingest(c);
  return store;
}

/** A run whose two processes lost records, for two reasons in one of them. */
function twoLosing(): TraceStore {
  const store = new TraceStore();
  store.add({ kind: Kind.RunStart, t: 0, pid: 0, tid: 0, snippet: 'x.js', runtime: 'node', cores: 2 });
  for (const pid of [10, 11]) store.add({ kind: Kind.ProcStart, t: 1, pid, tid: 0, ppid: 0, name: `p${pid}`, role: 0 });
  store.add(lost(10, 5, 2));
  store.add(lost(11, 2, 3));
  store.add({ ...lost(10, 7, 4), tid: 3 });
  store.add(lost(11, 1, 5, 'exit before flush'));
  return store;
}

/** A Chrome export as saved to a file and read back. */
const saved = (store: TraceStore): { otherData: Record<string, { lost?: unknown }> } =>
  JSON.parse(JSON.stringify(toChromeTrace(store))) as { otherData: Record<string, { lost?: unknown }> };

test('a Chrome export imported again keeps the lost records per process and reason; an older export has none', () => {
  const store = twoLosing();
  const json = saved(store);
  assert.deepEqual(reopen(json).lost(), [
    { pid: 10, count: 12, reason: 'ring full' },
    { pid: 11, count: 2, reason: 'ring full' },
    { pid: 11, count: 1, reason: 'exit before flush' },
  ]);
  assert.equal(lostWords(reopen(json).lost()), lostWords(store.lost()));
  for (const own of Object.values(json.otherData)) delete own.lost;
  assert.deepEqual(reopen(json).lost(), []);
});

test('a malformed lost entry in an imported trace is named by its path', () => {
  const json = saved(twoLosing());
  for (const own of Object.values(json.otherData)) own.lost = [{ pid: 1, count: '3', reason: 'ring full' }];
  assert.throws(() => fromChromeTrace(json), /otherData\.concurrencyLens\.lost\[0\]\.count must be a number/);
});
