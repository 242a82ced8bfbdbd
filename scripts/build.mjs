// The one build script: every bundle (extension host, CLI/engine, Node runtime, panel) and the
// Python runtime copy. `node scripts/build.mjs [--watch] [--production]`.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = { platform: 'node', format: 'cjs', target: 'node20', bundle: true, sourcemap: 'linked' };
const runtime = { ...node, sourcemap: 'external' };
/** @type {import('esbuild').BuildOptions[]} */
const bundles = [
  // Extension host: vscode is provided by the host.
  { ...node, entryPoints: ['extension/main.ts'], outfile: 'dist/extension.js', external: ['vscode', 'esbuild'] },
  // Command line and engine (runner, collector, server). esbuild transpiles snippets at run time.
  { ...node, entryPoints: ['engine/cli/main.ts'], outfile: 'dist/cli.js', external: ['esbuild', 'playwright-core'] },
  // Node runtime: the `concurrency-lens` library, the process bootstrap and the flusher thread.
  // boot.js and flusher.js require ./index.js at run time so every process has one library instance.
  // Their maps are written but not linked: with --enable-source-maps (which every process of a run has,
  // for the user's file) Node would parse a linked map at every process start.
  { ...runtime, entryPoints: ['runtime/node/index.ts'], outfile: 'dist/runtime/node/index.js' },
  { ...runtime, entryPoints: ['runtime/node/boot.ts'], outfile: 'dist/runtime/node/boot.js', external: ['./index.js'] },
  { ...runtime, entryPoints: ['runtime/node/flusher.ts'], outfile: 'dist/runtime/node/flusher.js' },
  // Panel (browser). CSS is emitted as a file next to it: the CSP allows no inline styles.
  {
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    bundle: true,
    sourcemap: 'linked',
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/panel.js',
  },
].filter((b) => existsSync(join(root, b.entryPoints[0])));

function copyPython() {
  const src = join(root, 'runtime/python');
  if (!existsSync(src)) return;
  const dst = join(root, 'dist/runtime/python');
  rmSync(dst, { recursive: true, force: true });
  mkdirSync(dirname(dst), { recursive: true });
  cpSync(src, dst, { recursive: true, filter: (p) => !p.includes('__pycache__') });
}

const common = { absWorkingDir: root, minify: production, logLevel: 'warning', legalComments: 'none' };
if (watch) {
  for (const b of bundles) await (await esbuild.context({ ...common, ...b })).watch();
  copyPython();
  console.log('watching…');
} else {
  await Promise.all(bundles.map((b) => esbuild.build({ ...common, ...b })));
  copyPython();
}
