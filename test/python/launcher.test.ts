// The launcher keeps the user's environment working: their PYTHONPATH stays importable and their own
// sitecustomize still runs after the hook's.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Kind } from '../../common/schema';
import { ofKind, runPython, stdout } from './harness';

test("the user's PYTHONPATH and sitecustomize are kept", async () => {
  const r = await runPython(resolve(__dirname, 'fixtures/uses_user_path.py'), {
    env: { PYTHONPATH: resolve(__dirname, 'fixtures/user_site') },
  });
  assert.equal(r.code, 0, r.lines.map((l) => l.text).join('\n'));
  assert.deepEqual(stdout(r), ['sitecustomize ran: True', 'helper value: 42']);
  assert.equal(ofKind(r.events, Kind.ProcStart).length, 1, 'the hook ran too');
});
