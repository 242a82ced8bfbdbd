import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelHtml } from '../common/panelHtml';
import { parseFromPanel, type ChartFocus, type FromPanel } from '../common/protocol';
import { PanelFeed, type FeedSource } from './panelFeed';

/** View type of the panel, also the key of its serializer. */
export const PANEL_VIEW_TYPE = 'concurrencyLens.panel';

/** What the panel asks of the host, after its messages have been validated. */
export interface PanelActions {
  stop(): void;
  rerun(): void;
  reveal(loc: string): void;
  /** Opens a bundled sample (`id` is one of `SAMPLE_PATHS`, checked by `parseFromPanel`). */
  openSample(id: string): void;
}

/** Webview options: scripts on, resources only from the built panel folder. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    enableFindWidget: false,
  };
}

/** The one timeline panel: owns its webview, feeds it from a source, forwards validated requests. */
export class LensPanel implements vscode.Disposable {
  private readonly feed: PanelFeed;
  private readonly subs: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  /** Fires once when the user closes the panel. */
  readonly onDidDispose = this.disposed.event;
  /** Incoming messages that failed validation and were ignored. */
  rejected = 0;

  constructor(
    readonly webviewPanel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly actions: PanelActions,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const webview = webviewPanel.webview;
    webview.options = panelOptions(extensionUri);
    this.feed = new PanelFeed((m) => void webview.postMessage(m));
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name));
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: asset('panel.js').toString(),
      styleUri: asset('panel.css').toString(),
      title: 'Concurrency Lens',
    });
    this.subs.push(
      webview.onDidReceiveMessage((raw) => this.receive(raw)),
      webviewPanel.onDidChangeViewState((e) => this.feed.setVisible(e.webviewPanel.visible)),
      webviewPanel.onDidDispose(() => this.dispose()),
    );
  }

  /** Shows `source` (snapshot now if the panel is ready, else on `ready`). */
  show(source: FeedSource): void {
    this.webviewPanel.title = `Concurrency Lens: ${source.title}`;
    this.feed.setSource(source);
  }

  /** Forwards new chunks of the current source. */
  append(chunks: FeedSource['chunks']): void {
    this.feed.append(chunks);
  }

  /** The current source's run state changed. */
  stateChanged(): void {
    this.feed.stateChanged();
  }

  /** Zooms the panel to a span and selects it (after the snapshot if the panel is still loading). */
  focus(m: ChartFocus): void {
    this.feed.focus(m);
  }

  /** Brings the panel to the front without taking focus from the editor. */
  reveal(): void {
    this.webviewPanel.reveal(undefined, true);
  }

  private receive(raw: unknown): void {
    const m: FromPanel | undefined = parseFromPanel(raw);
    if (!m) {
      this.rejected++;
      this.log.warn('ignored an unknown message from the panel');
      return;
    }
    switch (m.type) {
      case 'ready':
        this.feed.onReady();
        return;
      case 'run/stop':
        this.actions.stop();
        return;
      case 'run/rerun':
        this.actions.rerun();
        return;
      case 'source/reveal':
        this.actions.reveal(m.loc);
        return;
      case 'sample/open':
        this.actions.openSample(m.id);
        return;
      default: {
        const never: never = m;
        return never;
      }
    }
  }

  dispose(): void {
    if (this.subs.length === 0) return;
    this.feed.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
    this.disposed.fire();
    this.disposed.dispose();
    this.webviewPanel.dispose();
  }
}
