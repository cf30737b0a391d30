"""Compare two trees of golden.json files number by number.

    python scripts/hf/compare_goldens.py COMMITTED FRESH [--tolerance 1e-5]

Exits 1 naming the first file and path whose numbers differ by more than the
tolerance, or whose structure differs.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any


def largest_difference(a: Any, b: Any, path: str = "") -> tuple[float, str]:
    """The largest absolute difference between two JSON values of the same
    shape, with where it is; a difference of shape or of a non-number is inf."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str) or a is None or b is None:
        return (0.0, path) if a == b else (math.inf, path)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)), path
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return math.inf, f"{path} (length {len(a)} vs {len(b)})"
        worst = (0.0, path)
        for i, (x, y) in enumerate(zip(a, b)):
            d = largest_difference(x, y, f"{path}[{i}]")
            if d[0] > worst[0]:
                worst = d
        return worst
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return math.inf, f"{path} (keys {sorted(set(a) ^ set(b))})"
        worst = (0.0, path)
        for k in sorted(a):
            if k.endswith("_version"):
                continue
            d = largest_difference(a[k], b[k], f"{path}.{k}")
            if d[0] > worst[0]:
                worst = d
        return worst
    return math.inf, f"{path} ({type(a).__name__} vs {type(b).__name__})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("committed", type=Path)
    ap.add_argument("fresh", type=Path)
    ap.add_argument("--tolerance", type=float, default=1e-5)
    a = ap.parse_args()
    for g in sorted(a.committed.glob("*/golden.json")):
        fresh = a.fresh / g.parent.name / "golden.json"
        if not fresh.exists():
            raise SystemExit(f"{fresh}: not remade")
        d, where = largest_difference(json.loads(g.read_text()), json.loads(fresh.read_text()))
        print(f"{g.parent.name}: largest difference {d:.3g} at {where or '.'}")
        if d > a.tolerance:
            raise SystemExit(f"{g}: differs from transformers' fresh output by {d:.3g} at {where}")


if __name__ == "__main__":
    main()
