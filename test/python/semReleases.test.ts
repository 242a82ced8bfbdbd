// Semaphore releases past the hook's per-tick budget are counted (Aggregate, what = LockRelease), not
// silently left out: releases recorded one by one plus aggregated ones equal the releases the program made.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Kind } from '../../common/schema';
import { ofKind, runPython } from './harness';

const N = 300;

for (const mod of ['threading', 'multiprocessing']) {
  test(`every ${mod}.Semaphore release is either recorded or counted in an Aggregate`, async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cl-sem-')), 'sem.py');
    writeFileSync(
      file,
      [
        `import ${mod}`,
        "if __name__ == '__main__':",
        `    s = ${mod}.Semaphore(2)`,
        `    for _ in range(${N}):`,
        '        s.acquire()',
        '        s.release()',
        "    print('done')",
      ].join('\n'),
    );
    const r = await runPython(file);
    const one = ofKind(r.events, Kind.LockRelease).length;
    const counted = ofKind(r.events, Kind.Aggregate)
      .filter((a) => a.what === Kind.LockRelease)
      .reduce((n, a) => n + a.count, 0);
    assert.ok(counted > 0, `releases aggregated: ${counted}`);
    assert.equal(one + counted, N);
  });
}
