import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseLoc } from './locations';

/**
 * Opens the source line a span came from. `loc` comes from the panel, so it is only trusted as far
 * as it names an existing file under one of `roots`; anything else is ignored.
 */
export async function revealLoc(loc: string, roots: readonly vscode.Uri[]): Promise<boolean> {
  const parsed = parseLoc(loc);
  if (!parsed || !path.isAbsolute(parsed.file)) return false;
  const file = path.resolve(parsed.file);
  const inside = roots.some((r) => {
    const rel = path.relative(r.fsPath, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });
  if (!inside) return false;
  const uri = vscode.Uri.file(file);
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
