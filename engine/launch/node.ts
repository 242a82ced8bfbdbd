/**
 * The Node launcher: bundles the snippet (JS or TS) with esbuild into the run directory, with a source
 * map so stack traces point into the user's file, and starts it under the Node runtime's `boot.js`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { nodeBootPath } from '../paths';
import type { LaunchContext, LaunchError, LaunchPlan, Launcher } from './types';

/** Name of the compiled snippet inside the run directory. */
export const COMPILED_SNIPPET = 'snippet.js';

/** Bundles `ctx.snippet` to `<runDir>/snippet.js`; returns `file:line:col: message` on the first error. */
export async function bundleSnippet(ctx: LaunchContext): Promise<string | LaunchError> {
  const outfile = join(ctx.runDir, COMPILED_SNIPPET);
  const workDir = dirname(ctx.snippet);
  try {
    await esbuild.build({
      absWorkingDir: workDir,
      entryPoints: [ctx.snippet],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      packages: 'external',
      external: ['concurrency-lens'],
      logLevel: 'silent',
      write: true,
    });
    return outfile;
  } catch (err) {
    const first = (err as esbuild.BuildFailure).errors?.[0];
    if (!first) return { error: `${ctx.snippet}: ${(err as Error).message}` };
    const loc = first.location;
    const where = loc ? `${resolve(workDir, loc.file)}:${loc.line}:${loc.column + 1}` : ctx.snippet;
    return { error: `${where}: ${first.text}` };
  }
}

/** `node_modules` folders from the snippet's folder up to the root, so bare imports resolve as they would beside the file. */
function modulePaths(snippet: string, existing: string | undefined): string {
  const dirs: string[] = [];
  for (let d = dirname(snippet); ; d = dirname(d)) {
    dirs.push(join(d, 'node_modules'));
    if (dirname(d) === d) break;
  }
  if (existing) dirs.push(existing);
  return dirs.join(process.platform === 'win32' ? ';' : ':');
}

/** Creates a Node launcher that starts snippets under `boot` (default: the built Node runtime). */
export function makeNodeLauncher(boot?: string): Launcher {
  return {
    async prepare(ctx: LaunchContext): Promise<LaunchPlan | LaunchError> {
      const bootPath = boot ?? nodeBootPath();
      if (!existsSync(bootPath)) {
        return { error: `the Node runtime is not built (missing ${bootPath}); run \`npm run build\`` };
      }
      const compiled = await bundleSnippet(ctx);
      if (typeof compiled !== 'string') return compiled;
      const env = { ...ctx.env, NODE_PATH: modulePaths(ctx.snippet, ctx.env.NODE_PATH) };
      return { command: ctx.nodePath, args: ['--enable-source-maps', bootPath, compiled, ...ctx.args], env };
    },
  };
}

/** The launcher for `.js`/`.ts` snippets. */
export const nodeLauncher: Launcher = makeNodeLauncher();
