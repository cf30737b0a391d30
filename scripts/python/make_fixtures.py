"""Remakes the Parquet and wheel fixtures of the Python-stage tests.

testdata/parquet/: one small labelled text table written by pyarrow in each
codec it offers, and by pandas and polars, so the Go tests prove that a table
a Python stage writes is read like one the engine writes.
stages/python/testdata/wheels/: two versions of a one-module package, so a
test can build an environment offline and see a version change re-run it.

Run from the repository root: python scripts/python/make_fixtures.py
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
CODECS = ["none", "snappy", "gzip", "brotli", "lz4", "zstd"]


def labelled(n: int = 80) -> pa.Table:
    """Texts whose label is told by one word, so a model can learn it."""
    good = ["great", "lovely", "superb", "fine", "splendid"]
    bad = ["awful", "broken", "dreadful", "poor", "rotten"]
    texts, labels = [], []
    for i in range(n):
        words = good if i % 2 else bad
        texts.append(f"item {i} was {words[i % 5]} and arrived on day {i % 7}")
        labels.append(i % 2)
    return pa.table({"text": texts, "label": pa.array(labels, pa.int64())})


def parquet_fixtures() -> None:
    out = ROOT / "testdata" / "parquet"
    out.mkdir(parents=True, exist_ok=True)
    t = labelled()
    for c in CODECS:
        pq.write_table(t, out / f"pyarrow-{c}.parquet", compression=c)
    t.to_pandas().to_parquet(out / "pandas-snappy.parquet")
    pl.from_arrow(t).write_parquet(out / "polars-zstd.parquet")  # type: ignore[union-attr]


def wheel(name: str, version: str) -> bytes:
    """A pure-Python wheel holding one module that knows its version."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": f'VERSION = "{version}"\n'.encode(),
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: make_fixtures\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            z.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def wheel_fixtures() -> None:
    out = ROOT / "stages" / "python" / "testdata" / "wheels"
    out.mkdir(parents=True, exist_ok=True)
    for v in ["0.1.0", "0.2.0"]:
        (out / f"tinydep-{v}-py3-none-any.whl").write_bytes(wheel("tinydep", v))


if __name__ == "__main__":
    parquet_fixtures()
    wheel_fixtures()
