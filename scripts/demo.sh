#!/usr/bin/env bash
# Install Pulse into .venv and run the main job: build the demo workspaces and show a scorecard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export PULSE_HOME="${PULSE_HOME:-$PWD/.pulse-demo}"
.venv/bin/pulse demo
.venv/bin/pulse scorecard demo-b2b-saas --period last-quarter
