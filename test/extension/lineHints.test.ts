import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';
import { hintsFromChunks, hoverMarkdown, lensTitle } from '../../extension/lineHints';

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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
