// Desktop VS Code integration run (`npm run test:vscode`): @vscode/test-cli downloads VS Code and
// runs test/vscode/*.suite.ts inside it, with this folder as the extension under development.
// Where VS Code cannot be downloaded, test/e2e runs the same scenario in code-server instead.
import { defineConfig } from '@vscode/test-cli';
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';

const suites = readdirSync('test/vscode').filter((f) => f.endsWith('.suite.ts'));
await esbuild.build({
  entryPoints: suites.map((f) => `test/vscode/${f}`),
  outdir: 'out/test/vscode',
  outExtension: { '.js': '.test.js' },
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode'],
  logLevel: 'warning',
});

export default defineConfig({
  files: 'out/test/vscode/*.test.js',
  version: 'stable',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 180_000 },
});
