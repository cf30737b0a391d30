"""Tests of check_readers: value comparison and a check that must find a difference."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import check_readers  # noqa: E402


def test_same_compares_numbers_by_value() -> None:
    assert check_readers.same(1.0, 1)
    assert check_readers.same([1, {"a": None}], [1, {"a": None}])
    assert not check_readers.same(True, 1)
    assert not check_readers.same([1, 2], [1])
    assert not check_readers.same({"a": 1}, {"b": 1})
    assert check_readers.same(float("nan"), float("nan"))


def test_first_difference_names_row_and_column() -> None:
    want: check_readers.Table = (["a", "b"], [[1, "x"], [2, "y"]])
    assert check_readers.first_difference((["a", "b"], [[1, "x"], [2, "y"]]), want) is None
    assert check_readers.first_difference((["a", "b"], [[1, "x"]]), want) == "1 rows, want 2"
    diff = check_readers.first_difference((["a", "b"], [[1, "x"], [2, "z"]]), want)
    assert diff is not None and diff.startswith("row 1, column b")


def _write(tmp_path: Path, written: list[list[object]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": pa.array([1, 2], pa.int64()), "s": pa.array(["é", None], pa.string()),
                      "l": pa.array([[1, 2], []], pa.list_(pa.int32()))})
    pq.write_table(table, tmp_path / "t.parquet")
    (tmp_path / "t.json").write_text(json.dumps({"columns": ["id", "s", "l"], "rows": written}))


def test_check_passes_when_every_reader_agrees(tmp_path: Path) -> None:
    _write(tmp_path, [[1, "é", [1, 2]], [2, None, []]])
    assert check_readers.check(tmp_path) == []


def test_check_reports_a_wrong_value(tmp_path: Path) -> None:
    _write(tmp_path, [[1, "é", [1, 2]], [2, None, [3]]])
    problems = check_readers.check(tmp_path)
    assert len(problems) == 3
    assert all("row 1, column l" in p for p in problems)
