// GIL turn-taking: the runner's /proc sampler keys CPU samples by native thread id, the ids the hook
// uses for thread lanes; two CPU-bound threads of one process never use more than one core together.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Kind, type EventOf } from '../../common/schema';
import { ofKind, runPython } from './harness';

test('two CPU-bound threads take turns: their sampled CPU adds up to at most one core', async (t) => {
  const r = await runPython(resolve(__dirname, 'fixtures/gil_threads.py'));
  assert.equal(r.code, 0);
  const lanes = ofKind(r.events, Kind.ThreadStart).map((e) => e.tid);
  assert.equal(lanes.length, 2);
  const samples = r.runnerEvents.filter((e) => e.kind === Kind.Sample) as EventOf<Kind.Sample>[];
  if (samples.length === 0) return t.skip('no /proc CPU sampler on this platform');
  const byTick = new Map<number, number[]>();
  for (const s of samples) {
    const i = lanes.indexOf(s.tid);
    if (i < 0 || s.cpu < 0) continue;
    const tick = Math.round(s.t / 1e6); // the sampler reads every lane in the same tick
    const row = byTick.get(tick) ?? [NaN, NaN];
    row[i] = s.cpu;
    byTick.set(tick, row);
  }
  const both = [...byTick.values()].filter((row) => row.every((v) => !Number.isNaN(v)));
  assert.ok(both.length >= 10, `samples with both threads: ${both.length}`);
  for (const i of [0, 1])
    assert.ok(
      both.some((row) => row[i] > 0),
      `thread ${i} ran`,
    );
  const overOneCore = both.filter(([a, b]) => a + b > 1.3).length;
  assert.ok(overOneCore <= both.length * 0.1, `${overOneCore} of ${both.length} ticks used more than one core`);
});
