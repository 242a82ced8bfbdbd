import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { colors: { id: string; defaults: Record<string, string> }[] };
};
const css = readFileSync('webview/panel.css', 'utf8');

test('every state colour the panel reads is a theme colour users can override, with the panel’s own defaults', () => {
  const read = new Set([...css.matchAll(/--vscode-concurrencyLens-(\w+)/g)].map((m) => m[1]));
  const contributed = new Map(pkg.contributes.colors.map((c) => [c.id.replace('concurrencyLens.', ''), c.defaults]));
  assert.deepEqual([...read].sort(), [...contributed.keys()].sort());
  const darkBlock = css.slice(0, css.indexOf('body.vscode-light'));
  for (const [key, defaults] of contributed) {
    const fallback = new RegExp(`--vscode-concurrencyLens-${key}, (#[0-9a-fA-F]{6})`).exec(darkBlock)?.[1];
    assert.equal(defaults.dark, fallback, `${key}: dark default matches the panel's fallback`);
    for (const theme of ['light', 'highContrast', 'highContrastLight'])
      assert.match(defaults[theme] ?? '', /^#[0-9a-f]{6}$/i, `${key} has a ${theme} default`);
  }
});
