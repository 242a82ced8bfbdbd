/**
 * The panel controller: receives host messages, keeps the panel's own trace store, and updates the
 * toolbar, messages and chart (the summary and selection statistics are `statsView.ts`). Exposes a
 * read-only debug snapshot of what was drawn (the browser tests and benchmarks read it).
 */
import type { ChartFocus, RunPhase, ToPanel } from '../common/protocol';
import { LOST_HINT, lostWords } from '../common/lostWords';
import { TraceStore } from '../common/store';
import { Chart, type ChartState } from './chart';
import { AnalysisPanes } from './analysisPanes';
import { DeadlockBanner, marksOf } from './deadlockBanner';
import { locateFocus, windowAround } from './focusSpan';
import { attachInteraction, type Interaction } from './interact';
import { buildShell, renderLegend, setText, showMessage, type Shell } from './shell';
import { StatsView } from './statsView';
import type { Host } from './transport';

/** Saved with the host's setState. */
interface SavedState {
  chart: ChartState;
  /** Title of the trace the state belongs to. */
  title: string;
}

/** The running panel. */
export class PanelApp {
  store: TraceStore | undefined;
  title = '';
  phase: RunPhase = 'idle';
  message = '';
  canStop = false;
  canRerun = false;
  readonly shell: Shell;
  readonly chart: Chart;
  readonly deadlock: DeadlockBanner;
  readonly panes: AnalysisPanes;
  private readonly stats: StatsView;
  /** performance.now() when the newest trace time last advanced (to run the stall clock between events). */
  private lastAdvance = { shown: -Infinity, at: 0 };
  /** Wall-clock ms at which each frame was drawn, with the newest trace time it showed (for the latency bench). */
  readonly frameLog: { at: number; shown: number; ms: number }[] = [];
  /** Load timings (performance.now() ms) for the benchmarks: first chunk in, run state in, first frame after it. */
  readonly timing = { firstAppend: NaN, ingestMs: 0, state: NaN, frameAfterState: NaN };
  private restoredTitle = '';
  private readonly interaction: Interaction;
  /** A `chart/focus` waiting for the next frame (the rows of a fresh snapshot are laid out when it draws). */
  private focusNext: ChartFocus | null = null;

  constructor(
    app: HTMLElement,
    private readonly host: Host,
  ) {
    this.shell = buildShell(app, host.standalone);
    this.chart = new Chart(this.shell.chart);
    this.stats = new StatsView(this.shell.summary, this.shell.selection);
    this.chart.onChange = () => this.afterChange();
    this.deadlock = new DeadlockBanner(
      app,
      this.shell.message,
      () => host.post({ type: 'run/stop' }),
      () => this.showDeadlock(),
    );
    setInterval(() => this.stallTick(), 100);
    this.panes = new AnalysisPanes(app, this.shell.selection, this.shell.follow, this.chart, () => this.store, {
      inversions: () => this.deadlock.inversions(),
      reveal: (loc) => host.post({ type: 'source/reveal', loc }),
      openSample: host.standalone ? undefined : (id) => host.post({ type: 'sample/open', id }),
    });
    this.chart.onFrame = () => {
      const st = this.store;
      if (st)
        this.frameLog.push({
          at: performance.timeOrigin + performance.now(),
          shown: st.origin + st.now,
          ms: this.chart.lastDrawMs,
        });
      if (this.frameLog.length > 5000) this.frameLog.splice(0, 1000);
      if (!Number.isNaN(this.timing.state) && Number.isNaN(this.timing.frameAfterState))
        this.timing.frameAfterState = performance.now();
      if (this.focusNext) this.applyFocus();
      this.afterChange();
    };
    this.interaction = attachInteraction(this.chart, this.shell.tooltip, {
      reveal: (loc) => host.post({ type: 'source/reveal', loc }),
      toggleFollow: () => this.toggleFollow(),
      announce: (text) => {
        this.shell.status.textContent = text;
      },
    });
    this.shell.follow.addEventListener('click', () => this.toggleFollow());
    this.shell.stop.addEventListener('click', () => host.post({ type: 'run/stop' }));
    this.shell.rerun.addEventListener('click', () => host.post({ type: 'run/rerun' }));
    renderLegend(this.shell.legend, this.chart.theme);
    new MutationObserver(() => renderLegend(this.shell.legend, this.chart.theme)).observe(document.body, {
      attributes: true,
      attributeFilter: ['class'],
    });
    const saved = host.getState() as SavedState | undefined;
    if (saved?.chart) this.chart.restore(saved.chart);
    this.restoredTitle = saved?.title ?? '';
    this.updateChrome();
  }

  /** Handles one message from the host. */
  handle(msg: ToPanel): void {
    switch (msg.type) {
      case 'trace/reset': {
        // A reloaded panel (VS Code re-creates hidden webviews) gets the snapshot of the trace it
        // showed before: keep the restored zoom and selection. Anything else starts fitted.
        const restoring = this.phase === 'idle' && this.store === undefined && msg.title === this.restoredTitle;
        this.title = msg.title;
        this.store = new TraceStore();
        if (!restoring) {
          this.chart.selection = null;
          this.chart.mode = 'fit';
        }
        this.chart.setView(this.store);
        this.deadlock.reset();
        this.panes.reset();
        this.focusNext = null;
        break;
      }
      case 'trace/append':
        if (!this.store) {
          this.store = new TraceStore();
          this.chart.setView(this.store);
        }
        {
          const began = performance.now();
          if (Number.isNaN(this.timing.firstAppend)) this.timing.firstAppend = began;
          for (const c of msg.chunks) this.store.ingest(c);
          this.timing.ingestMs += performance.now() - began;
          for (const c of msg.chunks) this.deadlock.ingest(c);
        }
        this.chart.dataChanged(this.store.version);
        break;
      case 'run/state':
        if (Number.isNaN(this.timing.state)) this.timing.state = performance.now();
        this.phase = msg.phase;
        this.message = msg.message;
        this.canStop = msg.canStop;
        this.canRerun = msg.canRerun;
        this.chart.live = msg.phase === 'running' || msg.phase === 'starting';
        if (!this.chart.live && this.chart.mode === 'follow') this.chart.mode = 'manual';
        this.chart.invalidate();
        break;
      case 'chart/focus':
        this.focusNext = msg;
        this.chart.invalidate();
        break;
      default: {
        const never: never = msg;
        void never;
      }
    }
    this.updateChrome();
  }

  /** Shows an error that is not the run's (lost connection). */
  fail(text: string): void {
    this.phase = 'failed';
    this.message = text;
    this.updateChrome();
  }

  /** Zooms to the span a `chart/focus` named and selects it (the why-waiting detail follows), or says it is not here. */
  private applyFocus(): void {
    const f = this.focusNext;
    const st = this.store;
    this.focusNext = null;
    if (!f || !st) return;
    const { lane, index } = locateFocus(st, f);
    const [a, b] = windowAround(f.start, f.end);
    this.chart.setWindow(a, b);
    const ok = index >= 0 && this.interaction.selectSpan(lane, index);
    if (!ok) this.shell.status.textContent = 'That wait is not in the trace this panel shows.';
  }

  /** Marks the reported deadlock's waits in the chart (or clears them once dismissed). */
  private showDeadlock(): void {
    const r = this.deadlock.report;
    this.chart.deadlock = r && this.store && this.deadlock.visible ? marksOf(r, this.store) : [];
    this.deadlock.render(this.canStop);
    this.chart.invalidate();
  }

  /** Confirms deadlock reports; while live, checks the stall rule with the trace clock advanced since the newest event. */
  private stallTick(): void {
    const st = this.store;
    if (!st) return;
    const shown = st.origin + st.now;
    if (shown !== this.lastAdvance.shown) this.lastAdvance = { shown, at: performance.now() };
    this.deadlock.tick(shown + (performance.now() - this.lastAdvance.at) * 1e6, this.chart.live, this.canStop);
  }

  private toggleFollow(): void {
    if (!this.chart.live && this.chart.mode !== 'follow') return;
    if (this.chart.mode === 'follow') this.chart.mode = 'manual';
    else {
      const [a, b] = this.chart.window;
      const end = this.chart.extent()[1];
      const span = this.chart.mode === 'fit' ? Math.min(b - a, 5e9) : b - a;
      this.chart.setWindow(end - span, end, 'follow');
    }
    this.updateChrome();
    this.chart.invalidate();
  }

  private updateChrome(): void {
    const s = this.shell;
    setText(s.title, this.title || 'Concurrency Lens');
    const phaseText: Record<RunPhase, string> = {
      idle: '',
      starting: 'starting…',
      running: '● live',
      ended: 'ended',
      failed: 'failed',
    };
    setText(s.phase, phaseText[this.phase] + (this.message && this.phase !== 'failed' ? ` — ${this.message}` : ''));
    s.phase.classList.toggle('failed', this.phase === 'failed');
    s.stop.disabled = !this.canStop;
    this.deadlock.render(this.canStop);
    s.rerun.disabled = !this.canRerun;
    s.follow.setAttribute('aria-pressed', String(this.chart.mode === 'follow'));
    s.follow.disabled = !this.chart.live;
    const lanes = this.store?.lanes().length ?? 0;
    const problems = this.store?.problems ?? [];
    const lost = lostWords(this.store?.lost() ?? []);
    if (this.phase === 'failed') {
      showMessage(
        s.message,
        'error',
        'The run failed',
        [
          this.message || 'The run stopped with an error.',
          lanes ? 'What was recorded before the failure is shown below.' : '',
          this.canRerun
            ? 'Fix the problem in the snippet, then press Rerun.'
            : 'Fix the problem, then run the snippet again.',
        ].filter(Boolean),
      );
    } else if (problems.length > 0) {
      showMessage(s.message, 'error', 'Part of the trace could not be read', [
        `${problems[0].message} (connection ${problems[0].conn}).`,
        'Events before the damage are shown. Rerun to record a fresh trace; if it happens again, report it with the trace file.',
      ]);
    } else if (lost) {
      showMessage(s.message, 'info', 'Some events were not recorded', [
        `${lost}.`,
        `${LOST_HINT[0].toUpperCase()}${LOST_HINT.slice(1)}.`,
      ]);
    } else if (lanes === 0 && (this.phase === 'starting' || this.phase === 'running')) {
      showMessage(s.message, 'info', 'Waiting for the first process…', [
        'The snippet is starting. Lanes appear as soon as its processes connect.',
      ]);
    } else if (lanes === 0) {
      showMessage(s.message, 'empty', 'No trace yet', [
        'Open a snippet that uses processes or a pool and run “Concurrency Lens: Run and Visualize” (the ▶ button in the editor title), or open a saved trace with “Concurrency Lens: Open Trace…”.',
        'From a terminal: npx concurrency-lens run my_snippet.py --open',
      ]);
    } else showMessage(s.message, 'info', '', []);
    s.chart.hidden = lanes === 0;
    s.selection.hidden = lanes === 0;
  }

  private afterChange(): void {
    this.panes.update();
    const st = this.store;
    if (st && this.stats.summary(st, this.chart.live)) this.updateChrome();
    this.stats.selection(this.store, this.chart.selection);
    this.host.setState({ chart: this.chart.state(), title: this.title } satisfies SavedState);
  }
}
