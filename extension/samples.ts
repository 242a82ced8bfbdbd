import * as vscode from 'vscode';
import { isSamplePath } from '../common/samples';

/** Lets the user pick one of the bundled samples (`samples/node`, `samples/python`) and opens it. */
export async function pickSample(extensionUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const items: (vscode.QuickPickItem & { uri: vscode.Uri })[] = [];
  for (const runtime of ['node', 'python']) {
    const dir = vscode.Uri.joinPath(extensionUri, 'samples', runtime);
    let entries: [string, vscode.FileType][] = [];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      continue;
    }
    for (const [name, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      if (type !== vscode.FileType.File || !/\.(?:[cm]?[jt]s|py)$/.test(name)) continue;
      const uri = vscode.Uri.joinPath(dir, name);
      items.push({ label: name, description: runtime, detail: await firstComment(uri), uri });
    }
  }
  if (items.length === 0) {
    void vscode.window.showErrorMessage('Concurrency Lens: no samples are installed with this extension.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Concurrency Lens: Open Sample',
    placeHolder: 'A snippet to run and visualize',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  await vscode.window.showTextDocument(pick.uri, { preview: false });
  return pick.uri;
}

/** Opens the bundled sample at repository path `id` (one of `SAMPLE_PATHS`; anything else is ignored). */
export async function openSamplePath(extensionUri: vscode.Uri, id: string): Promise<void> {
  if (!isSamplePath(id)) return;
  const uri = vscode.Uri.joinPath(extensionUri, ...id.split('/'));
  try {
    await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
  } catch {
    void vscode.window.showErrorMessage(`Concurrency Lens: the sample ${id} is not installed with this extension.`);
  }
}

/** The sample's opening comment, which says what to look for in the chart. */
async function firstComment(uri: vscode.Uri): Promise<string | undefined> {
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).slice(0, 2000);
    const m = /^\s*(?:\/\/|#|\/\*+|"""|''')\s*(.+)/m.exec(text);
    return m?.[1].replace(/\*\/\s*$/, '').trim();
  } catch {
    return undefined;
  }
}
