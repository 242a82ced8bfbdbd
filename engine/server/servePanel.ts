/**
 * The standalone panel server: serves the same panel the extension shows to a browser on
 * 127.0.0.1, live. Host → panel messages go over Server-Sent Events (chunk bytes as base64), panel
 * → host over `fetch` POST, validated with `parseFromPanel`. Every request needs the per-server
 * random token from the URL; the Host header must name the loopback address (no DNS rebinding);
 * the page carries a nonce'd CSP with no inline script or style.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { panelCsp, panelHtml } from '../../common/panelHtml';
import { parseFromPanel, type ToPanel } from '../../common/protocol';
import { chunksOf, isLive, stateOf, type PanelSource } from './source';

/** Options of `servePanel`. */
export interface ServeOptions {
  /** Title shown in the panel (snippet or trace file name). */
  title: string;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Starts the same run again when the panel asks (Rerun); without it Rerun stays disabled. */
  rerun?: () => PanelSource | Promise<PanelSource>;
  /** Called when the panel asks to reveal a source location. */
  onReveal?: (loc: string) => void;
  /** Folder with the built `panel.js` and `panel.css` (default: found next to the bundle or in dist/webview). */
  assetsDir?: string;
  /** Initial theme body class. */
  theme?: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';
  /** How long live chunks are gathered before they are sent (ms, default 16). */
  batchMs?: number;
}

/** A running panel server. */
export interface PanelServer {
  /** Page URL including the token. */
  readonly url: string;
  /** What is shown now: the source given, or the latest run started by Rerun (stop that one on Ctrl-C). */
  current(): PanelSource;
  /** Stops serving and closes every event stream (a live run keeps going). */
  close(): Promise<void>;
}

interface Client {
  res: ServerResponse;
  /** Chunks of the current source already sent; -1 until the client posted `ready`. */
  sent: number;
}

const MAX_BODY = 64 * 1024;
/** Increments up to this many bytes are sent inline over the event stream. */
const INLINE_BYTES = 256 * 1024;

function findAssets(dir?: string): string {
  const candidates = dir ? [dir] : [join(__dirname, 'webview'), join(__dirname, '..', '..', 'dist', 'webview')];
  const found = candidates.find((d) => existsSync(join(d, 'panel.js')));
  if (!found)
    throw new Error(`The panel is not built (no panel.js in ${candidates.join(' or ')}). Run \`npm run build\` first.`);
  return found;
}

/** Serves the panel for `source` on 127.0.0.1 and resolves with its URL once listening. */
export async function servePanel(source: PanelSource, opts: ServeOptions): Promise<PanelServer> {
  const assets = findAssets(opts.assetsDir);
  const token = randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(token);
  const clients = new Map<string, Client>();
  const batchMs = opts.batchMs ?? 16;
  let current = source;
  /** Increases with every source (rerun), so a late /chunks request for the old one is refused. */
  let gen = 0;
  let result: { exitCode: number; reason: string; message: string } | undefined;
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let port = 0;

  const send = (c: Client, msg: ToPanel | Record<string, unknown>): void => {
    c.res.write(`data: ${JSON.stringify(msg)}\n\n`);
  };
  // Small increments go inline as base64; a large range (a snapshot) is announced and the page
  // fetches it as one binary body from /chunks, which avoids base64 and JSON for megabytes.
  const sendChunks = (c: Client): void => {
    const all = chunksOf(current);
    if (c.sent < 0 || c.sent >= all.length) return;
    let bytes = 0;
    for (let i = c.sent; i < all.length && bytes <= INLINE_BYTES; i++) bytes += all[i].bytes.length;
    if (bytes > INLINE_BYTES) {
      send(c, { type: 'x-chunks', gen, from: c.sent, to: all.length });
      c.sent = all.length;
      return;
    }
    const batch = all.slice(c.sent).map((ch) => ({
      conn: ch.conn,
      b64: Buffer.from(ch.bytes.buffer, ch.bytes.byteOffset, ch.bytes.byteLength).toString('base64'),
    }));
    c.sent = all.length;
    send(c, { type: 'trace/append', chunks: batch });
  };
  const chunkBody = (from: number, to: number): Buffer => {
    const all = chunksOf(current).slice(from, to);
    const parts: Buffer[] = [];
    for (const ch of all) {
      const head = Buffer.alloc(8);
      head.writeUInt32LE(ch.conn, 0);
      head.writeUInt32LE(ch.bytes.length, 4);
      parts.push(head, Buffer.from(ch.bytes.buffer, ch.bytes.byteOffset, ch.bytes.byteLength));
    }
    return Buffer.concat(parts);
  };
  const state = (): ToPanel => stateOf(current, result, !!opts.rerun);
  const snapshot = (c: Client): void => {
    c.sent = 0;
    send(c, { type: 'trace/reset', title: opts.title });
    sendChunks(c);
    send(c, state());
  };
  const flush = (): void => {
    timer = undefined;
    for (const c of clients.values()) sendChunks(c);
  };
  const attach = (s: PanelSource): void => {
    unsubscribe?.();
    unsubscribe = undefined;
    current = s;
    gen++;
    result = undefined;
    if (!isLive(s)) return;
    unsubscribe = s.onChunk(() => {
      timer ??= setTimeout(flush, batchMs);
    });
    void s.done.then(
      (r) => {
        if (current !== s) return;
        result = r;
        flush();
        for (const c of clients.values()) if (c.sent >= 0) send(c, state());
      },
      (err: unknown) => {
        if (current !== s) return;
        result = { exitCode: 1, reason: 'error', message: err instanceof Error ? err.message : String(err) };
        for (const c of clients.values()) if (c.sent >= 0) send(c, state());
      },
    );
  };
  attach(source);

  const act = async (raw: unknown, client: Client | undefined): Promise<boolean> => {
    const msg = parseFromPanel(raw);
    if (!msg) return false;
    switch (msg.type) {
      case 'ready':
        if (client) snapshot(client);
        break;
      case 'run/stop':
        if (isLive(current) && !result) await current.stop();
        break;
      case 'run/rerun': {
        if (!opts.rerun || (isLive(current) && !result)) break;
        attach(await opts.rerun());
        for (const c of clients.values()) if (c.sent >= 0) snapshot(c);
        break;
      }
      case 'source/reveal':
        opts.onReveal?.(msg.loc);
        break;
      case 'sample/open':
        // A browser page cannot open an editor: the standalone panel shows sample paths as text.
        break;
      default: {
        const never: never = msg;
        void never;
      }
    }
    return true;
  };

  const nonceHeaders = (nonce: string): Record<string, string> => ({
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': panelCsp({ cspSource: "'self'", nonce, connectSrc: "'self'" }),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  });
  const deny = (res: ServerResponse, code: number, text: string): void => {
    res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return deny(res, 403, 'Forbidden host');
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    if (given.length !== tokenBuf.length || !timingSafeEqual(given, tokenBuf))
      return deny(res, 403, 'Missing or wrong token: open the URL the command printed.');
    const q = `token=${encodeURIComponent(token)}`;
    const clientId = url.searchParams.get('client') ?? '';
    if (req.method === 'GET' && url.pathname === '/') {
      const nonce = randomBytes(18).toString('base64');
      res.writeHead(200, nonceHeaders(nonce));
      res.end(
        panelHtml({
          cspSource: "'self'",
          nonce,
          connectSrc: "'self'",
          scriptUri: `panel.js?${q}`,
          styleUri: `panel.css?${q}`,
          bodyClass: opts.theme ?? 'vscode-dark',
          title: `${opts.title} — Concurrency Lens`,
        }),
      );
      return;
    }
    if (req.method === 'GET' && (url.pathname === '/panel.js' || url.pathname === '/panel.css')) {
      const type = url.pathname.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(readFileSync(join(assets, url.pathname.slice(1))));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/chunks') {
      const from = Number(url.searchParams.get('from'));
      const to = Number(url.searchParams.get('to'));
      if (Number(url.searchParams.get('gen')) !== gen) return deny(res, 410, 'That trace was replaced');
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > chunksOf(current).length)
        return deny(res, 400, 'Bad chunk range');
      const body = chunkBody(from, to);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
      });
      res.end(body);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/events' && /^[0-9a-f]{4,64}$/.test(clientId)) {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const c: Client = { res, sent: -1 };
      clients.set(clientId, c);
      req.on('close', () => {
        if (clients.get(clientId) === c) clients.delete(clientId);
      });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/message') {
      const origin = req.headers.origin;
      if (origin && origin !== `http://${host}`) return deny(res, 403, 'Cross-origin request refused');
      let body = '';
      for await (const part of req) {
        body += String(part);
        if (body.length > MAX_BODY) return deny(res, 413, 'Message too large');
      }
      let raw: unknown;
      try {
        raw = JSON.parse(body);
      } catch {
        return deny(res, 400, 'Not JSON');
      }
      const ok = await act(raw, clients.get(clientId));
      return ok ? void res.writeHead(204).end() : deny(res, 400, 'Unknown message');
    }
    deny(res, 404, 'Not found');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) deny(res, 500, err instanceof Error ? err.message : String(err));
      else res.end();
    });
  });
  const ping = setInterval(() => {
    for (const c of clients.values()) c.res.write(': ping\n\n');
  }, 15_000);
  ping.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(token)}`,
    current: () => current,
    async close() {
      clearInterval(ping);
      if (timer) clearTimeout(timer);
      unsubscribe?.();
      for (const c of clients.values()) c.res.end();
      clients.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
