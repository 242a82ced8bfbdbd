/**
 * How the panel talks to its host. Inside VS Code: `acquireVsCodeApi().postMessage` and window
 * `message` events (Uint8Array arrive intact), view state via getState/setState. In the standalone
 * page: Server-Sent Events for host → panel (chunk bytes as base64) and `fetch` POST for
 * panel → host, both carrying the per-run token from the page URL; view state kept in memory only.
 */
import { isChartFocus, type Chunk, type FromPanel, type ToPanel } from '../common/protocol';

/** The host as the panel sees it. */
export interface Host {
  /** True in the standalone page (shows the theme picker). */
  readonly standalone: boolean;
  post(msg: FromPanel): void;
  /** Registers the message handler and starts the handshake (posts `ready` once connected). */
  start(onMessage: (msg: ToPanel) => void, onError: (text: string) => void): void;
  getState(): unknown;
  setState(state: unknown): void;
}

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

/** True if `m` looks like a `ToPanel` message (the host is trusted, but a bad message must not crash the panel). */
export function isToPanel(m: unknown): m is ToPanel {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'trace/append') return Array.isArray((m as { chunks?: unknown }).chunks);
  if (t === 'chart/focus') return isChartFocus(m);
  return t === 'trace/reset' || t === 'run/state';
}

/** Decodes base64 into bytes. */
export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Splits a /chunks body ([u32 conn, u32 length, bytes]…, little-endian) into chunks (views, no copies). */
export function parseChunks(body: Uint8Array): Chunk[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out: Chunk[] = [];
  let off = 0;
  while (off + 8 <= body.length) {
    const conn = view.getUint32(off, true);
    const n = view.getUint32(off + 4, true);
    out.push({ conn, bytes: body.subarray(off + 8, off + 8 + n) });
    off += 8 + n;
  }
  return out;
}

function vscodeHost(api: VsCodeApi): Host {
  return {
    standalone: false,
    post: (msg) => api.postMessage(msg),
    start(onMessage) {
      window.addEventListener('message', (ev: MessageEvent) => {
        if (isToPanel(ev.data)) onMessage(ev.data);
      });
      api.postMessage({ type: 'ready' } satisfies FromPanel);
    },
    getState: () => api.getState(),
    setState: (s) => api.setState(s),
  };
}

function standaloneHost(): Host {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const client = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
  const q = `token=${encodeURIComponent(token)}&client=${client}`;
  let state: unknown;
  const post = (msg: FromPanel): void => {
    void fetch(`message?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(msg),
    });
  };
  return {
    standalone: true,
    post,
    start(onMessage, onError) {
      const es = new EventSource(`events?${q}`);
      let ready = false;
      es.addEventListener('open', () => {
        if (!ready) post({ type: 'ready' });
        ready = true;
      });
      // Messages are handled strictly in order; a chunk range announced by the server is fetched
      // (binary) before anything after it is delivered.
      let queue = Promise.resolve();
      const handle = async (raw: unknown): Promise<void> => {
        const m = raw as { type?: unknown; gen?: unknown; from?: unknown; to?: unknown };
        if (m.type === 'x-chunks') {
          const res = await fetch(`chunks?${q}&gen=${Number(m.gen)}&from=${Number(m.from)}&to=${Number(m.to)}`);
          if (res.ok) onMessage({ type: 'trace/append', chunks: parseChunks(new Uint8Array(await res.arrayBuffer())) });
          return;
        }
        if (!isToPanel(raw)) return;
        if (raw.type === 'trace/append') {
          const chunks = (raw.chunks as unknown as { conn: number; b64: string }[]).map((c): Chunk => ({
            conn: c.conn,
            bytes: fromBase64(c.b64),
          }));
          onMessage({ type: 'trace/append', chunks });
        } else onMessage(raw);
      };
      es.addEventListener('message', (ev: MessageEvent<string>) => {
        const raw = JSON.parse(ev.data) as unknown;
        queue = queue
          .then(() => handle(raw))
          .catch((err: unknown) => onError(`Could not load the trace: ${String(err)}`));
      });
      es.addEventListener('error', () => {
        if (es.readyState === EventSource.CLOSED)
          onError(
            'Lost the connection to the Concurrency Lens server. Is the command still running? Restart it and reload this page.',
          );
      });
    },
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  };
}

/** The host this page runs in. */
export function connectHost(): Host {
  return typeof acquireVsCodeApi === 'function' ? vscodeHost(acquireVsCodeApi()) : standaloneHost();
}
