#!/usr/bin/env bash
# Checks that other readers read the project's Parquet tables as written:
# artifacts/table's TestWriteReadersCheck writes tables of every column type
# the stages write (flat ones through the flat writer, nested ones through
# arrow-go's) with the values written, in canonical JSON, and
# check_readers.py reads each back with pyarrow, polars and DuckDB from a
# fresh virtual environment under /tmp, comparing row counts and values.
#
#   scripts/parquet/check.sh
#
# Without PyPI (or the index PIP_INDEX_URL names) it says SKIPPED and exits 0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d /tmp/parquet-check.XXXXXX)
trap 'rm -rf "$work"' EXIT

index=${PIP_INDEX_URL:-https://pypi.org/simple}
if ! "$python" - "$index" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1].rstrip("/") + "/pip/", timeout=15)
EOF
then
  echo "SKIPPED: the package index ($index) is unreachable"
  exit 0
fi

"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/check-requirements.txt"

mkdir "$work/tables"
(cd "$root" && PARQUET_CHECK_OUT="$work/tables" go test -count=1 -run '^TestWriteReadersCheck$' ./artifacts/table/)
(cd "$here" && "$work/venv/bin/python" -m pytest -q -p no:cacheprovider test_check_readers.py)
(cd "$here" && "$work/venv/bin/python" check_readers.py "$work/tables")
echo "OK: pyarrow, polars and DuckDB read the tables as written"
