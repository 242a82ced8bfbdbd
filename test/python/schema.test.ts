// The Python hook's table of record kinds and fields must match common/schema.ts exactly.
import { execFileSync } from 'node:child_process';
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { resolve } from 'node:path';
import { RECORD_FIELDS } from '../../common/schema';

test('Python RECORD_FIELDS mirrors the TypeScript schema', () => {
  const dir = resolve(__dirname, '../../runtime/python');
  const out = execFileSync('python3', [
    '-c',
    'import json,sys; sys.path.insert(0, sys.argv[1]); from _concurrency_lens.schema import RECORD_FIELDS as F; ' +
      'print(json.dumps({k: v[1] for k, v in F.items()}))',
    dir,
  ]);
  const py = JSON.parse(out.toString()) as Record<string, [string, string][]>;
  const ts = JSON.parse(JSON.stringify(RECORD_FIELDS)) as Record<string, [string, string][]>;
  assert.deepEqual(py, ts);
});
