import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kind, type TraceEvent } from '../../common/schema';
import { WireDecoder } from '../../common/wire';
import { Recorder } from '../../runtime/node/recorder';
import { allocRing, RingReader } from '../../runtime/node/ring';

test('records written through a small ring come out whole and in order across many wrap-arounds', () => {
  const mem = allocRing(512, 0);
  const rec = new Recorder();
  rec.attach(mem, 4242, 0);
  const reader = new RingReader(mem);
  const events: TraceEvent[] = [];
  const decoder = new WireDecoder((e) => events.push(e));
  const drain = (): void => {
    const got = reader.take();
    if (!got) return;
    decoder.push(got.out);
    reader.release(got.end);
  };
  for (let i = 0; i < 2000; i++) {
    // Records of varying sizes (text fields), new strings now and then, so the ring wraps at many offsets.
    if (i % 3 === 0) rec.event(Kind.Output, [1, 'x'.repeat(i % 50)], []);
    else rec.mark(`m${i % 17}`);
    if (i % 5 === 4) drain();
  }
  drain();
  rec.drain(0);
  assert.equal(events.length, 2000);
  events.forEach((e, i) => {
    if (i % 3 === 0) assert.deepEqual([e.kind, e.kind === Kind.Output && e.text], [Kind.Output, 'x'.repeat(i % 50)]);
    else assert.deepEqual([e.kind, e.kind === Kind.Mark && e.name], [Kind.Mark, `m${i % 17}`]);
    assert.equal(e.pid, 4242);
  });
  for (let i = 1; i < events.length; i++) assert.ok(events[i].t >= events[i - 1].t);
});

test('span ids pair Begin and End records, and string ids of a thread ring start at its base', () => {
  const mem = allocRing(4096, 7);
  const rec = new Recorder();
  rec.attach(mem, 1, 3 << 20);
  const span = rec.begin(2, 'work', 'detail', 'obj:1', 'file.ts:1:2');
  rec.end(span, 1);
  const got = new RingReader(mem).take()!;
  const events: TraceEvent[] = [];
  new WireDecoder((e) => events.push(e)).push(got.out);
  const [b, e] = events;
  assert.equal(b.kind, Kind.Begin);
  assert.equal(e.kind, Kind.End);
  if (b.kind !== Kind.Begin || e.kind !== Kind.End) return;
  assert.deepEqual(
    [b.tid, b.span, b.cat, b.name, b.detail, b.obj, b.loc],
    [7, span, 2, 'work', 'detail', 'obj:1', 'file.ts:1:2'],
  );
  assert.deepEqual([e.span, e.status], [span, 1]);
  assert.equal(rec.str('work'), (3 << 20) + 1);
});
