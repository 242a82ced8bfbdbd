import * as vscode from 'vscode';
import { locInside } from './locations';

/**
 * Opens the source line a span came from. `loc` comes from the panel, so it is only trusted as far
 * as it names an existing file under one of `roots`; anything else is ignored.
 */
export async function revealLoc(loc: string, roots: readonly vscode.Uri[]): Promise<boolean> {
  const parsed = locInside(
    loc,
    roots.map((r) => r.fsPath),
  );
  if (!parsed) return false;
  const uri = vscode.Uri.file(parsed.file);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File) return false;
  } catch {
    return false;
  }
  const pos = new vscode.Position(parsed.line - 1, parsed.col - 1);
  await vscode.window.showTextDocument(uri, {
    viewColumn: vscode.ViewColumn.One,
    selection: new vscode.Range(pos, pos),
    preserveFocus: false,
  });
  return true;
}
