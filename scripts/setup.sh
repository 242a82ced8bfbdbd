#!/usr/bin/env bash
# Installs everything the project and its tests need on a Debian/Ubuntu machine: npm packages, and
# (as root, when missing) python3, Chromium and the compilers code-server's native modules need;
# then code-server for the end-to-end test into the gitignored `.e2e/`. Idempotent, no stdin.
#   SKIP_E2E=1 bash scripts/setup.sh   # skip the code-server install
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v python3 >/dev/null || need+=(python3)
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || need+=(chromium)
if [ -z "${SKIP_E2E:-}" ]; then
  command -v g++ >/dev/null || need+=(g++)
  command -v make >/dev/null || need+=(make)
  [ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev) # code-server's kerberos module
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[setup] apt-get install ${need[*]}"
    apt-get update -qq </dev/null >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
  else
    echo "[setup] missing ${need[*]}: install them (as root: apt-get install ${need[*]})" >&2
  fi
fi

if [ -f package-lock.json ]; then npm ci --no-audit --no-fund </dev/null; else npm install --no-audit --no-fund </dev/null; fi

if [ -z "${SKIP_E2E:-}" ]; then bash test/e2e/install-code-server.sh </dev/null; fi
