// `npm run package`: a minified build, then a .vsix for this machine's platform. The .vsix carries
// esbuild's native binary (the Node launcher transpiles snippets at run time), so it is per platform.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const target = `${process.platform}-${process.arch === 'arm' ? 'armhf' : process.arch}`;
const out = process.argv[2] ?? `concurrency-lens-${target}.vsix`;
const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
execFileSync(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '-o', out], {
  stdio: 'inherit',
});
