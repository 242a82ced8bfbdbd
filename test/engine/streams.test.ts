import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Kind, type TraceEvent } from '../../common/schema';
import { RecordEncoder } from '../../common/wire';
import { parseHello } from '../../engine/collector';
import { EventStream } from '../../engine/eventStream';
import { LineSplitter } from '../../engine/lines';

function lines(chunks: (string | Uint8Array)[], max?: number): string[] {
  const out: string[] = [];
  const s = new LineSplitter((l) => out.push(l), max);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  s.end();
  return out;
}

test('output is split into lines across chunk borders, CRLF and a last unterminated line included', () => {
  assert.deepEqual(lines(['ab', 'c\nde', 'f\r\n\n', 'tail']), ['abc', 'def', '', 'tail']);
  // a multi-byte character split between two reads stays whole
  const euro = Buffer.from('€\n');
  assert.deepEqual(lines([euro.subarray(0, 1), euro.subarray(1)]), ['€']);
});

test('binary garbage becomes replacement characters and overlong lines are cut', () => {
  assert.deepEqual(lines([new Uint8Array([0xff, 0xfe, 0x41, 0x0a])]), ['\ufffd\ufffdA']);
  assert.deepEqual(lines(['x'.repeat(10) + '\n'], 4), ['xxxx', 'xxxx', 'xx']);
});

test('a hello is accepted only with the right token, schema, pid, runtime and channel', () => {
  const ok = { token: 'secret', schema: 1, pid: 42, runtime: 'python', channel: 'stdout' };
  assert.equal(typeof parseHello(JSON.stringify(ok), 'secret'), 'object');
  assert.equal(parseHello(JSON.stringify(ok), 'other'), 'wrong token');
  assert.equal(parseHello(JSON.stringify({ ...ok, token: undefined }), 'secret'), 'wrong token');
  assert.match(String(parseHello(JSON.stringify({ ...ok, schema: 99 }), 'secret')), /schema 99/);
  assert.equal(parseHello(JSON.stringify({ ...ok, pid: -1 }), 'secret'), 'bad pid');
  assert.equal(parseHello(JSON.stringify({ ...ok, channel: 'x' }), 'secret'), 'unknown channel');
  assert.equal(parseHello('{not json', 'secret'), 'hello is not JSON');
});

test('a record stream keeps exactly the records decoded before it turned corrupt', () => {
  const enc = new RecordEncoder();
  enc.add(Kind.Mark, 1, 7, 0, ['first']);
  enc.add(Kind.Mark, 2, 7, 0, ['second']);
  const good = enc.take();
  const seen: TraceEvent[] = [];
  const s = new EventStream((e) => seen.push(e));
  // split mid-record: nothing is kept until the record is whole
  assert.equal(s.push(good.subarray(0, 10)).keep.length, 0);
  const r1 = s.push(good.subarray(10));
  assert.equal(r1.keep.length, good.length);
  assert.equal(r1.error, undefined);
  // a third record that uses an undefined string id, then more bytes
  const bad = Buffer.alloc(33);
  bad.writeUInt32LE(33, 0);
  bad.writeUInt8(Kind.Mark, 4);
  bad.writeUInt32LE(999, 21);
  enc.add(Kind.Mark, 3, 7, 0, ['third']);
  const third = enc.take();
  const r2 = s.push(Buffer.concat([third, bad, Buffer.from('garbage')]));
  assert.match(r2.error ?? '', /string id 999/);
  assert.deepEqual(Buffer.from(r2.keep), Buffer.from(third));
  assert.deepEqual(
    seen.map((e) => (e.kind === Kind.Mark ? e.name : '')),
    ['first', 'second', 'third'],
  );
  // an impossible length breaks the stream too
  const s2 = new EventStream(() => {});
  assert.match(s2.push(new Uint8Array([0xff, 0xff, 0xff, 0x7f, 1])).error ?? '', /corrupt record length/);
});
