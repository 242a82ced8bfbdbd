/** The standalone panel server, for the CLI (`run --open`, `serve <trace.json>`) and the browser tests. */
export { servePanel, type PanelServer, type ServeOptions } from './servePanel';
export { isLive, type LiveSource, type PanelSource } from './source';
