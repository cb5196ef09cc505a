#!/usr/bin/env bash
# Install everything (Python packages and Debian's Chromium) and run lint, types and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# Debian's Chromium for the browser tests (tests/web/test_browser.py skips with a message without it).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update && apt-get install -y chromium
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update && sudo apt-get install -y chromium
  else
    echo "chromium is not installed and neither root nor sudo is available: browser tests will skip" >&2
  fi
fi
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/pytest -q -n 2 "$@"
