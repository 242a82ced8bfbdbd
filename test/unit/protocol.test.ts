import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isChartFocus, parseFromPanel } from '../../common/protocol';
import { isSamplePath, SAMPLE_PATHS } from '../../common/samples';
import { isToPanel } from '../../webview/transport';

const root = join(__dirname, '..', '..');

test('the known sample paths are exactly the bundled samples', () => {
  const onDisk = ['node', 'python'].flatMap((rt) =>
    readdirSync(join(root, 'samples', rt))
      .filter((f) => /\.(ts|py)$/.test(f))
      .map((f) => `samples/${rt}/${f}`),
  );
  assert.deepEqual([...SAMPLE_PATHS].sort(), onDisk.sort());
});

test('the panel may ask to open a bundled sample, and nothing else', () => {
  assert.deepEqual(parseFromPanel({ type: 'sample/open', id: 'samples/python/07_lock_counter.py' }), {
    type: 'sample/open',
    id: 'samples/python/07_lock_counter.py',
  });
  const hostile: unknown[] = [
    { type: 'sample/open', id: '../../../etc/passwd' },
    { type: 'sample/open', id: 'samples/python/../../package.json' },
    { type: 'sample/open', id: '/opt/lens/samples/python/07_lock_counter.py' },
    { type: 'sample/open', id: 'samples/python/07_lock_counter.py ' },
    { type: 'sample/open', id: 'SAMPLES/PYTHON/07_LOCK_COUNTER.PY' },
    { type: 'sample/open', id: 'samples/python/99_nope.py' },
    { type: 'sample/open', id: ['samples/python/07_lock_counter.py'] },
    { type: 'sample/open', id: { toString: () => 'samples/python/07_lock_counter.py' } },
    { type: 'sample/open' },
    { type: 'sample/open', id: 'samples/node/04_pool_map.ts', command: 'workbench.action.terminal.new' },
    { type: 'sample/open', id: 'constructor' },
    { type: 'sample/open', id: '__proto__' },
  ];
  for (const m of hostile) assert.equal(parseFromPanel(m), undefined, JSON.stringify(m));
  assert.equal(isSamplePath('hasOwnProperty'), false);
});

test('the existing panel messages still parse, and unknown or malformed ones are refused', () => {
  assert.deepEqual(parseFromPanel({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseFromPanel({ type: 'source/reveal', loc: 'a.py:1:1' }), {
    type: 'source/reveal',
    loc: 'a.py:1:1',
  });
  for (const m of [
    null,
    [],
    'ready',
    { type: 'ready', x: 1 },
    { type: 'chart/focus', pid: 1, tid: 0, start: 0, end: 1 },
  ])
    assert.equal(parseFromPanel(m), undefined, JSON.stringify(m));
});

test('a chart/focus from the host needs whole, non-negative ids and finite times in order', () => {
  const ok = { type: 'chart/focus', pid: 42, tid: 0, start: 1e6, end: 2e6 };
  assert.equal(isChartFocus(ok), true);
  assert.equal(isToPanel(ok), true);
  for (const bad of [
    { ...ok, pid: -1 },
    { ...ok, pid: 1.5 },
    { ...ok, tid: '0' },
    { ...ok, start: Number.NaN },
    { ...ok, end: Infinity },
    { ...ok, start: 3e6 },
    { type: 'chart/focus', pid: 42, tid: 0 },
  ]) {
    assert.equal(isChartFocus(bad), false, JSON.stringify(bad));
    assert.equal(isToPanel(bad), false, JSON.stringify(bad));
  }
});
