/**
 * Captures what the process writes to stdout and stderr (console.log included) as `Output` records,
 * one per line (newline included), instead of the pipes: the runner shows them with their PID and the chart places
 * them in time. A partial line is kept until its newline or the process's exit.
 */
import { Kind, Stream } from '../../common/schema';
import { rec } from './recorder';

const partial: Record<number, string> = { [Stream.Stdout]: '', [Stream.Stderr]: '' };

function emit(stream: Stream, text: string): void {
  const lines = (partial[stream] + text).split('\n');
  partial[stream] = lines.pop() ?? '';
  // Each record is one whole line with its newline, so a store that joins raw writes sees lines.
  for (const line of lines) rec.event(Kind.Output, [stream, line + '\n'], []);
}

function patch(out: NodeJS.WriteStream, stream: Stream): void {
  out.write = ((chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    const text =
      typeof chunk === 'string'
        ? chunk
        : Buffer.from(chunk as Uint8Array).toString(
            typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
          );
    emit(stream, text);
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof out.write;
}

/**
 * Patches `process[name]` when it is first used: Node creates the stream on first access (~0.2 ms
 * each), and most pool workers never print.
 */
function patchWhenUsed(name: 'stdout' | 'stderr', stream: Stream): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  if (!own?.get || !own.configurable) return patch(process[name], stream);
  const get = own.get;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable,
    get(): NodeJS.WriteStream {
      // Node's getter creates the stream once and keeps it: put it back, then patch that stream.
      Object.defineProperty(process, name, own);
      const out = get.call(process) as NodeJS.WriteStream;
      patch(out, stream);
      return out;
    },
  });
}

/** Routes stdout and stderr of this process into the recorder. */
export function captureOutput(): void {
  patchWhenUsed('stdout', Stream.Stdout);
  patchWhenUsed('stderr', Stream.Stderr);
}

/** Records any unterminated last line (at exit). */
export function flushOutput(): void {
  for (const stream of [Stream.Stdout, Stream.Stderr]) {
    if (partial[stream]) rec.event(Kind.Output, [stream, partial[stream]], []);
    partial[stream] = '';
  }
}
