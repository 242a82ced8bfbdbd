/**
 * Events a process could not send are shown where a user looks: the CLI summary names how many and
 * which process (with a hint), and `--json` carries the counts. The snippet overflows the test ring
 * (`CONCURRENCY_LENS_TEST_RING_BYTES`: small, drops at once) with a synchronous burst of marks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LOST_HINT } from '../../common/lostWords';
import type { JsonReport } from '../../engine/cli/jsonReport';
import { runCli, snippetFile } from './helpers';

const BURST = 20000;
const env = { CONCURRENCY_LENS_TEST_RING_BYTES: '16384' };
const code = `import { main, mark } from 'concurrency-lens';
main(async () => {
  for (let i = 0; i < ${BURST}; i++) mark('burst');
  await new Promise((r) => setTimeout(r, 60));
});
`;

test('the CLI summary says how many events were not recorded, in which process and why: written - received', async () => {
  const snippet = snippetFile('burst.ts', code);
  const trace = snippet.replace(/\.ts$/, '.trace.json');
  const r = await runCli(['run', snippet, '--out', trace], env);
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { cat?: string; name: string }[] };
  const received = json.traceEvents.filter((e) => e.cat === 'cl.mark' && e.name === 'burst').length;
  const m = /lost events +(\d+) events were not recorded \(process (\d+): ring full\)\n/.exec(r.err);
  assert.ok(m, r.err);
  assert.equal(Number(m[1]), BURST - received);
  assert.ok(received > 0 && received < BURST, `received ${received}`);
  assert.ok(r.err.includes(LOST_HINT), r.err);
});

test('the JSON report carries the lost events per process', async () => {
  const r = await runCli(['run', snippetFile('burst.ts', code), '--json'], env);
  assert.equal(r.code, 0, r.err);
  const report = JSON.parse(r.out) as JsonReport;
  const s = report.summary!;
  assert.ok(s.lostEvents > 0);
  assert.equal(s.lost.length, 1);
  assert.deepEqual([s.lost[0].count, s.lost[0].reason], [s.lostEvents, 'ring full']);
});
