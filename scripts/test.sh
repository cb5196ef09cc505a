#!/usr/bin/env bash
# Install everything (Python packages and Debian's Chromium) and run lint, types and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/pytest -q -n 2 "$@"
