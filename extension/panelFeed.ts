// Pure (no vscode): decides what the panel is sent and when. The host owns the data; the panel gets
// a snapshot (reset + every chunk) when it says `ready`, increments in batches while it is visible,
// and nothing while hidden. Unit-tested in Node with a fake clock.
import type { ChartFocus, Chunk, RunState, ToPanel } from '../common/protocol';
import { mergeByConn } from './chunkFile';

/** What the panel currently shows: a live run or a loaded trace. */
export interface FeedSource {
  readonly title: string;
  /** Every chunk so far, in arrival order. */
  readonly chunks: readonly Chunk[];
  readonly state: Omit<RunState, 'type'>;
}

/** Timer functions, injectable for tests. */
export interface FeedTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: FeedTimers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) };

/** Batches a source's chunks into `trace/*` messages for one panel. */
export class PanelFeed {
  private source: FeedSource | undefined;
  private ready = false;
  private visible = true;
  private pending: Chunk[] = [];
  private timer: unknown;
  /** A focus request waiting for the panel's next snapshot (it was closed, hidden or loading). */
  private focusNext: ChartFocus | undefined;
  /** Messages posted so far (for the status line in tests and logs). */
  posted = 0;

  constructor(
    private readonly post: (m: ToPanel) => void,
    private readonly batchMs = 32,
    private readonly timers: FeedTimers = realTimers,
  ) {}

  /** Shows a new source: the panel is reset and gets the source's chunks so far. */
  setSource(source: FeedSource): void {
    this.source = source;
    this.pending = [];
    this.focusNext = undefined;
    if (this.live()) this.snapshot();
  }

  /** New chunks of the current source (already appended to `source.chunks` by its owner). */
  append(chunks: readonly Chunk[]): void {
    if (!this.live() || chunks.length === 0) return;
    this.pending.push(...chunks);
    if (this.timer === undefined) this.timer = this.timers.set(() => this.flush(), this.batchMs);
  }

  /** The run changed phase: pending chunks go first so the panel never sees "ended" before the data. */
  stateChanged(): void {
    if (!this.live() || !this.source) return;
    this.flush();
    this.send({ type: 'run/state', ...this.source.state });
  }

  /** Asks the panel to select a span: now (after pending chunks) if it is ready, else right after its next snapshot. */
  focus(m: ChartFocus): void {
    if (!this.live()) {
      this.focusNext = m;
      return;
    }
    this.flush();
    this.send(m);
  }

  /** The panel loaded (or reloaded after being hidden) and wants everything. */
  onReady(): void {
    this.ready = true;
    if (this.visible) this.snapshot();
  }

  /** Visibility changed. A hidden webview is torn down (no retainContextWhenHidden), so it must say `ready` again. */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) {
      this.ready = false;
      this.dropPending();
    }
  }

  /** Sends pending increments now. */
  flush(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (!this.live() || this.pending.length === 0) return;
    const chunks = mergeByConn(this.pending);
    this.pending = [];
    this.send({ type: 'trace/append', chunks });
  }

  /** Stops timers; nothing is sent afterwards. */
  dispose(): void {
    this.dropPending();
    this.ready = false;
  }

  private live(): boolean {
    return this.ready && this.visible;
  }

  private snapshot(): void {
    const s = this.source;
    this.dropPending();
    if (!s) return;
    this.send({ type: 'trace/reset', title: s.title });
    if (s.chunks.length > 0) this.send({ type: 'trace/append', chunks: mergeByConn(s.chunks) });
    this.send({ type: 'run/state', ...s.state });
    const f = this.focusNext;
    this.focusNext = undefined;
    if (f) this.send(f);
  }

  private dropPending(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  private send(m: ToPanel): void {
    this.posted++;
    this.post(m);
  }
}
