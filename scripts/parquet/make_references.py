"""Writes DuckDB's reading of every interop fixture as canonical JSON.

For each Parquet file under testdata/parquet/interop (parquet-testing/ and
duckdb/) it writes testdata/parquet/interop/references/<path>.json (gzipped,
as .json.gz, when large): {"columns": [...], "types": [...], "rows": [[...]]}
in DuckDB's row order, values in the form canonical.py describes, or
{"error": "duckdb cannot read: <message>"} when DuckDB refuses the file.

    python scripts/parquet/make_references.py
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path
from typing import Any

import duckdb

import canonical

ROOT = Path(__file__).resolve().parents[2]
INTEROP = ROOT / "testdata/parquet/interop"
SOURCES = ("parquet-testing", "duckdb")
REFERENCES = INTEROP / "references"
GZIP_OVER = 32 << 10  # bytes of JSON above which a reference is gzipped


def quote(name: str) -> str:
    """Returns name as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def projection(name: str, typ: duckdb.DuckDBPyType) -> str:
    """Returns the SELECT item for a top-level column: itself, or, where Python's
    conversion would lose precision, an exact form of it."""
    col = quote(name)
    if typ.id == "timestamp_ns":
        return f"epoch_ns({col})"
    if typ.id == "interval":
        months = f"(datepart('year', {col}) * 12 + datepart('month', {col}))"
        days = f"datepart('day', {col})"
        return (f"CASE WHEN {col} IS NULL THEN NULL ELSE struct_pack(months := {months}, days := {days}, "
                f"micros := epoch_us({col} - to_months({months}::INTEGER) - to_days({days}::INTEGER))) END")
    return col


def convert(v: Any, typ: duckdb.DuckDBPyType, top: bool) -> canonical.JSON:
    """Returns the canonical JSON of a value DuckDB gave for a column of type typ
    (top: a top-level column, projected as projection says)."""
    if v is None:
        return None
    kind = typ.id
    if kind == "timestamp_ns" and top:
        return canonical.timestamp_from_nanos(v)
    if kind.startswith("timestamp") and isinstance(v, str):
        return canonical.timestamp_text(v)
    if kind == "map":
        key, val = (t for _, t in typ.children)
        return [[convert(k, key, False), convert(x, val, False)] for k, x in v.items()]
    if kind in ("list", "array"):
        child = typ.children[0][1]
        return [convert(x, child, False) for x in v]
    if kind == "struct":
        return {n: convert(v[n], t, False) for n, t in typ.children}
    return canonical.value(v)


def reference(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, Any]:
    """Returns DuckDB's reading of one file, or the error it gave."""
    literal = "'" + str(path.relative_to(INTEROP)).replace("'", "''") + "'"
    try:
        rel = con.sql(f"SELECT * FROM read_parquet({literal})")
        names, types = rel.columns, rel.types
        select = ", ".join(projection(n, t) for n, t in zip(names, types))
        rows = con.execute(f"SELECT {select} FROM read_parquet({literal})").fetchall()
    except duckdb.Error as e:
        return {"error": "duckdb cannot read: " + str(e).splitlines()[0]}
    return {
        "columns": list(names),
        "types": [str(t) for t in types],
        "rows": [[convert(v, t, True) for v, t in zip(row, types)] for row in rows],
    }


def main() -> None:
    """Writes the reference of every fixture and removes stale ones."""
    os.chdir(INTEROP)  # so that DuckDB's errors name files by their fixture path
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("SET TimeZone = 'UTC'")
    written: set[Path] = set()
    for source in SOURCES:
        for path in sorted((INTEROP / source).rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(INTEROP)
            text = json.dumps({"file": str(rel), "duckdb": duckdb.__version__, **reference(con, path)},
                              ensure_ascii=False, allow_nan=False)
            out = REFERENCES / (str(rel) + ".json")
            out.parent.mkdir(parents=True, exist_ok=True)
            data = (text + "\n").encode()
            if len(data) > GZIP_OVER:
                out = out.with_name(out.name + ".gz")
                data = gzip.compress(data, mtime=0)
            out.write_bytes(data)
            written.add(out)
    for old in REFERENCES.rglob("*.json*"):
        if old not in written:
            old.unlink()
    print(f"{len(written)} references under {REFERENCES.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
