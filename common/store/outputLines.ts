/**
 * Process output as lines. An `Output` record may hold several lines or part of one
 * (`process.stdout.write('.')`); text after the last newline stays the open line of its
 * (pid, stream) and later output of that stream extends it.
 */
import type { OutputLine } from './api';

/** Output lines in arrival order. */
export class OutputLines {
  readonly list: OutputLine[] = [];
  /** Open (not yet newline-terminated) line per `pid:stream`. */
  private readonly partial = new Map<string, OutputLine>();

  /** Adds `d` to every line's time (the store's origin moved). */
  shiftTimes(d: number): void {
    for (const l of this.list) l.t += d;
  }

  /** Adds the text of one Output record (written by thread `tid` of `pid`). */
  add(t: number, pid: number, tid: number, stream: number, text: string): void {
    if (text === '') return;
    const key = `${pid}:${stream}`;
    const parts = text.split('\n');
    const open = this.partial.get(key);
    for (let i = 0; i < parts.length; i++) {
      const last = i === parts.length - 1;
      const part = parts[i].endsWith('\r') && !last ? parts[i].slice(0, -1) : parts[i];
      if (last && part === '') {
        this.partial.delete(key);
        break;
      }
      if (i === 0 && open) open.text += part;
      else this.list.push({ t, pid, tid, stream, text: part });
      if (last) this.partial.set(key, i === 0 && open ? open : this.list[this.list.length - 1]);
      else if (i === 0) this.partial.delete(key);
    }
  }
}
