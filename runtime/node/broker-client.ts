/**
 * How a process talks to the broker. The root process calls it in-process; every other process (and
 * every Thread) connects to the broker's Unix socket, whose path the root puts in the environment
 * before it starts its first child. Frames are a u32 length and a V8-serialised message.
 */
import { unlinkSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { ENV } from '../../common/schema';
import { Broker, type Req, type Res } from './broker';
import { isRoot } from './context';
import { jsonSafe } from './share';

/** Environment variable with the broker socket's path. */
export const BROKER_ENV = 'CONCURRENCY_LENS_BROKER';

/** A channel to the broker. */
export interface BrokerChannel {
  /** Sends a request and resolves with the answer. */
  request(r: Req): Promise<Res>;
  /** Sends a request that needs no answer (ordered with the others from this thread). */
  send(r: Req): void;
}

/** Splits a byte stream into frames: u32 length, u8 encoding (1 JSON, 0 V8), payload. */
function framer(onFrame: (msg: unknown) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const n = pending.readUInt32LE(0);
      if (pending.length < 4 + n) break;
      const body = pending.subarray(5, 4 + n);
      onFrame(pending[4] === 1 ? JSON.parse(body.toString()) : deserialize(body));
      pending = pending.subarray(4 + n);
    }
  };
}

/** Fields that are undefined are dropped by JSON, which is fine for these envelopes. */
function jsonEnvelope(msg: object): boolean {
  for (const v of Object.values(msg)) if (v !== undefined && !jsonSafe(v, 0)) return false;
  return true;
}

/** A frame: JSON when it round-trips exactly (several times cheaper for small messages), else V8. */
function frame(msg: object): Buffer {
  const json = jsonEnvelope(msg);
  const body = json ? Buffer.from(JSON.stringify(msg)) : serialize(msg);
  const out = Buffer.allocUnsafe(5 + body.length);
  out.writeUInt32LE(body.length + 1, 0);
  out[4] = json ? 1 : 0;
  body.copy(out, 5);
  return out;
}

let broker: Broker | undefined;
let channel: BrokerChannel | undefined;

/** Starts the broker's socket server in the root (once) and publishes its path to children. */
export function serveBroker(): void {
  if (process.env[BROKER_ENV] && broker) return;
  broker ??= new Broker();
  const b = broker;
  const dir = process.env[ENV.runDir] || tmpdir();
  // A name, not a secret (the socket lives in the run's private directory): no need to load node:crypto.
  const path = join(dir, `broker-${process.pid}-${Math.random().toString(16).slice(2, 8)}.sock`);
  let conns = 0;
  const server = createServer((sock) => {
    const conn = ++conns;
    sock.on(
      'data',
      framer((m) => handle(b, conn, m as Req, (res) => sock.write(frame(res)))),
    );
    sock.on('error', () => undefined);
    sock.on('close', () => b.disconnect(conn));
  });
  server.listen(path);
  server.unref();
  process.on('exit', () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  });
  process.env[BROKER_ENV] = path;
}

function handle(b: Broker, conn: number, r: Req, write: (res: Res) => void): void {
  const reply = (res: Res): void => {
    if (r.id !== undefined) write({ ...res, id: r.id });
  };
  try {
    b.handle(conn, r, reply);
  } catch (e) {
    reply({ ok: false, error: e instanceof Error ? e.message : String(e) });
  }
}

/** In the root: calls the broker directly (values are copied, as they would be over a socket). */
class LocalChannel implements BrokerChannel {
  constructor(private readonly b: Broker) {}
  request(r: Req): Promise<Res> {
    return new Promise((resolve) => handle(this.b, 0, deserialize(serialize({ ...r, id: 0 })) as Req, resolve));
  }
  send(r: Req): void {
    handle(this.b, 0, deserialize(serialize(r)) as Req, () => undefined);
  }
}

/** Elsewhere: a socket, referenced only while an answer is awaited. */
class SocketChannel implements BrokerChannel {
  private readonly sock: Socket;
  private next = 1;
  private corked = false;
  private readonly waiting = new Map<number, (r: Res) => void>();

  constructor(path: string) {
    this.sock = connect(path);
    this.sock.on(
      'data',
      framer((m) => this.answer(m as Res & { id: number })),
    );
    this.sock.on('error', (e) => {
      for (const cb of this.waiting.values()) cb({ ok: false, error: `broker unreachable: ${e.message}` });
      this.waiting.clear();
    });
    this.sock.unref();
  }

  private answer(m: Res & { id: number }): void {
    const cb = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    if (this.waiting.size === 0) this.sock.unref();
    cb?.(m);
  }

  request(r: Req): Promise<Res> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.sock.ref();
      this.write(frame({ ...r, id }));
    });
  }

  send(r: Req): void {
    this.write(frame(r));
  }

  /** Writes within one tick go out together (a release and the next acquire: one wake-up of the root). */
  private write(b: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.sock.cork();
      process.nextTick(() => {
        this.corked = false;
        this.sock.uncork();
      });
    }
    this.sock.write(b);
  }
}

/** This thread's channel to the broker. */
export function brokerChannel(): BrokerChannel {
  if (channel) return channel;
  if (isRoot()) {
    broker ??= new Broker();
    channel = new LocalChannel(broker);
  } else {
    const path = process.env[BROKER_ENV];
    if (!path) throw new Error('concurrency-lens: no broker (objects can only be shared from the root process)');
    channel = new SocketChannel(path);
  }
  return channel;
}

/** Sends a request and throws if the broker reported an error. */
export async function ask(r: Req): Promise<Res> {
  const res = await brokerChannel().request(r);
  if (res.error) throw new Error(String(res.error));
  return res;
}

/** Waits until the broker handled every request this thread sent (no-op if it never used it). */
export async function syncBroker(): Promise<void> {
  if (channel) await channel.request({ op: 'sync', obj: '' });
}
