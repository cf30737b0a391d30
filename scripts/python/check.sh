#!/usr/bin/env bash
# The mlpipe package's own checks: install it into the environment of
# scripts/python/venv.sh, run its pytest suite and mypy (strict), and check
# that the fixtures of testdata/parquet remake byte for byte.
# PY_VENV names a virtual environment to reuse. When PyPI cannot be reached
# the script says so and exits 0 without checking.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/py-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
venv=${PY_VENV:-$work/venv}
if ! py=$(scripts/python/venv.sh "$venv"); then
  echo "scripts/python/check.sh: SKIPPED: no test environment" >&2
  exit 0
fi
"$py" -m pip install --quiet --disable-pip-version-check ./python
(cd python && "$py" -m pytest -q tests && "$py" -m mypy)
"$py" -m mypy --strict --ignore-missing-imports scripts/python/make_fixtures.py
"$py" scripts/python/make_fixtures.py
git diff --exit-code --stat -- testdata/parquet stages/python/testdata/wheels
echo "scripts/python/check.sh: the mlpipe package passes its tests and the fixtures remake identically"
