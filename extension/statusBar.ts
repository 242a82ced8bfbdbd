import * as vscode from 'vscode';

/** The status-bar item shown while a run is live: what runs, how long, click to stop. */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('concurrencyLens.run', vscode.StatusBarAlignment.Left, 50);
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    this.item.name = 'Concurrency Lens run';
    this.item.command = 'concurrencyLens.stop';
  }

  /** Shows the item for a run of `title` that started at `startedAt` (ms since epoch). */
  start(title: string, startedAt: number): void {
    this.stop();
    const update = () => {
      const s = Math.floor((Date.now() - startedAt) / 1000);
      this.item.text = `$(sync~spin) ${title} ${s}s`;
    };
    update();
    this.item.tooltip = `Concurrency Lens is running ${title}. Click to stop the whole process tree.`;
    this.item.show();
    this.timer = setInterval(update, 1000);
  }

  /** Hides the item. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.item.hide();
  }

  dispose(): void {
    this.stop();
    this.item.dispose();
  }
}
