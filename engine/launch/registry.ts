/**
 * Picks the launcher for a snippet by its file extension. The Python launcher lives in
 * `python.ts` (exporting `pythonLauncher`); a build without it answers with a clear error.
 */
import { extname } from 'node:path';
import { makeNodeLauncher, nodeLauncher } from './node';
import type { Launcher } from './types';

/** Extensions the Node launcher accepts. */
export const NODE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
/** Extensions handed to the Python launcher. */
export const PYTHON_EXTENSIONS = ['.py'];

/**
 * The launcher for `snippet` and the runtime name, or an actionable error line. `nodeBoot` replaces
 * the Node runtime's bootstrap (tests, other builds).
 */
export function launcherFor(
  snippet: string,
  nodeBoot?: string,
): { launcher: Launcher; runtime: 'node' | 'python' } | { error: string } {
  const ext = extname(snippet).toLowerCase();
  if (NODE_EXTENSIONS.includes(ext)) {
    return { launcher: nodeBoot ? makeNodeLauncher(nodeBoot) : nodeLauncher, runtime: 'node' };
  }
  if (PYTHON_EXTENSIONS.includes(ext)) {
    const python = loadPythonLauncher();
    return python ? { launcher: python, runtime: 'python' } : { error: `${snippet}: Python support is not built` };
  }
  const known = [...NODE_EXTENSIONS, ...PYTHON_EXTENSIONS].join(', ');
  return { error: `${snippet}: unsupported file type '${ext || '(none)'}'; a snippet must end in one of ${known}` };
}

function loadPythonLauncher(): Launcher | undefined {
  try {
    // A require inside try/catch: esbuild bundles it when the file exists and leaves it out otherwise.
    const mod = require('./python') as { pythonLauncher?: Launcher; default?: Launcher };
    return mod.pythonLauncher ?? mod.default;
  } catch {
    return undefined;
  }
}
