// Which Python runs a `.py` snippet: the `concurrencyLens.pythonPath` setting if set, else the
// interpreter the Python extension has selected for the file (its public environments API), else the
// engine's default (`python3` on PATH).
import * as vscode from 'vscode';

/** The part of the Python extension's public API used here (`ms-python.python`, environments API). */
interface PythonEnvironmentsApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
}

const PYTHON_EXTENSION = 'ms-python.python';

/** The interpreter for `snippet`, or '' to let the engine use `python3` from PATH. */
export async function pythonFor(snippet: vscode.Uri, configured: string): Promise<string> {
  if (configured) return configured;
  if (!snippet.fsPath.endsWith('.py')) return '';
  const ext = vscode.extensions.getExtension<PythonEnvironmentsApi>(PYTHON_EXTENSION);
  if (!ext) return '';
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    const envs = api?.environments;
    const active = envs?.getActiveEnvironmentPath(snippet);
    if (!envs || !active) return '';
    const resolved = await envs.resolveEnvironment(active);
    return resolved?.executable?.uri?.fsPath ?? active.path ?? '';
  } catch {
    // The Python extension failed or changed its API: fall back to python3 on PATH, as without it.
    return '';
  }
}
