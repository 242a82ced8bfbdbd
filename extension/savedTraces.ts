import * as vscode from 'vscode';
import type { Chunk } from '../common/protocol';
import { decodeChunkFile, encodeChunkFile } from './chunkFile';
import type { FeedSource } from './panelFeed';
import type { LensSettings } from './settings';

const LAST_RUN = 'last-run.clchunks';

/** Saves a finished run: losslessly for panel restore, and as Chrome trace JSON in the traces folder if one is set. */
export async function saveRun(
  context: vscode.ExtensionContext,
  run: FeedSource & { snippet: vscode.Uri },
  settings: LensSettings,
): Promise<void> {
  const dir = context.globalStorageUri;
  await vscode.workspace.fs.createDirectory(dir);
  const data = encodeChunkFile(
    { title: run.title, snippet: run.snippet.fsPath, savedAt: new Date().toISOString() },
    run.chunks,
  );
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, LAST_RUN), data);
  if (settings.tracesFolder) {
    const folder = vscode.Uri.file(settings.tracesFolder);
    await vscode.workspace.fs.createDirectory(folder);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `${run.title.replace(/\.[^.]+$/, '')}-${stamp}.trace.json`;
    await exportChromeTrace(run.chunks, vscode.Uri.joinPath(folder, name));
  }
}

/** The last saved run, if any. */
export async function loadLastRun(context: vscode.ExtensionContext): Promise<{ title: string; chunks: Chunk[] }> {
  const data = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.globalStorageUri, LAST_RUN));
  const { header, chunks } = decodeChunkFile(data);
  return { title: header.title, chunks };
}

/** Writes `chunks` as Chrome trace JSON. */
export async function exportChromeTrace(chunks: readonly Chunk[], target: vscode.Uri): Promise<void> {
  void chunks;
  void target;
  throw new Error('the Chrome trace exporter is not part of this build');
}

/** Reads a Chrome trace JSON file (ours or another tool's) as record chunks. */
export async function importChromeTrace(file: vscode.Uri): Promise<{ title: string; chunks: Chunk[] }> {
  void file;
  throw new Error('the Chrome trace importer is not part of this build');
}
