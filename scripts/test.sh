#!/usr/bin/env bash
# Install everything (Python packages with the Spark extra, Java for Spark and Debian's Chromium
# for the browser tests) and run lint, types and every test. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.lock

# Debian packages: a Java runtime for Spark, Chromium for the browser tests. Tests that need one
# that cannot be installed skip with a message saying so.
apt_install() {
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo apt-get install -y -qq "$@"
  else
    echo "cannot install $* (neither root nor sudo): the tests that need it will skip" >&2
  fi
}
wanted=()
command -v java >/dev/null 2>&1 || wanted+=(openjdk-17-jre-headless)
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
if [ "${#wanted[@]}" -gt 0 ]; then apt_install "${wanted[@]}" || true; fi

.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
.venv/bin/mypy
.venv/bin/pytest -q -n 2 "$@"
