import * as vscode from 'vscode';

/**
 * True when code may run here. Otherwise tells the user why Concurrency Lens refuses (running a
 * snippet executes it) and how to trust the workspace, with a button that does it.
 */
export async function ensureTrusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    'Concurrency Lens did not run the snippet: this workspace is in Restricted Mode, and running a snippet ' +
      'executes its code and every process it starts. If you trust the code in this folder, trust the ' +
      'workspace (Manage Workspace Trust) and run again. Opening and exporting traces works without trust.',
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
