/**
 * The panel's HTML, built in one place for both hosts: the VS Code webview (URIs from
 * `asWebviewUri`, `cspSource` from the webview) and the standalone server (same-origin URLs). No
 * data and no inline script or style goes into the page: everything arrives by message.
 */

/** What the host fills in. */
export interface PanelHtmlOptions {
  /** Origin allowed for styles, images and fonts (`webview.cspSource`, or `'self'` standalone). */
  cspSource: string;
  /** Random per-load nonce (base64/hex) that the one script tag carries. */
  nonce: string;
  /** URL of `panel.js`. */
  scriptUri: string;
  /** URL of `panel.css`. */
  styleUri: string;
  /** Extra `connect-src` origins (the standalone server's event stream); none inside VS Code. */
  connectSrc?: string;
  /** Body class for the initial theme (`vscode-dark`, `vscode-light`, `vscode-high-contrast`); VS Code sets its own. */
  bodyClass?: string;
  /** Page title. */
  title?: string;
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Content-Security-Policy for the panel: nonce'd script only, styles from the host's origin. */
export function panelCsp(o: Pick<PanelHtmlOptions, 'cspSource' | 'nonce' | 'connectSrc'>): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${o.nonce}'`,
    `style-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `font-src ${o.cspSource}`,
    `connect-src ${o.connectSrc ?? "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Builds the panel page. */
export function panelHtml(o: PanelHtmlOptions): string {
  const csp = panelCsp(o);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttr(o.title ?? 'Concurrency Lens')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
</head>
<body${o.bodyClass ? ` class="${escapeAttr(o.bodyClass)}"` : ''}>
<div id="app" class="app"></div>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}
