// Other interpreters: every `python3.X` (X = 8..14) that runs on PATH, plus the paths listed in
// CONCURRENCY_LENS_TEST_PYTHONS (separated by the path delimiter). An interpreter older than 3.8 must
// be refused with a clear message. Skipped when none is found.
import { execFileSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { delimiter } from 'node:path';
import { test } from 'node:test';
import { Kind, Role } from '../../common/schema';
import { ofKind, pidsWithRole, runPython, sample } from './harness';

function version(python: string): [number, number] | undefined {
  try {
    const out = execFileSync(python, ['-c', 'import sys; print(*sys.version_info[:2])'], { stdio: 'pipe' });
    const [major, minor] = out.toString().trim().split(' ').map(Number);
    return [major, minor];
  } catch {
    return undefined;
  }
}

const candidates = [
  ...(process.env.CONCURRENCY_LENS_TEST_PYTHONS ?? '').split(delimiter).filter(Boolean),
  ...Array.from({ length: 7 }, (_, i) => `python3.${i + 8}`),
];
const found = candidates
  .map((p) => [p, version(p)] as const)
  .filter((x): x is readonly [string, [number, number]] => !!x[1]);

test('other Python versions', async (t) => {
  if (found.length === 0) return t.skip('no other interpreter found');
  for (const [python, [major, minor]] of found) {
    await t.test(`${python} (${major}.${minor})`, async () => {
      const r = await runPython(sample('04_pool_map.py'), { pythonPath: python });
      if (major === 3 && minor < 8) {
        assert.match(r.error ?? '', /needs Python 3\.8 or newer/);
        return;
      }
      assert.equal(r.code, 0, r.lines.map((l) => l.text).join('\n'));
      assert.equal(pidsWithRole(r.events, Role.PoolWorker).length, 3);
      assert.equal(ofKind(r.events, Kind.TaskEnd).length, 5);
    });
  }
});
