/**
 * Panel benchmarks in headless Chromium: first render of a 100,000-span trace (first chunk in →
 * first frame after the whole trace is in), frame time while zooming and panning a 1,000,000-span
 * trace, and the JS heap the panel holds per span.
 * Run: `npx tsx bench/panel-render.ts` (after `npm run build`).
 */
import { launch, open, pct, read, until } from './panel-browser';
import { synthSpans } from './panel-synth';

interface Timing {
  firstAppend: number;
  ingestMs: number;
  state: number;
  frameAfterState: number;
}

async function main(): Promise<void> {
  const browser = await launch();
  try {
    // First render, 100k spans, five fresh pages.
    const small = synthSpans(100_000);
    const firsts: number[] = [];
    const ingests: number[] = [];
    const paints: number[] = [];
    for (let r = 0; r < 5; r++) {
      const { page, server } = await open(browser, small);
      await until(page, '!Number.isNaN(d.timing.frameAfterState)');
      const t = await read<Timing>(page, 'd.timing');
      firsts.push(t.frameAfterState - t.firstAppend);
      ingests.push(t.ingestMs);
      paints.push(await read<number>(page, 'd.lastDrawMs'));
      await page.close();
      await server.close();
    }
    console.log(
      `first render 100k spans: median ${pct(firsts, 50).toFixed(0)} ms (min ${Math.min(...firsts).toFixed(0)}, max ${Math.max(...firsts).toFixed(0)}); ingest ${pct(ingests, 50).toFixed(0)} ms; frame ${pct(paints, 50).toFixed(1)} ms`,
    );

    // 1M spans: memory, then zoom/pan frame times.
    const base = await open(browser, []);
    const cdp0 = await base.page.context().newCDPSession(base.page);
    await until(base.page, 'd.frames >= 0');
    await cdp0.send('HeapProfiler.collectGarbage');
    const u0 = await cdp0.send('Runtime.getHeapUsage');
    const empty = u0.usedSize + (u0 as { backingStorageSize?: number }).backingStorageSize!;
    await base.page.close();
    await base.server.close();

    const big = synthSpans(1_000_000);
    const { page, server } = await open(browser, big);
    await until(page, '!Number.isNaN(d.timing.frameAfterState)', 600_000);
    const t = await read<Timing>(page, 'd.timing');
    const spans = await read<number>(page, 'd.lanes.length');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = await cdp.send('Runtime.getHeapUsage');
    // JS heap plus the typed arrays' backing stores (the span columns live there).
    const used = usage.usedSize + (usage as { backingStorageSize?: number }).backingStorageSize!;
    const total = 1_000_000;
    console.log(
      `1M spans (${spans} lanes): loaded in ${((t.frameAfterState - t.firstAppend) / 1000).toFixed(1)} s (ingest ${(t.ingestMs / 1000).toFixed(1)} s); JS heap + array buffers ${((used - empty) / 1e6).toFixed(0)} MB = ${((used - empty) / total).toFixed(0)} bytes per span`,
    );

    const plot = await read<{ left: number; top: number; width: number; height: number }>(page, 'd.plot');
    await page.mouse.move(plot.left + plot.width / 2, plot.top + 100);
    const frameMs: { zoom: number[]; pan: number[] } = { zoom: [], pan: [] };
    const step = async (kind: 'zoom' | 'pan', act: () => Promise<void>): Promise<void> => {
      const before = await read<number>(page, 'd.frames');
      await act();
      await until(page, `d.frames > ${before}`);
      frameMs[kind].push(await read<number>(page, 'd.lastDrawMs'));
      if (process.env.VERBOSE)
        console.log(
          kind,
          await read<string>(
            page,
            'JSON.stringify([d.lastDrawMs.toFixed(1), d.report.ms.toFixed(1), d.report.spans, d.report.rects, d.report.lodLanes, ((d.window[1]-d.window[0])/1e6).toFixed(0)])',
          ),
        );
    };
    for (let i = 0; i < 25; i++) await step('zoom', () => page.mouse.wheel(0, -120));
    await page.focus('.plot');
    for (let i = 0; i < 25; i++) await step('pan', () => page.keyboard.press('Shift+ArrowRight'));
    for (let i = 0; i < 25; i++) await step('zoom', () => page.mouse.wheel(0, 120));
    for (let i = 0; i < 15; i++)
      await step('pan', async () => {
        await page.mouse.move(plot.left + plot.width / 2, plot.top + 100);
        await page.mouse.down();
        await page.mouse.move(plot.left + plot.width / 2 - 80, plot.top + 100);
        await page.mouse.up();
      });
    console.log(`lanes drawn from buckets in the last frame: ${await read<number>(page, 'd.report.lodLanes')}`);
    for (const k of ['zoom', 'pan'] as const) {
      const xs = frameMs[k];
      console.log(
        `1M spans ${k}: frame p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} frames)`,
      );
    }
    await page.close();
    await server.close();
  } finally {
    await browser.close();
  }
}

void main();
