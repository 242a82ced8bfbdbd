// Entry point of the extension host side: wires commands, CodeLens, the panel serializer and the
// output channels to one controller. Everything else lives in the files it imports.
import * as vscode from 'vscode';
import { MainGuardCodeLens } from './codeLens';
import { LensController } from './controller';
import { SHOW_WAIT_COMMAND } from './lineHints';
import { PANEL_VIEW_TYPE } from './panel';
import { WaitLens } from './waitLens';

/** Called by VS Code on the first activation event. */
export function activate(context: vscode.ExtensionContext): { controller: LensController } {
  const output = vscode.window.createOutputChannel('Concurrency Lens');
  const log = vscode.window.createOutputChannel('Concurrency Lens (log)', { log: true });
  const problems = vscode.languages.createDiagnosticCollection('concurrencyLens');
  const waitLens = new WaitLens();
  const controller = new LensController(context, output, log, problems, waitLens);
  const lens = new MainGuardCodeLens();
  const snippetFiles = ['javascript', 'typescript', 'python'].map((language) => ({ language, scheme: 'file' }));
  const cmd = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, fn);
  context.subscriptions.push(
    output,
    log,
    problems,
    controller,
    lens,
    cmd('concurrencyLens.run', (uri?: vscode.Uri) => controller.run(uri)),
    cmd('concurrencyLens.stop', () => controller.stop()),
    cmd('concurrencyLens.rerun', () => controller.rerun()),
    cmd('concurrencyLens.openTrace', (uri?: vscode.Uri) => controller.openTrace(uri)),
    cmd('concurrencyLens.exportTrace', (uri?: vscode.Uri) => controller.exportTrace(uri)),
    cmd('concurrencyLens.openSample', () => controller.openSample()),
    cmd(SHOW_WAIT_COMMAND, (target: unknown) => controller.showWait(target)),
    vscode.languages.registerCodeLensProvider(snippetFiles, lens),
    waitLens,
    vscode.languages.registerCodeLensProvider(snippetFiles, waitLens),
    vscode.languages.registerHoverProvider(snippetFiles, waitLens),
    vscode.workspace.onDidChangeConfiguration(
      (e) => e.affectsConfiguration('concurrencyLens.codeLens') && lens.refresh(),
    ),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: (panel) => controller.restore(panel),
    }),
  );
  return { controller };
}

/** Called by VS Code on shutdown; subscriptions (and with them any live run) are disposed. */
export function deactivate(): void {}
