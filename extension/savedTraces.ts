import * as path from 'node:path';
import * as vscode from 'vscode';
import { toChromeTrace } from '../common/chrome/export';
import { fromChromeTrace } from '../common/chrome/import';
import type { Chunk } from '../common/protocol';
import { TraceStore } from '../common/store';
import { decodeChunkFile, encodeChunkFile } from './chunkFile';
import type { FeedSource } from './panelFeed';
import type { LensSettings } from './settings';

const LAST_PANEL = 'last-panel.clchunks';

/** Remembers what the panel shows (a finished run or an opened trace) losslessly, for restoring it later. */
export async function saveShown(context: vscode.ExtensionContext, shown: FeedSource, snippet = ''): Promise<void> {
  const dir = context.globalStorageUri;
  await vscode.workspace.fs.createDirectory(dir);
  const data = encodeChunkFile({ title: shown.title, snippet, savedAt: new Date().toISOString() }, shown.chunks);
  await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, LAST_PANEL), data);
}

/** Saves a finished run for restoring, and as Chrome trace JSON in the traces folder if one is set. */
export async function saveRun(
  context: vscode.ExtensionContext,
  run: FeedSource & { snippet: vscode.Uri },
  settings: LensSettings,
): Promise<void> {
  await saveShown(context, run, run.snippet.fsPath);
  if (settings.tracesFolder) {
    const folder = vscode.Uri.file(settings.tracesFolder);
    await vscode.workspace.fs.createDirectory(folder);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `${run.title.replace(/\.[^.]+$/, '')}-${stamp}.trace.json`;
    await exportChromeTrace(run.chunks, vscode.Uri.joinPath(folder, name));
  }
}

/** What the panel showed last, if anything was saved. */
export async function loadLastShown(context: vscode.ExtensionContext): Promise<{ title: string; chunks: Chunk[] }> {
  const data = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.globalStorageUri, LAST_PANEL));
  const { header, chunks } = decodeChunkFile(data);
  return { title: header.title, chunks };
}

/** Writes `chunks` as Chrome trace JSON (opens in Perfetto and in Open Trace…). */
export async function exportChromeTrace(chunks: readonly Chunk[], target: vscode.Uri): Promise<void> {
  const store = new TraceStore();
  for (const c of chunks) store.ingest(c);
  const json = JSON.stringify(toChromeTrace(store));
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(json));
}

/** Reads a Chrome trace JSON file (ours or another tool's) as record chunks; warnings say what was skipped. */
export async function importChromeTrace(
  file: vscode.Uri,
): Promise<{ title: string; chunks: Chunk[]; warnings: string[] }> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`it is not JSON (${(e as Error).message}); a Chrome trace is a JSON file with "traceEvents"`);
  }
  const { chunks, warnings } = fromChromeTrace(json);
  return { title: path.basename(file.fsPath), chunks, warnings };
}
