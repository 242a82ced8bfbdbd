/** Splits a raw byte stream (a process's stdout or stderr) into text lines, whatever bytes it carries. */
import { concatBytes } from '../common/bytes';

/** Longest line kept whole; longer runs without a newline are cut into lines of this many bytes. */
export const MAX_LINE_BYTES = 64 * 1024;

const decoder = new TextDecoder('utf-8');

/** Feeds bytes in, calls `onLine` per line (without its `\n` or `\r\n`); invalid UTF-8 becomes U+FFFD. */
export class LineSplitter {
  private pending: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly onLine: (text: string) => void,
    private readonly maxLine = MAX_LINE_BYTES,
  ) {}

  /** Takes the next bytes of the stream. */
  push(chunk: Uint8Array): void {
    const data = concatBytes(this.pending, chunk);
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl < 0 || nl - start > this.maxLine) {
        if (data.length - start <= this.maxLine) break;
        this.emit(data, start, start + this.maxLine);
        start += this.maxLine;
        continue;
      }
      this.emit(data, start, nl > start && data[nl - 1] === 13 ? nl - 1 : nl);
      start = nl + 1;
    }
    this.pending = data.slice(start);
  }

  /** The stream ended: a last line without a newline is still a line. */
  end(): void {
    if (this.pending.length > 0) this.emit(this.pending, 0, this.pending.length);
    this.pending = new Uint8Array(0);
  }

  private emit(data: Uint8Array, from: number, to: number): void {
    this.onLine(decoder.decode(data.subarray(from, to)));
  }
}
