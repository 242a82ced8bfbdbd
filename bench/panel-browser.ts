/**
 * Shared set-up of the panel benchmarks: headless Chromium (playwright-core, Debian's `chromium`)
 * opening the standalone panel server, and reads of the panel's `window.__lens` debug snapshot.
 * Page code is passed as strings so this file needs no DOM types.
 */
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../test/chromium';
import { servePanel, type PanelServer, type PanelSource } from '../engine/server';

/** Launches headless Chromium. */
export const launch = launchChromium;

/** Serves `source` and opens it; resolves once the page is loaded. */
export async function open(
  browser: Browser,
  source: PanelSource,
  batchMs?: number,
): Promise<{ page: Page; server: PanelServer }> {
  const server = await servePanel(source, { title: 'bench', batchMs });
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  await page.goto(server.url);
  return { page, server };
}

/** Evaluates an expression over `d = window.__lens` in the page. */
export function read<T>(page: Page, expr: string): Promise<T> {
  return page.evaluate(`(() => { const d = window.__lens; return ${expr}; })()`) as Promise<T>;
}

/** Polls until the expression over `d` is truthy. */
export async function until(page: Page, expr: string, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await read<boolean>(page, expr))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Percentile (0..100) of numbers. */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
