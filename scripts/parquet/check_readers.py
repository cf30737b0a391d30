"""Checks that pyarrow, polars and DuckDB read the project's Parquet tables as written.

The directory holds NAME.parquet files written by the project and NAME.json
beside each, {"columns": [...], "rows": [[...]]}: the values written, in the
canonical form canonical.py describes (artifacts/table's TestWriteReadersCheck
writes both). Each reader's values are put in the same form and compared row
by row; the script prints one line per table and reader and exits 1 at the
first difference.

    python scripts/parquet/check_readers.py DIR
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import canonical

Rows = list[list[canonical.JSON]]
Table = tuple[list[str], Rows]


def read_pyarrow(path: Path) -> Table:
    """Returns the columns and canonical rows pyarrow reads."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    if table.num_rows != pq.ParquetFile(path).metadata.num_rows:
        raise ValueError(f"pyarrow read {table.num_rows} rows, the footer says {pq.ParquetFile(path).metadata.num_rows}")
    columns: list[list[canonical.JSON]] = []
    for field, col in zip(table.schema, table.columns):
        if pa.types.is_timestamp(field.type):
            nanos = col.cast(pa.timestamp("ns", field.type.tz)).cast(pa.int64()).to_pylist()
            columns.append([None if v is None else canonical.timestamp_from_nanos(v) for v in nanos])
        else:
            columns.append([canonical.value(v) for v in col.to_pylist()])
    return list(table.column_names), [list(row) for row in zip(*columns)]


def read_polars(path: Path) -> Table:
    """Returns the columns and canonical rows polars reads."""
    import polars as pl

    df = pl.read_parquet(path)
    return list(df.columns), [[canonical.value(v) for v in row] for row in df.rows()]


def read_duckdb(path: Path) -> Table:
    """Returns the columns and canonical rows DuckDB reads, in file order."""
    import duckdb

    import make_references

    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("SET TimeZone = 'UTC'")
    literal = "'" + str(path).replace("'", "''") + "'"
    rel = con.sql(f"SELECT * FROM read_parquet({literal})")
    names, types = rel.columns, rel.types
    select = ", ".join(make_references.projection(n, t) for n, t in zip(names, types))
    rows = con.execute(f"SELECT {select} FROM read_parquet({literal})").fetchall()
    return list(names), [[make_references.convert(v, t, True) for v, t in zip(row, types)] for row in rows]


READERS: dict[str, Callable[[Path], Table]] = {
    "pyarrow": read_pyarrow,
    "polars": read_polars,
    "duckdb": read_duckdb,
}


def same(got: Any, want: Any) -> bool:
    """Reports whether two canonical values are equal (numbers by value, so 1.0 equals 1)."""
    if isinstance(want, bool) or isinstance(got, bool):
        return type(got) is type(want) and got == want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        if isinstance(want, float) and isinstance(got, float) and math.isnan(want):
            return math.isnan(got)
        return got == want
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    return bool(got == want)


def first_difference(got: Table, want: Table) -> str | None:
    """Returns where a reading first differs from the values written, or None."""
    got_cols, got_rows = got
    want_cols, want_rows = want
    if got_cols != want_cols:
        return f"columns {got_cols}, want {want_cols}"
    if len(got_rows) != len(want_rows):
        return f"{len(got_rows)} rows, want {len(want_rows)}"
    for i, (g, w) in enumerate(zip(got_rows, want_rows)):
        for name, gv, wv in zip(want_cols, g, w):
            if not same(gv, wv):
                return f"row {i}, column {name}: got {json.dumps(gv)[:200]}, want {json.dumps(wv)[:200]}"
    return None


def check(directory: Path, readers: Sequence[str] = tuple(READERS)) -> list[str]:
    """Reads every table of directory with each reader and returns the differences found."""
    problems: list[str] = []
    tables = sorted(directory.glob("*.parquet"))
    if not tables:
        return [f"no .parquet files in {directory}"]
    for path in tables:
        ref = json.loads(path.with_suffix(".json").read_text())
        want: Table = (ref["columns"], ref["rows"])
        for name in readers:
            try:
                diff = first_difference(READERS[name](path), want)
            except Exception as e:  # a reader refusing the file is a difference too
                diff = f"cannot read: {type(e).__name__}: {e}"
            if diff is None:
                print(f"{path.name}: {name} reads {len(want[1])} rows as written")
            else:
                print(f"{path.name}: {name}: {diff}")
                problems.append(f"{path.name}: {name}: {diff}")
    return problems


def main(argv: list[str]) -> int:
    """Checks the directory argv[1] names; returns the exit status."""
    if len(argv) != 2:
        print("usage: check_readers.py DIR", file=sys.stderr)
        return 2
    return 1 if check(Path(argv[1])) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
