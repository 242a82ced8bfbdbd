import * as vscode from 'vscode';
import type { RunOutcome } from './engineRun';
import { errorHeadline, findErrorLoc } from './locations';

/** The Problems-panel entries of runs (syntax errors and other failures before the run started). */
export type RunProblems = vscode.DiagnosticCollection;

/**
 * Turns a failed or limited run into what a user can act on: a Diagnostic plus a notification with "Go to
 * Error" for an error located in the snippet, "Open Settings" for a missing interpreter or a limit that was hit.
 */
export function reportRunProblems(problems: RunProblems, snippet: vscode.Uri, o: RunOutcome): void {
  if (o.reason === 'timeout' || o.reason === 'proc-limit') {
    const key = o.reason === 'timeout' ? 'timeLimitSeconds' : 'processLimit';
    const open = 'Open Settings';
    void vscode.window.showWarningMessage(`Concurrency Lens: ${o.message}`, open).then((c) => {
      if (c === open) void vscode.commands.executeCommand('workbench.action.openSettings', `concurrencyLens.${key}`);
    });
    return;
  }
  if (o.phase !== 'failed') return;
  if (o.missingInterpreter) {
    const key = o.missingInterpreter === 'python' ? 'pythonPath' : 'nodePath';
    const open = 'Open Settings';
    void vscode.window
      .showErrorMessage(
        `Concurrency Lens could not start ${o.missingInterpreter === 'python' ? 'Python' : 'Node'} ` +
          `(${o.message}). Install it or set "concurrencyLens.${key}" to its full path.`,
        open,
      )
      .then((c) => {
        if (c === open) void vscode.commands.executeCommand('workbench.action.openSettings', `concurrencyLens.${key}`);
      });
    return;
  }
  const text = o.errorText ?? o.message;
  const loc = findErrorLoc(text, snippet.fsPath);
  const headline = errorHeadline(text.replace(`${snippet.fsPath}:`, '').replace(/^\d+:\d+:\s*/, ''));
  if (!loc) {
    void vscode.window.showErrorMessage(`Concurrency Lens: ${o.message}`);
    return;
  }
  const pos = new vscode.Position(loc.line - 1, loc.col - 1);
  const d = new vscode.Diagnostic(
    new vscode.Range(pos, pos.translate(0, 1)),
    headline,
    vscode.DiagnosticSeverity.Error,
  );
  d.source = 'Concurrency Lens';
  problems.set(snippet, [d]);
  const go = 'Go to Error';
  void vscode.window
    .showErrorMessage(`Concurrency Lens: ${headline} (${loc.line}:${loc.col}); the snippet did not start.`, go)
    .then((c) => {
      if (c === go) void vscode.window.showTextDocument(snippet, { selection: new vscode.Range(pos, pos) });
    });
}
