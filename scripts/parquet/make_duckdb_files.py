"""Writes the DuckDB-made Parquet fixtures under testdata/parquet/interop/duckdb.

One file per DuckDB type and Parquet writer version (V1, V2), snappy-compressed,
and one file of mixed columns per codec and version. Every file has 2,500 rows
in row groups of 1,000 with a null in every seventh row, so readers meet
several row groups, dictionary and plain pages, and definition levels.

    python scripts/parquet/make_duckdb_files.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ROWS = 2500
ROW_GROUP_ROWS = 1000
VERSIONS = ("V1", "V2")
CODECS = ("uncompressed", "snappy", "gzip", "zstd", "brotli", "lz4")

# Each type's value for row i (a BIGINT), as a DuckDB expression.
TYPES: dict[str, str] = {
    "boolean": "i % 3 = 0",
    "tinyint": "(i % 256 - 128)::TINYINT",
    "smallint": "((i * 131) % 65536 - 32768)::SMALLINT",
    "integer": "((i * 2654435761) % 4294967296 - 2147483648)::INTEGER",
    "bigint": "((hash(i) >> 1)::BIGINT * CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END)",
    "hugeint": "((hash(i) >> 1)::HUGEINT * (hash(i + 1) >> 2)::HUGEINT * CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END)",
    "utinyint": "(hash(i) % 256)::UTINYINT",
    "usmallint": "(hash(i) % 65536)::USMALLINT",
    "uinteger": "(hash(i) % 4294967296)::UINTEGER",
    "ubigint": "hash(i)",
    "uhugeint": "(hash(i)::UHUGEINT * hash(i + 7)::UHUGEINT)",
    "float": "CASE i WHEN 0 THEN 'nan'::FLOAT WHEN 1 THEN 'inf'::FLOAT WHEN 2 THEN '-inf'::FLOAT"
    " WHEN 4 THEN -0.0::FLOAT ELSE ((i - 1000) / 7.0)::FLOAT END",
    "double": "CASE i WHEN 0 THEN 'nan'::DOUBLE WHEN 1 THEN 'inf'::DOUBLE WHEN 2 THEN 1.7976931348623157e308"
    " WHEN 4 THEN 5e-324 ELSE (i - 1000) / 7.0 END",
    "decimal_4_1": "(((i * 37) % 19999 - 9999) / 10)::DECIMAL(4,1)",
    "decimal_9_3": "(((i * 7919) % 1999999999 - 999999999) / 1000)::DECIMAL(9,3)",
    "decimal_18_6": "",
    "decimal_38_10": "",
    "varchar": "CASE WHEN i % 2 = 0 THEN 'repeated ' || (i % 10) ELSE 'row ' || i || ' ' || repeat('é✓', (i % 5)::INTEGER) END",
    "blob": "('\\xFF\\x00'::BLOB || encode('v' || i))",
    "date": "(DATE '2000-01-01' + ((i * 37) % 40000 - 20000)::INTEGER)",
    "time": "(TIME '00:00:00' + to_microseconds((i * 34567891) % 86400000000))",
    "timetz": "(TIME '00:00:00' + to_microseconds((i * 34567891) % 86400000000))::TIMETZ",
    "timestamp": "(TIMESTAMP '1900-01-01' + to_microseconds((hash(i) % 6311390400000000)::BIGINT))",
    "timestamp_s": "(TIMESTAMP '1900-01-01' + to_seconds((hash(i) % 6311390400)::BIGINT))::TIMESTAMP_S",
    "timestamp_ms": "(TIMESTAMP '1900-01-01' + to_milliseconds((hash(i) % 6311390400000)::BIGINT))::TIMESTAMP_MS",
    "timestamp_ns": "make_timestamp_ns((hash(i) % 9000000000000000000)::BIGINT - 4000000000000000000)",
    "timestamptz": "(TIMESTAMPTZ '1950-06-01 00:00:00+00' + to_microseconds((hash(i) % 3155760000000000)::BIGINT))",
    "interval": "(to_months((i % 30)::INTEGER) + to_days((i % 40)::INTEGER) + to_milliseconds(i * 1234))",
    "uuid": "md5(i::VARCHAR)::UUID",
    "json": "json_object('i', i, 'name', 'n' || i, 'list', [i, i + 1])::JSON",
    "enum": "(['red', 'green', 'blue'])[i % 3 + 1]::colour",
    "bit": "((i * 2654435761) % 4294967296 - 2147483648)::INTEGER::BIT",
    "bignum": "((hash(i) >> 1)::HUGEINT * 1000000000000 * CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END)::BIGNUM",
    "list_integer": "CASE i % 5 WHEN 0 THEN []::INTEGER[] WHEN 1 THEN [NULL::INTEGER] ELSE [i::INTEGER, (i * 2)::INTEGER, NULL] END",
    "list_varchar": "CASE i % 4 WHEN 0 THEN []::VARCHAR[] ELSE ['a' || i, NULL, 'c'] END",
    "array_integer_3": "[i::INTEGER, (i + 1)::INTEGER, (i + 2)::INTEGER]::INTEGER[3]",
    "struct": "{'a': i, 'b': 'x' || i, 'c': CASE WHEN i % 3 = 0 THEN NULL ELSE [i] END}",
    "map": "CASE i % 4 WHEN 0 THEN MAP {}::MAP(VARCHAR, INTEGER) ELSE MAP {'k' || i: i::INTEGER, 'z': NULL} END",
    "union": "CASE WHEN i % 2 = 0 THEN union_value(num := i::INTEGER)::UNION(num INTEGER, str VARCHAR)"
    " ELSE union_value(str := 's' || i)::UNION(num INTEGER, str VARCHAR) END",
    "list_struct": "[{'k': i, 'v': 'v' || i}, {'k': NULL, 'v': NULL}]",
    "struct_list_map": "{'l': [MAP {i::VARCHAR: i}], 'n': {'deep': i % 11}}",
    "list_list_double": "[[i / 3.0, NULL], [], NULL]",
}



def decimal(unscaled: str, width: int, scale: int) -> str:
    """Returns a DECIMAL(width, scale) expression of the unscaled integer
    expression, built from its digits so that no step rounds."""
    digits = f"lpad(abs({unscaled})::VARCHAR, {scale + 1}, '0')"
    text = (f"(CASE WHEN {unscaled} < 0 THEN '-' ELSE '' END || left({digits}, length({digits}) - {scale})"
            f" || '.' || right({digits}, {scale}))")
    return f"{text}::DECIMAL({width},{scale})"


TYPES["decimal_18_6"] = decimal("((hash(i) % 1999999999999999999)::HUGEINT - 999999999999999999)", 18, 6)
TYPES["decimal_38_10"] = decimal(
    "((hash(i) >> 1)::HUGEINT * (hash(i + 3) >> 3)::HUGEINT * CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END)", 38, 10)

# The columns of the per-codec files.
MIXED = ("integer", "bigint", "double", "varchar", "boolean", "date", "timestamp", "list_integer", "struct")


def with_nulls(expr: str) -> str:
    """Returns expr with a null in every seventh row."""
    return f"CASE WHEN i % 7 = 3 THEN NULL ELSE {expr} END"


def write(con: duckdb.DuckDBPyConnection, columns: dict[str, str], path: Path, version: str, codec: str) -> None:
    """Writes one Parquet file of the given columns."""
    select = ", ".join(f"{with_nulls(expr)} AS {name}" for name, expr in columns.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"COPY (SELECT {select} FROM range({ROWS}) r(i) ORDER BY i) TO '{path}' "
        f"(FORMAT parquet, PARQUET_VERSION {version}, COMPRESSION {codec}, ROW_GROUP_SIZE {ROW_GROUP_ROWS})"
    )


def main(out: Path) -> None:
    """Writes every fixture under out."""
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TYPE colour AS ENUM ('red', 'green', 'blue')")
    for version in VERSIONS:
        for name, expr in TYPES.items():
            write(con, {"v": expr}, out / f"type-{name}-{version.lower()}.parquet", version, "snappy")
        for codec in CODECS:
            write(con, {n: TYPES[n] for n in MIXED}, out / f"codec-{codec}-{version.lower()}.parquet", version, codec)


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else root / "testdata/parquet/interop/duckdb")
