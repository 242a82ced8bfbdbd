/** Where the built runtimes live, both for the bundled CLI/extension (`dist/*.js`) and for sources run by tsx. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The `dist` directory holding `runtime/node/boot.js` and `runtime/python/` (best guess when not built yet). */
export function distDir(): string {
  const candidates = [__dirname, join(__dirname, '..', 'dist'), join(__dirname, '..', '..', 'dist')];
  return candidates.find((d) => existsSync(join(d, 'runtime'))) ?? candidates[1];
}

/** Path of the Node runtime's process bootstrap. */
export function nodeBootPath(): string {
  return join(distDir(), 'runtime', 'node', 'boot.js');
}
