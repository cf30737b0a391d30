#!/usr/bin/env bash
# Make (or reuse) a virtual environment at $1 with what the Python side of
# the tests needs (scripts/python/requirements.txt) and print its python.
# Exits 3, saying why, when PyPI cannot be reached.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=$1
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/python/requirements.txt >&2; then
  echo "scripts/python/venv.sh: the test packages could not be installed (is PyPI reachable?)" >&2
  exit 3
fi
echo "$venv/bin/python"
