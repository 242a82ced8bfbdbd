/**
 * Parts of the product the CLI uses when they are built in: the Chrome trace exporter/importer
 * (`common/chrome`) and the standalone panel server (`engine/server`). Each answers undefined when
 * absent, so the CLI can say so instead of failing to load.
 */
import type { Chunk } from '../../common/protocol';
import type { TraceView } from '../../common/store/api';
import type { Run } from '../runner';

/** `toChromeTrace` from `common/chrome/export`. */
export function chromeExporter(): ((view: TraceView) => object) | undefined {
  try {
    return (require('../../common/chrome/export') as { toChromeTrace?: (v: TraceView) => object }).toChromeTrace;
  } catch {
    return undefined;
  }
}

/** `fromChromeTrace` from `common/chrome/import`. */
export function chromeImporter(): ((json: unknown) => { chunks: Chunk[]; warnings: string[] }) | undefined {
  try {
    const mod = require('../../common/chrome/import') as {
      fromChromeTrace?: (json: unknown) => { chunks: Chunk[]; warnings: string[] };
    };
    return mod.fromChromeTrace;
  } catch {
    return undefined;
  }
}

/** A running panel server. */
export interface PanelServer {
  url: string;
  close(): Promise<void> | void;
}

/** `servePanel` from `engine/server`: serves the panel for a live run or a fixed list of chunks. */
export function panelServer():
  ((source: Run | readonly Chunk[], opts: { title: string }) => Promise<PanelServer>) | undefined {
  try {
    return (require('../server') as { servePanel?: ReturnType<typeof panelServer> }).servePanel;
  } catch {
    return undefined;
  }
}
