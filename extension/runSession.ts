import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Chunk, RunState } from '../common/protocol';
import { startEngineRun, type RunHandle, type RunOutcome } from './engineRun';
import type { FeedSource } from './panelFeed';
import type { LensSettings } from './settings';

/** One run of a snippet as the extension sees it: its record streams, its phase and its output. */
export class RunSession implements FeedSource, vscode.Disposable {
  readonly title: string;
  readonly chunks: Chunk[] = [];
  state: Omit<RunState, 'type'> = {
    phase: 'starting',
    message: 'Starting…',
    exitCode: null,
    canStop: true,
    canRerun: false,
  };
  readonly startedAt = Date.now();
  /** Resolves when the run has ended, however it ended. */
  readonly done: Promise<RunOutcome>;
  private readonly appended = new vscode.EventEmitter<Chunk[]>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** New chunks arrived (already in `chunks`). */
  readonly onDidAppend = this.appended.event;
  /** `state` changed. */
  readonly onDidChangeState = this.changed.event;
  private readonly handle: RunHandle;
  private stopping = false;

  constructor(
    readonly snippet: vscode.Uri,
    settings: LensSettings,
    output: vscode.OutputChannel,
  ) {
    this.title = path.basename(snippet.fsPath);
    output.appendLine(`── ${new Date().toLocaleTimeString()} run ${snippet.fsPath}`);
    this.handle = startEngineRun({
      snippet: snippet.fsPath,
      cwd: path.dirname(snippet.fsPath),
      settings,
      onChunks: (chunks) => {
        for (const c of chunks) this.chunks.push(c);
        if (this.state.phase === 'starting') this.setState({ phase: 'running', message: 'Running…' });
        this.appended.fire(chunks);
      },
      onOutput: (pid, stream, text) => output.appendLine(`[${pid}${stream === 'stderr' ? ' err' : ''}] ${text}`),
    });
    this.done = this.handle.done.then(
      (o) => this.finish(o, output),
      (e: unknown) =>
        this.finish(
          { phase: 'failed', reason: 'error', exitCode: null, message: String(e), errorText: String(e) },
          output,
        ),
    );
  }

  /** True until the run has ended. */
  get live(): boolean {
    return this.state.phase === 'starting' || this.state.phase === 'running';
  }

  /** Ends the whole process tree of the run. */
  async stop(): Promise<void> {
    if (!this.live || this.stopping) return;
    this.stopping = true;
    this.setState({ message: 'Stopping…', canStop: false });
    await this.handle.stop();
  }

  private finish(o: RunOutcome, output: vscode.OutputChannel): RunOutcome {
    output.appendLine(`── ${o.message}`);
    this.setState({
      phase: o.phase,
      message: o.message,
      exitCode: o.exitCode,
      canStop: false,
      canRerun: true,
    });
    return o;
  }

  private setState(s: Partial<RunSession['state']>): void {
    this.state = { ...this.state, ...s };
    this.changed.fire();
  }

  dispose(): void {
    void this.stop();
    this.appended.dispose();
    this.changed.dispose();
  }
}
