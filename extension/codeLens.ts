import * as vscode from 'vscode';
import { findMainGuards } from './mainGuard';
import { readSettings } from './settings';

/** Puts a "Run and Visualize" CodeLens over each main guard of a snippet. */
export class MainGuardCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  /** Asks VS Code to recompute lenses (settings changed). */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!readSettings(doc.uri).codeLens) return [];
    return findMainGuards(doc.languageId, doc.getText()).map(
      (line) =>
        new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
          title: '$(graph-line) Run and Visualize',
          tooltip: 'Run this snippet and show every process, task, queue and lock on a live timeline',
          command: 'concurrencyLens.run',
          arguments: [doc.uri],
        }),
    );
  }

  dispose(): void {
    this.changed.dispose();
  }
}
