import * as path from 'node:path';
import * as vscode from 'vscode';

/** The user's `concurrencyLens.*` settings, read fresh for every run. */
export interface LensSettings {
  timeLimitMs: number;
  processLimit: number;
  nodePath: string;
  pythonPath: string;
  /** Absolute folder for saved Chrome traces, or '' to save none. */
  tracesFolder: string;
  codeLens: boolean;
}

/** Reads the settings that apply to `resource` (its workspace folder's, else the window's). */
export function readSettings(resource?: vscode.Uri): LensSettings {
  const c = vscode.workspace.getConfiguration('concurrencyLens', resource);
  const folder = (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
  let traces = c.get<string>('tracesFolder', '').trim();
  if (traces && !path.isAbsolute(traces) && folder) traces = path.join(folder.uri.fsPath, traces);
  return {
    timeLimitMs: Math.round(c.get<number>('timeLimitSeconds', 60) * 1000),
    processLimit: c.get<number>('processLimit', 64),
    nodePath: c.get<string>('nodePath', '').trim(),
    pythonPath: c.get<string>('pythonPath', '').trim(),
    tracesFolder: traces,
    codeLens: c.get<boolean>('codeLens', true),
  };
}
