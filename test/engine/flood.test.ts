import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRun } from '../../engine/runner';
import { snippetFile, wireBoot } from './helpers';

const FLOOD = `
// 100,000 lines (about 5 MB) in bursts, binary garbage with NULs and invalid UTF-8, a 200 kB line
// without a newline, then a mark: recording must survive all of it.
const { randomBytes } = require('node:crypto');
let i = 0;
function burst() {
  let s = '';
  for (let k = 0; k < 5000; k++, i++) s += 'line ' + String(i).padStart(6, '0') + ' ' + 'x'.repeat(36) + '\\n';
  process.stdout.write(s);
  if (i < 100000) return setImmediate(burst);
  process.stdout.write(randomBytes(100000));
  process.stdout.write('\\n' + 'y'.repeat(200000) + '\\nafter the garbage\\n');
  globalThis.lensMark('still recording');
}
burst();
`;

test('a root that floods stdout with megabytes and binary garbage does not break collection', async () => {
  const run = startRun({ snippet: snippetFile('flood.js', FLOOD), nodeBoot: wireBoot() });
  let seen = 0;
  run.onOutput(() => seen++);
  const r = await run.done;
  assert.equal(r.reason, 'exit');
  assert.equal(r.exitCode, 0);
  const lines = run.store.output().map((o) => o.text);
  const numbered = lines.filter((l) => /^line \d{6} x{36}$/.test(l));
  assert.equal(numbered.length, 100000);
  assert.equal(numbered[99999], `line 099999 ${'x'.repeat(36)}`);
  assert.ok(lines.includes('after the garbage'));
  assert.ok(lines.some((l) => l.startsWith('yyyy')));
  assert.ok(
    lines.every((l) => l.length <= 64 * 1024),
    'overlong lines are cut',
  );
  assert.equal(seen, lines.length);
  assert.deepEqual(
    run.store.marks().map((m) => m.name),
    ['still recording'],
  );
  assert.equal(run.droppedConnections, 0);
});
