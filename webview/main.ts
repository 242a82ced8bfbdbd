/** Panel entry point: builds the UI, connects to the host, and exposes a read-only debug snapshot. */
import './panel.css';
import { PanelApp } from './app';
import { describeDebug } from './debug';
import { connectHost } from './transport';

const root = document.getElementById('app') ?? document.body;
const host = connectHost();
const app = new PanelApp(root, host);
host.start(
  (msg) => app.handle(msg),
  (text) => app.fail(text),
);
Object.defineProperty(window, '__lens', { get: () => describeDebug(app), configurable: false });
