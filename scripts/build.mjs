// The one build script: every bundle (extension host, CLI/engine, Node runtime, panel, TS server
// plugin), the Node runtime's declarations and the Python runtime copy.
// `node scripts/build.mjs [--watch] [--production]`.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const PLUGIN = 'concurrency-lens-ts-plugin';
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
  // TypeScript server plugin (contributes.typescriptServerPlugins). tsserver loads plugins by package
  // name from the extension's node_modules, so it is written there as a package of its own (see
  // writePluginPackage); typescript is the one the server passes in, never bundled.
  {
    ...node,
    sourcemap: false,
    entryPoints: ['tsplugin/index.ts'],
    outfile: `node_modules/${PLUGIN}/index.js`,
    external: ['typescript'],
  },
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

function writePluginPackage() {
  const dir = join(root, 'node_modules', PLUGIN);
  mkdirSync(dir, { recursive: true });
  const pkg = { name: PLUGIN, version: '0.0.0', private: true, main: 'index.js' };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
}

/**
 * Declarations of the `concurrency-lens` API for snippet authors (the TS server plugin and the
 * package's `types` point at them), with the doc comments kept for hovers and `@internal` members
 * left out. The entry names the libs the API's types need, so an editor's default project has them.
 */
async function emitTypes() {
  const { default: ts } = await import('typescript');
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'runtime/node/tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => console.error(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  );
  const outDir = join(root, 'dist/types');
  const options = {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    stripInternal: true,
    rootDir: root,
    declarationDir: outDir,
  };
  const program = ts.createProgram([join(root, 'runtime/node/index.ts')], options);
  const written = [];
  const result = program.emit(undefined, (file, text) => {
    if (file.endsWith(join('runtime', 'node', 'index.d.ts'))) {
      text = `/// <reference lib="es2022" />\n/// <reference lib="esnext.disposable" />\n${text}`;
    }
    // Unchanged files are left alone: an editor or test reading them during a rebuild sees no gap.
    written.push(file);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  });
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0 || written.length === 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
    throw new Error(`declarations of runtime/node failed:\n${ts.formatDiagnostics(errors, host)}`);
  }
}

const common = { absWorkingDir: root, minify: production, logLevel: 'warning', legalComments: 'none' };
if (watch) {
  for (const b of bundles) await (await esbuild.context({ ...common, ...b })).watch();
  writePluginPackage();
  await emitTypes();
  copyPython();
  console.log('watching…');
} else {
  await Promise.all([...bundles.map((b) => esbuild.build({ ...common, ...b })), emitTypes()]);
  writePluginPackage();
  copyPython();
}
