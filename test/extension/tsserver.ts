// A minimal tsserver client for tests: starts node_modules/typescript's server the way VS Code does
// (global plugins probed in the extension's folder) and answers requests by sequence number.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** One diagnostic as tsserver reports it. */
export interface Diagnostic {
  code: number;
  text: string;
  start: { line: number; offset: number };
}

/** A running tsserver; `close()` ends it. */
export class TsServer {
  private readonly proc: ChildProcess;
  private seq = 0;
  private buf = Buffer.alloc(0);
  private readonly pending = new Map<number, (r: { success: boolean; body?: unknown; message?: string }) => void>();

  /** Starts tsserver, with the extension's plugins when `plugins` names them. */
  constructor(plugins: string[]) {
    const args = [join(root, 'node_modules/typescript/lib/tsserver.js'), '--disableAutomaticTypingAcquisition'];
    if (plugins.length) args.push('--globalPlugins', plugins.join(','), '--pluginProbeLocations', root);
    this.proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc.stdout!.on('data', (d: Buffer) => this.read(d));
  }

  private read(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const head = this.buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const len = Number(/Content-Length: (\d+)/.exec(this.buf.subarray(0, head).toString())?.[1]);
      if (this.buf.length < head + 4 + len) return;
      const msg = JSON.parse(this.buf.subarray(head + 4, head + 4 + len).toString());
      this.buf = this.buf.subarray(head + 4 + len);
      if (msg.type === 'response') this.pending.get(msg.request_seq)?.(msg);
    }
  }

  /** Sends a request and resolves with its response body (rejects on failure). */
  request<T>(command: string, args: unknown): Promise<T> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, (r) => (r.success ? resolve(r.body as T) : reject(new Error(`${command}: ${r.message}`))));
      this.proc.stdin!.write(JSON.stringify({ seq, type: 'request', command, arguments: args }) + '\n');
    });
  }

  /** Opens a file with the given text (as an editor does). */
  open(file: string, text: string): Promise<unknown> {
    this.proc.stdin!.write(
      JSON.stringify({ seq: ++this.seq, type: 'request', command: 'open', arguments: { file, fileContent: text } }) +
        '\n',
    );
    // `open` has no response; a request after it is answered once the open has been handled.
    return this.request('status', {});
  }

  /** Syntactic and semantic errors of an open file. */
  async errors(file: string): Promise<Diagnostic[]> {
    const sem = await this.request<Diagnostic[]>('semanticDiagnosticsSync', { file });
    const syn = await this.request<Diagnostic[]>('syntacticDiagnosticsSync', { file });
    return [...syn, ...sem];
  }

  /** Quick info (hover) at the first occurrence of `word` after `after` in `text`. */
  quickInfo(
    file: string,
    text: string,
    word: string,
    after = '',
  ): Promise<{ displayString: string; documentation: string }> {
    return this.request('quickinfo', { file, ...position(text, word, after) });
  }

  /** Completion entry names at the end of the first occurrence of `prefix` in `text`. */
  async completions(file: string, text: string, prefix: string): Promise<string[]> {
    const at = position(text, prefix);
    const body = await this.request<{ entries: { name: string }[] }>('completionInfo', {
      file,
      line: at.line,
      offset: at.offset + prefix.length,
    });
    return body.entries.map((e) => e.name);
  }

  /** Ends the server. */
  close(): void {
    this.proc.kill();
  }
}

/** 1-based line and offset of `word` (first occurrence after `after`). */
function position(text: string, word: string, after = ''): { line: number; offset: number } {
  const i = text.indexOf(word, after ? text.indexOf(after) + after.length : 0);
  if (i < 0) throw new Error(`'${word}' not in the text`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, offset: before[before.length - 1].length + 1 };
}
