// The collector's re-framing of a record stream when the output budget refuses Output records.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBytes } from '../../common/bytes';
import { Kind, Stream, type TraceEvent } from '../../common/schema';
import { RecordEncoder, WireDecoder } from '../../common/wire';
import { EventStream, withoutEvents } from '../../engine/eventStream';

/** Marks and samples with Output records between them; new strings are interned after Outputs. */
function records(withOutput: boolean): Uint8Array {
  const enc = new RecordEncoder();
  const out = (t: number, text: string): void => {
    if (withOutput) enc.add(Kind.Output, t, 7, 0, [Stream.Stdout, text]);
  };
  enc.add(Kind.Mark, 1, 7, 0, ['first']);
  out(2, 'line one €\n');
  enc.add(Kind.Mark, 3, 7, 0, ['second']);
  out(4, 'line two\n');
  out(5, 'line three\n');
  enc.add(Kind.Sample, 6, 7, 0, [0.5, -1]);
  enc.add(Kind.Mark, 7, 7, 0, ['first']);
  enc.add(Kind.Mark, 8, 7, 0, ['third']);
  return enc.take();
}

function decode(bytes: Uint8Array): TraceEvent[] {
  const seen: TraceEvent[] = [];
  new WireDecoder((e) => seen.push(e)).push(bytes);
  return seen;
}

/** Feeds `bytes` cut at `cuts`, refusing every Output record; returns the bytes kept. */
function feed(bytes: Uint8Array, cuts: number[], refuse: (e: TraceEvent) => boolean): Uint8Array {
  const s = new EventStream((e) => !refuse(e));
  let kept: Uint8Array = new Uint8Array(0);
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    const r = s.push(bytes.subarray(from, at));
    assert.equal(r.error, undefined);
    kept = concatBytes(kept, r.keep);
    from = at;
  }
  assert.equal(s.pendingBytes, 0);
  return kept;
}

test('refused Output records are cut out; every other record, StrDefs included, stays byte for byte', () => {
  const full = records(true);
  const expected = records(false);
  // Every cut position, so records (Output, StrDef, Mark) split across two slices are all covered.
  for (let cut = 1; cut < full.length; cut++) {
    const kept = feed(full, [cut], (e) => e.kind === Kind.Output);
    assert.deepEqual(kept, expected, `cut at byte ${cut}`);
  }
  const names = decode(expected).map((e) => (e.kind === Kind.Mark ? e.name : e.kind));
  assert.deepEqual(names, ['first', 'second', Kind.Sample, 'first', 'third']);
});

test('a stream with nothing refused is handed on untouched', () => {
  const full = records(true);
  assert.deepEqual(
    feed(full, [17, 60], () => false),
    full,
  );
});

test('only the refused Output records go: those before the budget ran out stay', () => {
  const full = records(true);
  let outputs = 0;
  const kept = feed(full, [40], (e) => e.kind === Kind.Output && ++outputs > 1);
  const texts = decode(kept).flatMap((e) => (e.kind === Kind.Output ? [e.text] : []));
  assert.deepEqual(texts, ['line one €\n']);
  assert.equal(decode(kept).filter((e) => e.kind === Kind.Mark).length, 4);
});

test('withoutEvents counts events as the decoder does: StrDefs and unknown kinds are kept and not counted', () => {
  const enc = new RecordEncoder();
  enc.add(Kind.Mark, 1, 7, 0, ['a']); // StrDef + event 0
  const unknown = new Uint8Array([6, 0, 0, 0, 250, 0]); // a 6-byte record of a kind this schema lacks
  const tail = new RecordEncoder();
  tail.add(Kind.Output, 2, 7, 0, [Stream.Stderr, 'x\n']); // event 1
  tail.add(Kind.Sample, 3, 7, 0, [1, -1]); // event 2
  const bytes = concatBytes(concatBytes(enc.take(), unknown), tail.take());
  const kept = withoutEvents(bytes, [1]);
  const events = decode(kept);
  assert.deepEqual(
    events.map((e) => e.kind),
    [Kind.Mark, Kind.Sample],
  );
  assert.equal(kept.length, bytes.length - (5 + 16 + 4 + 4 + 2));
  assert.ok(Buffer.from(kept).includes(Buffer.from(unknown)), 'the unknown record is kept');
  assert.deepEqual(withoutEvents(bytes, []), bytes);
});
