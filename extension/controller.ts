import * as vscode from 'vscode';
import type { Chunk } from '../common/protocol';
import { reportRunProblems, type RunProblems } from './problems';
import { LensPanel, PANEL_VIEW_TYPE, panelOptions } from './panel';
import type { FeedSource } from './panelFeed';
import { RunSession } from './runSession';
import { runtimeFor } from './mainGuard';
import { openSamplePath, pickSample } from './samples';
import { exportChromeTrace, importChromeTrace, loadLastShown, saveRun, saveShown } from './savedTraces';
import { hintsFromChunks, parseWaitTarget, showWaitRefusal } from './lineHints';
import { pythonFor } from './pythonInterpreter';
import { readSettings } from './settings';
import type { WaitLens } from './waitLens';
import { RunStatusBar } from './statusBar';
import { ensureTrusted } from './trust';
import { revealLoc } from './reveal';

/** A trace loaded from a file: fixed chunks, nothing live. */
function loadedSource(title: string, chunks: Chunk[], message: string): FeedSource {
  return { title, chunks, state: { phase: 'ended', message, exitCode: null, canStop: false, canRerun: false } };
}

/** Owns the panel, the live run and the commands that act on them. */
export class LensController implements vscode.Disposable {
  private panel: LensPanel | undefined;
  private source: FeedSource | undefined;
  private session: RunSession | undefined;
  private lastSnippet: vscode.Uri | undefined;
  /** The run whose numbers the editor's CodeLens and hovers show. */
  private hinted: FeedSource | undefined;
  private readonly status = new RunStatusBar();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    private readonly log: vscode.LogOutputChannel,
    private readonly problems: RunProblems,
    private readonly waitLens: WaitLens,
  ) {}

  /** `concurrencyLens.run`: runs `uri` (or the active editor's file) and shows it live. */
  async run(uri?: vscode.Uri): Promise<void> {
    if (!(await ensureTrusted())) return;
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== 'file' || !runtimeFor(target.fsPath)) {
      void vscode.window.showErrorMessage(
        'Concurrency Lens runs .js, .ts and .py snippets from disk: open one (or use "Concurrency Lens: Open Sample…") and run again.',
      );
      return;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString());
    if (doc?.isDirty) await doc.save();
    await this.session?.stop();
    this.lastSnippet = target;
    void vscode.commands.executeCommand('setContext', 'concurrencyLens.hasRun', true);
    this.problems.delete(target);

    const settings = readSettings(target);
    const session = new RunSession(
      target,
      { ...settings, pythonPath: await pythonFor(target, settings.pythonPath) },
      this.output,
    );
    this.session?.dispose();
    this.session = session;
    this.show(session);
    this.setRunning(true, session);
    session.onDidAppend((chunks) => this.source === session && this.panel?.append(chunks));
    session.onDidChangeState(() => this.source === session && this.panel?.stateChanged());
    const outcome = await session.done;
    if (this.session === session) this.setRunning(false, session);
    reportRunProblems(this.problems, session.snippet, outcome);
    if (this.session === session && session.chunks.length > 0) {
      this.waitLens.update(hintsFromChunks(session.chunks));
      this.hinted = session;
    }
    if (session.chunks.length > 0) {
      await saveRun(this.context, session, readSettings(target)).catch((e) => this.log.error(`saving the run: ${e}`));
    }
  }

  /** `concurrencyLens.stop`: ends the live run's whole process tree. */
  async stop(): Promise<void> {
    await this.session?.stop();
  }

  /** `concurrencyLens.rerun`: runs the last snippet again. */
  async rerun(): Promise<void> {
    if (this.lastSnippet) return this.run(this.lastSnippet);
    void vscode.window.showInformationMessage(
      'Concurrency Lens: nothing has run yet. Open a snippet and run it first.',
    );
  }

  /** `concurrencyLens.openSample`. */
  async openSample(): Promise<void> {
    await pickSample(this.context.extensionUri);
  }

  /** `concurrencyLens.showWait` (the hover's "Show in chart"): selects that wait in the panel, opening it if closed. */
  showWait(arg: unknown): void {
    const target = parseWaitTarget(arg);
    if (!target) return;
    const run = this.hinted;
    const refusal = showWaitRefusal(run?.title, this.source?.title, run !== undefined && this.source === run);
    if (refusal || !run) {
      void vscode.window.showInformationMessage(refusal ?? '');
      return;
    }
    if (!this.panel) this.show(run);
    else this.panel.reveal();
    this.panel?.focus({ type: 'chart/focus', ...target });
  }

  /** `concurrencyLens.openTrace`: shows a Chrome trace JSON file (ours or another tool's). */
  async openTrace(uri?: vscode.Uri): Promise<void> {
    const file =
      uri instanceof vscode.Uri
        ? uri
        : (
            await vscode.window.showOpenDialog({
              title: 'Concurrency Lens: Open Trace',
              filters: { 'Chrome trace': ['json'] },
              canSelectMany: false,
            })
          )?.[0];
    if (!file) return;
    try {
      const { title, chunks, warnings } = await importChromeTrace(file);
      for (const w of warnings) this.log.warn(`${file.fsPath}: ${w}`);
      const note = warnings.length > 0 ? ` (${warnings.length} parts skipped; see "Concurrency Lens (log)")` : '';
      const source = loadedSource(title, chunks, `Opened ${file.fsPath}${note}`);
      this.show(source);
      await saveShown(this.context, source).catch((e) => this.log.error(`remembering the trace: ${e}`));
    } catch (e) {
      void vscode.window.showErrorMessage(`Concurrency Lens could not open ${file.fsPath}: ${(e as Error).message}`);
    }
  }

  /** `concurrencyLens.exportTrace`: writes what the panel shows as Chrome trace JSON (opens in Perfetto). */
  async exportTrace(uri?: vscode.Uri): Promise<void> {
    const src = this.source;
    if (!src || src.chunks.length === 0) {
      void vscode.window.showInformationMessage(
        'Concurrency Lens: there is no trace to export yet. Run a snippet first.',
      );
      return;
    }
    const target =
      uri instanceof vscode.Uri
        ? uri
        : await vscode.window.showSaveDialog({
            title: 'Concurrency Lens: Export Trace',
            filters: { 'Chrome trace': ['json'] },
            defaultUri: vscode.Uri.joinPath(
              vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(this.context.globalStorageUri.fsPath),
              src.title.replace(/\.[^.]+$/, '') + '.trace.json',
            ),
          });
    if (!target) return;
    await exportChromeTrace(src.chunks, target);
    void vscode.window.showInformationMessage(`Concurrency Lens: trace exported to ${target.fsPath}`);
  }

  /** Restores the panel VS Code kept from the last session, with what it showed (saved when shown). */
  async restore(webviewPanel: vscode.WebviewPanel): Promise<void> {
    this.attach(webviewPanel);
    const last = await loadLastShown(this.context).catch(() => undefined);
    this.show(
      last
        ? loadedSource(last.title, last.chunks, `Restored ${last.title} from the last session.`)
        : loadedSource('no trace', [], 'Nothing was saved from the last session. Run a snippet or open a trace.'),
    );
  }

  private show(source: FeedSource): void {
    this.source = source;
    if (!this.panel) {
      const p = vscode.window.createWebviewPanel(
        PANEL_VIEW_TYPE,
        'Concurrency Lens',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        panelOptions(this.context.extensionUri),
      );
      this.attach(p);
    } else {
      this.panel.reveal();
    }
    this.panel!.show(source);
  }

  private attach(webviewPanel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    const panel = new LensPanel(
      webviewPanel,
      this.context.extensionUri,
      {
        stop: () => void this.stop(),
        rerun: () => void this.rerun(),
        reveal: (loc) => void revealLoc(loc, this.allowedRoots()),
        openSample: (id) => void openSamplePath(this.context.extensionUri, id),
      },
      this.log,
    );
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
    });
    this.panel = panel;
  }

  /** Folders a `source/reveal` from the panel may open files in: the workspace and the run's snippet folder. */
  private allowedRoots(): vscode.Uri[] {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri);
    if (this.lastSnippet) roots.push(vscode.Uri.joinPath(this.lastSnippet, '..'));
    return roots;
  }

  private setRunning(running: boolean, session: RunSession): void {
    void vscode.commands.executeCommand('setContext', 'concurrencyLens.running', running);
    if (running) this.status.start(session.title, session.startedAt);
    else this.status.stop();
  }

  /** What the panel shows (or would show), for integration tests. */
  get shown(): FeedSource | undefined {
    return this.source;
  }

  dispose(): void {
    this.session?.dispose();
    this.panel?.dispose();
    this.status.dispose();
  }
}
