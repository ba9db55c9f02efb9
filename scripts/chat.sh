#!/usr/bin/env bash
# Install complaintbot into .venv (once) and talk to it in this terminal.
# Defaults: SQLite in ./var, the sample organisation (อบต.เขาทอง). Extra arguments go to
# `complaintbot chat`, e.g. `scripts/chat.sh --org khokphutsa`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/complaintbot ] || [ pyproject.toml -nt .venv/.installed ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e .
  touch .venv/.installed
fi
exec .venv/bin/complaintbot chat "$@"
