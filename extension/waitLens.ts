// Shows the last run's waits where they happened: a CodeLens over each line that took a lock, got
// from a queue or mapped over a pool ("lock counter_lock · 400× · wait p50 1.2 ms · p95 9 ms"), and a
// hover with the worst instance. Cleared when the file changes, since the numbers belong to the run.
import * as vscode from 'vscode';
import { HOVER_TRUST, hoverMarkdown, lensTitle, type HintsByFile, type LensHint } from './lineHints';

/** CodeLens and hover provider for the last run's per-line wait statistics. */
export class WaitLens implements vscode.CodeLensProvider, vscode.HoverProvider, vscode.Disposable {
  private hints: HintsByFile = new Map();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly watch = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length > 0 && this.hints.delete(e.document.uri.fsPath)) this.changed.fire();
  });

  /** Replaces the hints with those of a newly finished run. */
  update(hints: HintsByFile): void {
    this.hints = hints;
    this.changed.fire();
  }

  private at(doc: vscode.TextDocument): LensHint[] {
    return this.hints.get(doc.uri.fsPath) ?? [];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    return this.at(doc)
      .filter((h) => h.line - 1 < doc.lineCount)
      .map(
        (h) =>
          new vscode.CodeLens(new vscode.Range(h.line - 1, 0, h.line - 1, 0), {
            title: lensTitle(h),
            tooltip: 'From the last Concurrency Lens run; hover the line for the worst wait',
            command: '',
          }),
      );
  }

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const here = this.at(doc).filter((h) => h.line - 1 === pos.line);
    if (here.length === 0) return undefined;
    return new vscode.Hover(
      here.map((h) => {
        const md = new vscode.MarkdownString(hoverMarkdown(h));
        // Only the "Show in chart" link may run, and only its own command.
        md.isTrusted = HOVER_TRUST;
        return md;
      }),
    );
  }

  dispose(): void {
    this.watch.dispose();
    this.changed.dispose();
  }
}
