// Packages the extension as a .vsix from the current build (what `npm run package` ships, without
// the minified rebuild), so the end-to-end test installs exactly what users install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './codeServer';

/** Builds `out` with vsce from `dist/`; throws with vsce's output when packaging fails. */
export function packageVsix(out: string): string {
  if (!existsSync(join(ROOT, 'dist', 'extension.js')) || !existsSync(join(ROOT, 'dist', 'webview', 'panel.js'))) {
    throw new Error('dist/ is not built: run npm run build');
  }
  const vsce = join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const target = `${process.platform}-${process.arch === 'arm' ? 'armhf' : process.arch}`;
  execFileSync(process.execPath, [vsce, 'package', '--target', target, '--allow-missing-repository', '-o', out], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
  return out;
}
