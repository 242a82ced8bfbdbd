import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cat, Kind, type TraceEvent } from '../../common/schema';
import { RecordEncoder, WireDecoder, WireError } from '../../common/wire';

function decodeAll(bytes: Uint8Array, chunk = bytes.length): TraceEvent[] {
  const out: TraceEvent[] = [];
  const dec = new WireDecoder((e) => out.push(e));
  for (let i = 0; i < bytes.length; i += chunk) dec.push(bytes.subarray(i, i + chunk));
  assert.equal(dec.pendingBytes, 0);
  return out;
}

test('records round-trip with interned strings, text and all field types', () => {
  const enc = new RecordEncoder();
  enc.add(Kind.ProcStart, 1e15 + 123, 4242, 0, [1, 'worker-1', 2]);
  enc.add(Kind.Begin, 1e15 + 200, 4242, 0, [7, Cat.WaitLock, 'acquire', '', 'lock#1', 'a.ts:3:5']);
  enc.add(Kind.Output, 1e15 + 300, 4242, 3, [1, 'héllo wörld ✓ 🎉\n']);
  enc.add(Kind.QueuePut, 1e15 + 400, 4242, 0, ['lock#1', 9, -1]);
  const evs = decodeAll(enc.take());
  assert.equal(evs.length, 4);
  assert.deepEqual(evs[0], {
    kind: Kind.ProcStart,
    t: 1e15 + 123,
    pid: 4242,
    tid: 0,
    ppid: 1,
    name: 'worker-1',
    role: 2,
  });
  assert.equal(evs[1].kind === Kind.Begin && evs[1].obj, 'lock#1');
  assert.equal(evs[1].kind === Kind.Begin && evs[1].loc, 'a.ts:3:5');
  assert.equal(evs[2].kind === Kind.Output && evs[2].text, 'héllo wörld ✓ 🎉\n');
  assert.equal(evs[3].kind === Kind.QueuePut && evs[3].depth, -1);
});

test('a stream split at every byte decodes the same', () => {
  const enc = new RecordEncoder();
  for (let i = 0; i < 20; i++) enc.add(Kind.Mark, i, 1, 0, [`mark ${i % 3}`]);
  const bytes = enc.take();
  const whole = decodeAll(bytes);
  assert.deepEqual(decodeAll(bytes, 1), whole);
  assert.deepEqual(decodeAll(bytes, 7), whole);
  assert.deepEqual(
    whole.map((e) => (e.kind === Kind.Mark ? e.name : '')),
    Array.from({ length: 20 }, (_, i) => `mark ${i % 3}`),
  );
});

test('unknown kinds are skipped and counted, corrupt lengths and undefined strings are rejected', () => {
  const bytes = new Uint8Array([10, 0, 0, 0, 200, 1, 2, 3, 4, 5]);
  const out: TraceEvent[] = [];
  const dec = new WireDecoder((e) => out.push(e));
  dec.push(bytes);
  assert.equal(dec.skipped, 1);
  assert.equal(out.length, 0);
  assert.throws(() => new WireDecoder(() => {}).push(new Uint8Array([1, 0, 0, 0, 0])), WireError);
  const enc = new RecordEncoder();
  enc.add(Kind.Mark, 1, 1, 0, ['x']);
  const withDef = enc.take();
  const withoutDef = withDef.subarray(withDef[0]); // drop the StrDef record
  assert.throws(() => new WireDecoder(() => {}).push(withoutDef), /string id 1/);
});
