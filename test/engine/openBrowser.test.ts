import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openBrowser } from '../../engine/cli/openBrowser';

const url = 'http://127.0.0.1:4321/?token=abc';

test(
  '--open hands the panel URL to the desktop opener when there is a desktop',
  { skip: process.platform !== 'linux' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cl-open-'));
    try {
      const seen = join(dir, 'seen');
      writeFileSync(join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${seen}'\n`);
      chmodSync(join(dir, 'xdg-open'), 0o755);
      const env = { PATH: `${dir}:${process.env.PATH}`, DISPLAY: ':7' };
      assert.equal(openBrowser(url, env), true);
      for (let i = 0; i < 100 && !existsSync(seen); i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(readFileSync(seen, 'utf8'), url);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('--open only prints the URL in CI, over SSH without a display, or when asked not to', () => {
  assert.equal(openBrowser(url, { CI: 'true', DISPLAY: ':7' }), false);
  assert.equal(openBrowser(url, { CONCURRENCY_LENS_NO_BROWSER: '1', DISPLAY: ':7' }), false);
  if (process.platform === 'linux') assert.equal(openBrowser(url, {}), false);
});
