/**
 * Records a Node process drops (its ring stayed full) reach the runner as `Lost` records with the
 * exact count, also when the drops happen right before the process exits. The test ring
 * (`CONCURRENCY_LENS_TEST_RING_BYTES`) is small and drops at once instead of waiting for the flusher,
 * so a synchronous burst of marks (the main thread cannot send while it runs) overflows it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kind } from '../../common/schema';
import { TraceStore } from '../../common/store';
import { ofKind, runCode } from './harness';

const BURST = 20000;
const env = { CONCURRENCY_LENS_TEST_RING_BYTES: '16384' };

const burst = (after: string): string => `
  import { main, mark } from 'concurrency-lens';
  main(async () => {
    for (let i = 0; i < ${BURST}; i++) mark('burst');
    ${after}
  });
`;

test('marks dropped by a full ring are counted exactly: lost = written - received, in the store too', async () => {
  // The pause lets the ring drain before anything else is written, so only marks are dropped.
  const r = await runCode(burst("await new Promise((r) => setTimeout(r, 60)); console.log('done');"), { env });
  assert.equal(r.code, 0, r.stderr);
  const received = ofKind(r.events, Kind.Mark).filter((m) => m.name === 'burst').length;
  const lost = ofKind(r.events, Kind.Lost);
  const total = lost.reduce((n, l) => n + l.count, 0);
  assert.ok(received > 0 && received < BURST, `received ${received} of ${BURST}`);
  assert.equal(total, BURST - received);
  assert.deepEqual(new Set(lost.map((l) => l.reason)), new Set(['ring full']));
  const pid = ofKind(r.events, Kind.ProcStart)[0].pid;
  const store = new TraceStore();
  for (const e of r.events) store.add(e);
  assert.deepEqual(store.lost(), [{ pid, count: BURST - received, reason: 'ring full' }]);
  assert.ok(
    r.output.get(pid)?.some((l) => l.includes('done')),
    'records after the drops still arrive',
  );
});

test('drops right before the process exits are still reported (sent with the last flush)', async () => {
  const r = await runCode(burst(''), { env });
  assert.equal(r.code, 0, r.stderr);
  const received = ofKind(r.events, Kind.Mark).filter((m) => m.name === 'burst').length;
  const total = ofKind(r.events, Kind.Lost).reduce((n, l) => n + l.count, 0);
  // The exit's own records (ProcExit) may find the ring still full and be dropped too: counted as well.
  assert.ok(total >= BURST - received && total <= BURST - received + 3, `lost ${total}, received ${received}`);
  assert.ok(total > 0);
});

test('a record larger than the whole ring is dropped at once and counted, the rest arrives', async () => {
  const r = await runCode(
    `
    import { main } from 'concurrency-lens';
    main(() => {
      console.log('before');
      console.log('x'.repeat(20000));
      console.log('after');
    });
    `,
    { env },
  );
  assert.equal(r.code, 0, r.stderr);
  const pid = ofKind(r.events, Kind.ProcStart)[0].pid;
  assert.deepEqual(r.output.get(pid), ['before', 'after']);
  assert.deepEqual(
    ofKind(r.events, Kind.Lost).map((l) => [l.pid, l.count, l.reason]),
    [[pid, 1, 'ring full']],
  );
});
