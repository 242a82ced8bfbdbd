import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Chunk, ToPanel } from '../../common/protocol';
import { PanelFeed, type FeedSource, type FeedTimers } from '../../extension/panelFeed';

/** A manual clock: timers fire only when the test says so. */
function fakeTimers(): FeedTimers & { fire(): void; pending(): number } {
  const due = new Map<number, () => void>();
  let next = 1;
  return {
    set: (fn) => (due.set(next, fn), next++),
    clear: (h) => void due.delete(h as number),
    fire: () => {
      const fns = [...due.values()];
      due.clear();
      for (const f of fns) f();
    },
    pending: () => due.size,
  };
}

const bytes = (...b: number[]) => new Uint8Array(b);

function setup() {
  const sent: ToPanel[] = [];
  const timers = fakeTimers();
  const feed = new PanelFeed((m) => sent.push(m), 30, timers);
  const chunks: Chunk[] = [{ conn: 1, bytes: bytes(1, 2) }];
  const source: FeedSource = {
    title: 'pool.ts',
    chunks,
    state: { phase: 'running', message: '', exitCode: null, canStop: true, canRerun: false },
  };
  return { sent, timers, feed, chunks, source };
}

test('nothing is sent before the panel says ready; ready gets reset + all chunks + state', () => {
  const { sent, feed, source, chunks } = setup();
  feed.setSource(source);
  chunks.push({ conn: 2, bytes: bytes(9) }, { conn: 1, bytes: bytes(3) });
  feed.append(chunks.slice(1));
  assert.equal(sent.length, 0);
  feed.onReady();
  assert.deepEqual(
    sent.map((m) => m.type),
    ['trace/reset', 'trace/append', 'run/state'],
  );
  const append = sent[1] as Extract<ToPanel, { type: 'trace/append' }>;
  // Chunks are merged per connection, in first-seen order.
  assert.deepEqual(
    append.chunks.map((c) => [c.conn, [...c.bytes]]),
    [
      [1, [1, 2, 3]],
      [2, [9]],
    ],
  );
});

test('increments are batched per timer tick and flushed before a state change', () => {
  const { sent, feed, source, chunks, timers } = setup();
  feed.setSource(source);
  feed.onReady();
  sent.length = 0;
  for (let i = 0; i < 5; i++) {
    const c = { conn: 1, bytes: bytes(i) };
    chunks.push(c);
    feed.append([c]);
  }
  assert.equal(sent.length, 0, 'held until the batch timer fires');
  assert.equal(timers.pending(), 1, 'one timer for the whole batch');
  timers.fire();
  assert.equal(sent.length, 1);
  assert.deepEqual([...(sent[0] as Extract<ToPanel, { type: 'trace/append' }>).chunks[0].bytes], [0, 1, 2, 3, 4]);
  const c = { conn: 3, bytes: bytes(7) };
  chunks.push(c);
  feed.append([c]);
  feed.stateChanged();
  assert.deepEqual(
    sent.slice(1).map((m) => m.type),
    ['trace/append', 'run/state'],
  );
});

test('a hidden panel receives nothing and gets a full snapshot when it is ready again', () => {
  const { sent, feed, source, chunks, timers } = setup();
  feed.setSource(source);
  feed.onReady();
  sent.length = 0;
  feed.setVisible(false);
  const c = { conn: 1, bytes: bytes(5) };
  chunks.push(c);
  feed.append([c]);
  feed.stateChanged();
  timers.fire();
  assert.equal(sent.length, 0);
  feed.setVisible(true);
  assert.equal(sent.length, 0, 'the reloaded webview must ask first');
  feed.onReady();
  assert.equal(sent[0].type, 'trace/reset');
  assert.deepEqual([...(sent[1] as Extract<ToPanel, { type: 'trace/append' }>).chunks[0].bytes], [1, 2, 5]);
});

test('a new source resets the panel and drops increments of the old one', () => {
  const { sent, feed, source, timers } = setup();
  feed.setSource(source);
  feed.onReady();
  feed.append([{ conn: 1, bytes: bytes(4) }]);
  sent.length = 0;
  feed.setSource({ ...source, title: 'other.json', chunks: [] });
  timers.fire();
  assert.deepEqual(
    sent.map((m) => m.type),
    ['trace/reset', 'run/state'],
  );
  assert.equal((sent[0] as Extract<ToPanel, { type: 'trace/reset' }>).title, 'other.json');
});

test('a focus request waits for the snapshot of a panel that is not ready, and follows pending chunks in a ready one', () => {
  const { sent, timers, feed, source, chunks } = setup();
  const focus = { type: 'chart/focus', pid: 42, tid: 0, start: 5e6, end: 9e6 } as const;
  feed.setSource(source);
  feed.focus(focus);
  assert.equal(sent.length, 0);
  feed.onReady();
  assert.deepEqual(
    sent.map((m) => m.type),
    ['trace/reset', 'trace/append', 'run/state', 'chart/focus'],
  );
  assert.deepEqual(sent[3], focus);
  // Ready: chunks still batched go first, then the focus, at once.
  sent.length = 0;
  chunks.push({ conn: 1, bytes: bytes(4) });
  feed.append(chunks.slice(-1));
  feed.focus(focus);
  assert.deepEqual(
    sent.map((m) => m.type),
    ['trace/append', 'chart/focus'],
  );
  assert.equal(timers.pending(), 0);
  // A new source drops a focus meant for the old one.
  feed.setVisible(false);
  feed.focus(focus);
  feed.setSource({ ...source, title: 'other.py' });
  sent.length = 0;
  feed.setVisible(true);
  feed.onReady();
  assert.deepEqual(
    sent.map((m) => m.type),
    ['trace/reset', 'trace/append', 'run/state'],
  );
});
