#!/usr/bin/env bash
# Installs everything the project and its tests need on a Debian/Ubuntu machine: npm packages, and
# (as root, when missing) python3 and Chromium. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund </dev/null; else npm install --no-audit --no-fund </dev/null; fi
