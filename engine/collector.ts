/**
 * The collector: a Unix socket (a named pipe on Windows) that every process of a run connects to. A
 * connection starts with one JSON `Hello` line carrying the run's token; then either binary records
 * (`events`) or raw output bytes (`stdout`/`stderr`, split into lines here). A wrong or missing token,
 * or an oversized or malformed hello, drops the connection. A record stream that turns corrupt after a
 * valid hello is read no further but left open: the process's runtime would take a closed socket for
 * the end of the run and kill itself, and the program must go on. Both are counted and reported;
 * what was decoded before stays.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { SCHEMA_VERSION, type Hello, type TraceEvent } from '../common/schema';
import type { Chunk } from '../common/protocol';
import { EventStream } from './eventStream';
import { LineSplitter } from './lines';

/** Longest hello line accepted, newline included. */
export const MAX_HELLO_BYTES = 4096;
/** Sent back on an events connection whose records are no longer read. */
export const STOP_RECORDING = 'stop-recording\n';
/** How long a new connection may take to send its hello. */
export const HELLO_TIMEOUT_MS = 10_000;

/** What the collector reports to its owner (the runner). */
export interface CollectorSink {
  /** A connection presented a valid hello; `conn` is its number in `Chunk.conn` (events channel only, else -1). */
  hello(conn: number, hello: Hello): void;
  /** Clean whole records of an events connection. */
  chunk(c: Chunk): void;
  /** A decoded event of `conn`, before its chunk is passed on; false leaves its record out of that chunk. */
  event(conn: number, e: TraceEvent): unknown;
  /** A line of a raw `stdout`/`stderr` channel. */
  line(pid: number, stream: 'stdout' | 'stderr', text: string): void;
  /** The records of process `pid` stopped being read (`why`); its process goes on. */
  stopped?(pid: number, why: string): void;
}

/** Validates a hello line; returns the hello or why it is refused. */
export function parseHello(line: string, token: string): Hello | string {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return 'hello is not JSON';
  }
  if (typeof h !== 'object' || h === null) return 'hello is not an object';
  const a = Buffer.from(String(h.token ?? ''));
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'wrong token';
  if (h.schema !== SCHEMA_VERSION) return `schema ${String(h.schema)} (this runner reads ${SCHEMA_VERSION})`;
  if (!Number.isInteger(h.pid) || (h.pid as number) <= 0) return 'bad pid';
  if (h.runtime !== 'node' && h.runtime !== 'python') return 'unknown runtime';
  if (h.channel !== 'events' && h.channel !== 'stdout' && h.channel !== 'stderr') return 'unknown channel';
  return h as unknown as Hello;
}

/** The run's socket server. */
export class Collector {
  /** Connections refused (bad token, bad hello) or no longer read (corrupt stream). */
  droppedConnections = 0;
  /** Why each dropped connection was dropped, in order. */
  readonly dropReasons: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private nextConn = 1;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly token: string,
    private readonly sink: CollectorSink,
  ) {
    this.server = createServer((s) => this.accept(s));
  }

  /** Starts listening on `path`. */
  listen(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(path, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Connections still open. */
  get open(): number {
    return this.sockets.size;
  }

  /** Resolves when every connection has closed, or after `ms`. */
  waitIdle(ms: number): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Stops listening and closes every connection (their processes see the socket close and exit). */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    let head = Buffer.alloc(0);
    let body: ((data: Buffer) => void) | undefined;
    let finish: (() => void) | undefined;
    const timer = setTimeout(() => drop('no hello in time'), HELLO_TIMEOUT_MS);
    const drop = (why: string): void => {
      if (socket.destroyed) return;
      this.droppedConnections++;
      this.dropReasons.push(why);
      socket.destroy();
    };
    socket.on('data', (data: Buffer) => {
      if (body) return body(data);
      head = Buffer.concat([head, data]);
      const nl = head.indexOf(10);
      if (nl < 0) {
        if (head.length >= MAX_HELLO_BYTES) drop('hello too long');
        return;
      }
      if (nl >= MAX_HELLO_BYTES) return drop('hello too long');
      clearTimeout(timer);
      const hello = parseHello(head.subarray(0, nl).toString('utf8'), this.token);
      if (typeof hello === 'string') return drop(hello);
      const rest = head.subarray(nl + 1);
      head = Buffer.alloc(0);
      [body, finish] = this.channel(hello, socket);
      if (rest.length > 0) body(rest);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      finish?.();
      this.sockets.delete(socket);
      if (this.sockets.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  /** Body handler and end handler for a connection that presented `hello`. */
  private channel(hello: Hello, socket: Socket): [(d: Buffer) => void, () => void] {
    if (hello.channel !== 'events') {
      const stream = hello.channel;
      const lines = new LineSplitter((text) => this.sink.line(hello.pid, stream, text));
      this.sink.hello(-1, hello);
      return [(d) => lines.push(d), () => lines.end()];
    }
    const conn = this.nextConn++;
    this.sink.hello(conn, hello);
    const events = new EventStream((e) => this.sink.event(conn, e));
    let broken = false;
    const onData = (d: Buffer): void => {
      if (broken) return;
      const { keep, error } = events.push(d);
      if (keep.length > 0) this.sink.chunk({ conn, bytes: keep });
      if (error !== undefined) {
        broken = true;
        const why = `corrupt stream from pid ${hello.pid}: ${error}`;
        this.droppedConnections++;
        this.dropReasons.push(why);
        this.sink.stopped?.(hello.pid, why);
        // Tells the runtime (the Python hook reads it) to stop recording: its prints then take the
        // raw output channel, which is still read.
        if (!socket.destroyed) socket.write(STOP_RECORDING);
      }
    };
    return [onData, () => {}];
  }
}
