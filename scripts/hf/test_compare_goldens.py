"""Tests of compare_goldens' difference rule (no torch needed)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from compare_goldens import largest_difference  # noqa: E402


def test_numbers_and_nesting() -> None:
    d, where = largest_difference({"a": [[1.0, 2.0]], "b": 1}, {"a": [[1.0, 2.5]], "b": 1})
    assert d == 0.5 and where == ".a[0][1]"


def test_shape_and_text_differences_are_infinite() -> None:
    assert largest_difference([1, 2], [1])[0] == math.inf
    assert largest_difference({"t": "x"}, {"t": "y"})[0] == math.inf
    assert largest_difference({"a": 1}, {"b": 1})[0] == math.inf


def test_versions_are_ignored() -> None:
    assert largest_difference({"torch_version": "2.1", "x": 1}, {"torch_version": "2.2", "x": 1})[0] == 0.0
