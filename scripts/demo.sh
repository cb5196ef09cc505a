#!/usr/bin/env bash
# The main job: install Pulse into .venv, build the six demo workspaces on the embedded engine
# (DuckDB), show a scorecard, then serve the dashboard and print its address.
# Set PULSE_DEMO_NO_SERVE=1 to stop after the scorecard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export PULSE_HOME="${PULSE_HOME:-$PWD/.pulse-demo}"
.venv/bin/pulse demo
.venv/bin/pulse scorecard demo-b2b-saas --period last-quarter
[ -n "${PULSE_DEMO_NO_SERVE:-}" ] && exit 0

# A demo admin to log in with; the password is made here and printed once.
password="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')"
if ! printf '%s\n' "$password" | .venv/bin/pulse user add demo --role admin --password-stdin >/dev/null 2>&1; then
  printf '%s\n' "$password" | .venv/bin/pulse user password demo --password-stdin >/dev/null
fi
echo
echo "Log in as 'demo' with password: $password"
exec .venv/bin/pulse serve --host 127.0.0.1 --port "${PULSE_PORT:-8000}"
