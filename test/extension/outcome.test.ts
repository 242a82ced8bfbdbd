import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveNode, toOutcome } from '../../extension/engineRun';
import type { LensSettings } from '../../extension/settings';

const settings: LensSettings = {
  timeLimitMs: 30_000,
  processLimit: 8,
  nodePath: '',
  pythonPath: '',
  tracesFolder: '',
  codeLens: true,
};
const result = (reason: string, message: string, exitCode = 1) =>
  ({ reason, message, exitCode, wallNs: 1e9 }) as Parameters<typeof toOutcome>[0];

test('launch failures are "failed" and keep the located error text; missing interpreters are named', () => {
  const syntax = toOutcome(result('error', '/w/a.py:3:7: SyntaxError: invalid syntax'), '/w/a.py', settings);
  assert.equal(syntax.phase, 'failed');
  assert.equal(syntax.errorText, '/w/a.py:3:7: SyntaxError: invalid syntax');
  assert.equal(syntax.missingInterpreter, undefined);
  const py = toOutcome(
    result('error', "Python interpreter '/x/python3' was not found: install Python 3.8+ or set the pythonPath option"),
    '/w/a.py',
    settings,
  );
  assert.equal(py.missingInterpreter, 'python');
  const node = toOutcome(result('error', 'cannot start /x/node: spawn /x/node ENOENT', 127), '/w/a.ts', settings);
  assert.equal(node.missingInterpreter, 'node');
});

test('limits are phrased with the setting that raises them; other ends keep the engine message', () => {
  const t = toOutcome(result('timeout', 'timed out after 30 s', 124), '/w/a.ts', settings);
  assert.equal(t.phase, 'ended');
  assert.match(t.message, /30 s.*concurrencyLens\.timeLimitSeconds/);
  assert.match(toOutcome(result('proc-limit', 'x', 125), '/w/a.ts', settings).message, /8 processes.*processLimit/);
  const exit = toOutcome(result('exit', 'exited with code 0 after 1.00 s', 0), '/w/a.ts', settings);
  assert.deepEqual([exit.phase, exit.exitCode, exit.message], ['ended', 0, 'Exited with code 0 after 1.00 s']);
});

test('the Node for snippets: the setting, else the host Node outside Electron', () => {
  assert.deepEqual(resolveNode('/opt/node/bin/node'), { path: '/opt/node/bin/node' });
  assert.deepEqual(resolveNode(''), { path: process.execPath });
});
