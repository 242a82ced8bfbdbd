/**
 * Launcher for `.py` snippets: finds the interpreter (option `pythonPath`, else `python3` on PATH),
 * checks it is 3.8 or newer and that the snippet compiles, then starts it unchanged with the hook's
 * `sitecustomize.py` first on `PYTHONPATH` (the hook chains to a user sitecustomize of its own).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { LaunchContext, LaunchError, LaunchPlan, Launcher } from './types';

/** Oldest Python the hook supports. */
export const MIN_PYTHON: readonly [number, number] = [3, 8];

// One interpreter start does both checks; prints one JSON line.
const CHECK = `
import json, sys
out = {'version': list(sys.version_info[:3]), 'executable': sys.executable}
try:
    with open(sys.argv[1], 'rb') as f:
        compile(f.read(), sys.argv[1], 'exec', dont_inherit=True)
except SyntaxError as e:
    out['syntax'] = {'line': e.lineno or 1, 'col': e.offset or 1, 'msg': e.msg}
print(json.dumps(out))
`;

interface CheckResult {
  version: [number, number, number];
  executable: string;
  syntax?: { line: number; col: number; msg: string };
}

/** Directory holding the hook's `sitecustomize.py` (built copy next to the bundle, or the sources). */
export function pythonHookDir(): string {
  const candidates = [
    join(__dirname, 'runtime/python'),
    join(__dirname, '../runtime/python'),
    join(__dirname, '../../runtime/python'),
    join(__dirname, '../../dist/runtime/python'),
  ];
  const found = candidates.find((d) => existsSync(join(d, 'sitecustomize.py')));
  if (!found) throw new Error('the Python hook (runtime/python/sitecustomize.py) is missing from this build');
  return found;
}

function runCheck(python: string, snippet: string, env: Record<string, string>): Promise<CheckResult | LaunchError> {
  return new Promise((resolve) => {
    execFile(python, ['-I', '-c', CHECK, snippet], { env, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve({
          error: `Python interpreter '${python}' was not found: install Python ${MIN_PYTHON.join('.')}+ or set the pythonPath option`,
        });
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as CheckResult);
      } catch {
        const why = (stderr || err?.message || 'no output').trim().split('\n').pop();
        resolve({ error: `'${python}' is not a usable Python ${MIN_PYTHON.join('.')}+ interpreter: ${why}` });
      }
    });
  });
}

/** The `.py` launcher (see `Launcher`). */
export const pythonLauncher: Launcher = {
  async prepare(ctx: LaunchContext): Promise<LaunchPlan | LaunchError> {
    const python = ctx.pythonPath || 'python3';
    const checked = await runCheck(python, ctx.snippet, ctx.env);
    if ('error' in checked) return checked;
    const [major, minor] = checked.version;
    if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
      return {
        error: `${python} is Python ${checked.version.join('.')}; Concurrency Lens needs Python ${MIN_PYTHON.join('.')} or newer`,
      };
    }
    if (checked.syntax) {
      const s = checked.syntax;
      return { error: `${ctx.snippet}:${s.line}:${s.col}: SyntaxError: ${s.msg}` };
    }
    let hook: string;
    try {
      hook = pythonHookDir();
    } catch (e) {
      return { error: (e as Error).message };
    }
    const env: Record<string, string> = { ...ctx.env, PYTHONUNBUFFERED: '1' };
    delete env.CONCURRENCY_LENS_PY_ROOT;
    env.PYTHONPATH = ctx.env.PYTHONPATH ? `${hook}${delimiter}${ctx.env.PYTHONPATH}` : hook;
    return { command: checked.executable || python, args: [ctx.snippet, ...ctx.args], env };
  },
};

export default pythonLauncher;
