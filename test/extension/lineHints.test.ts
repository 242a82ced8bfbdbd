import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';
import {
  HOVER_TRUST,
  hintsFromChunks,
  hoverMarkdown,
  lensTitle,
  parseWaitTarget,
  SHOW_WAIT_COMMAND,
  showWaitRefusal,
  type LensHint,
} from '../../extension/lineHints';

// Four processes take one lock three times each and hold it 50 ms: some acquisitions must wait.
const CONVOY = `import multiprocessing as mp, time

def work(lock):
    for _ in range(3):
        with lock:
            time.sleep(0.05)

if __name__ == '__main__':
    counter_lock = mp.Lock()
    ps = [mp.Process(target=work, args=(counter_lock,)) for _ in range(4)]
    for p in ps: p.start()
    for p in ps: p.join()
`;

test('the editor shows, over the line that takes a lock, how often it ran and how long it waited', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cl-hints-'));
  try {
    const file = join(dir, 'convoy.py');
    writeFileSync(file, CONVOY);
    const run = startRun({ snippet: file });
    const r = await run.done;
    assert.equal(r.reason, 'exit', r.message);
    const hints = hintsFromChunks(run.chunks).get(file) ?? [];
    const atWith = hints.filter((h) => h.line === 5 && h.what === 'lock');
    assert.equal(atWith.length, 1, JSON.stringify(hints.map((h) => [h.line, h.what, h.name])));
    const h = atWith[0];
    assert.equal(h.count, 12);
    assert.match(lensTitle(h), /^lock counter_lock · 12× · wait p50 [\d.]+ [mµn]?s · p95 [\d.]+ [mµn]?s$/);
    assert.ok(h.wait.count >= 1 && h.wait.count < 12, `some acquisitions waited, the first did not (${h.wait.count})`);
    const hover = hoverMarkdown(h);
    assert.match(hover, /12× at this line/);
    assert.match(hover, /Worst: [\d.]+ [mµn]?s in Process-\d \(pid \d+\), from [\d.]+ [mµn]?s into the run\./);
    // "Show in chart" names the worst wait's process and times.
    const link = /\[Show in chart\]\(command:concurrencyLens\.showWait\?([^ )]+)/.exec(hover);
    assert.ok(link, hover);
    const [target] = JSON.parse(decodeURIComponent(link[1])) as unknown[];
    const pid = Number(/\(pid (\d+)\)/.exec(hover)?.[1]);
    assert.deepEqual(parseWaitTarget(target), { pid, tid: 0, start: h.worst?.start, end: h.worst?.end });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const HINT: LensHint = {
  loc: '/w/convoy.py:5:9',
  file: '/w/convoy.py',
  line: 5,
  col: 9,
  what: 'lock',
  obj: 'lock:41:1',
  name: 'counter_lock',
  count: 12,
  wait: { count: 8, total: 9e8, p50: 1e8, p95: 1.5e8, max: 1.6e8 },
  worst: { lane: 3, index: 7, start: 2.5e8, end: 4.1e8 },
  label: '12× · wait p50 100 ms · p95 150 ms',
  worstWho: 'Process-2 (pid 43)',
  worstPid: 43,
  worstTid: 0,
};

test('the hover links its worst wait to the chart through the one command its Markdown may run', () => {
  const md = hoverMarkdown(HINT);
  const lines = md.split('\n');
  assert.equal(lines[lines.length - 3], 'Worst: 160 ms in Process-2 (pid 43), from 250 ms into the run.');
  const args = encodeURIComponent(JSON.stringify([{ pid: 43, tid: 0, start: 2.5e8, end: 4.1e8 }]));
  assert.equal(
    lines[lines.length - 1],
    `[Show in chart](command:concurrencyLens.showWait?${args} "Select this wait in the Concurrency Lens panel")`,
  );
  assert.deepEqual(HOVER_TRUST, { enabledCommands: [SHOW_WAIT_COMMAND] });
  assert.equal(SHOW_WAIT_COMMAND, 'concurrencyLens.showWait');
  // No worst instance, no link.
  assert.doesNotMatch(hoverMarkdown({ ...HINT, worst: null }), /Show in chart/);
});

test('the show-wait command checks its argument and says why it cannot show the wait', () => {
  assert.deepEqual(parseWaitTarget({ pid: 43, tid: 0, start: 1, end: 2 }), { pid: 43, tid: 0, start: 1, end: 2 });
  for (const bad of [undefined, 'x', { pid: -1, tid: 0, start: 1, end: 2 }, { pid: 43, tid: 0, start: 3, end: 2 }])
    assert.equal(parseWaitTarget(bad), undefined, JSON.stringify(bad));
  assert.equal(showWaitRefusal('convoy.py', 'convoy.py', true), undefined);
  assert.equal(
    showWaitRefusal('convoy.py', 'saved.trace.json', false),
    'Concurrency Lens: the chart shows "saved.trace.json", not the run of convoy.py that this wait is from. Run the snippet again to see its waits in the chart.',
  );
  assert.equal(
    showWaitRefusal('convoy.py', 'convoy.py', false),
    "Concurrency Lens: the chart shows a newer run of convoy.py than the one this wait is from. The editor's numbers follow once that run ends.",
  );
  assert.equal(
    showWaitRefusal(undefined, undefined, false),
    'Concurrency Lens: this wait is from a run that is no longer available. Run the snippet again.',
  );
});
