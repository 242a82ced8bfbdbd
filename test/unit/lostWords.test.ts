// Lost records (`Lost`) are kept per process and reason in the store and told in the summary's words.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOST_HINT, lostWords } from '../../common/lostWords';
import { Kind, type TraceEvent } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { RecordEncoder } from '../../common/wire';
import { formatSummary, summarize } from '../../engine/summary';

const lost = (pid: number, count: number, t: number): TraceEvent => ({
  kind: Kind.Lost,
  t,
  pid,
  tid: 0,
  count,
  reason: 'ring full',
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
