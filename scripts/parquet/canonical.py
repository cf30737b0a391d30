"""Canonical JSON values of table cells, the form in which Parquet readers are compared.

Both the DuckDB references and the pyarrow/polars checks put every value into
this form, and the Go side (artifacts/table's interop test) does the same:

- null is null, booleans and integers are JSON booleans and numbers;
- floats are JSON numbers written exactly (shortest round-trip text), NaN and
  infinities the strings "NaN", "Infinity" and "-Infinity";
- decimals are strings in plain notation with the column's scale ("-12.50");
- strings are strings; binaries are lowercase hex strings;
- dates are "YYYY-MM-DD"; times "HH:MM:SS" and timestamps
  "YYYY-MM-DDTHH:MM:SSZ" in UTC (naive timestamps taken as UTC), each with a
  fraction of 3, 6 or 9 digits when the value has one, as few as hold it;
- intervals are {"months": m, "days": d, "micros": us};
- UUIDs are their 36-character text;
- lists and fixed-size arrays are JSON arrays, structs JSON objects, and maps
  JSON arrays of [key, value] pairs in stored order.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from typing import Any

JSON = Any  # a value json.dumps writes: None, bool, int, float, str, list, dict

_EPOCH = dt.datetime(1970, 1, 1)


def fraction(nanos: int) -> str:
    """Returns the fraction of a second, nanos of it, as "", ".ddd", ".dddddd" or ".ddddddddd"."""
    if nanos == 0:
        return ""
    if nanos % 1_000_000 == 0:
        return f".{nanos // 1_000_000:03d}"
    if nanos % 1_000 == 0:
        return f".{nanos // 1_000:06d}"
    return f".{nanos:09d}"


def _clock(t: dt.datetime, nanos: int) -> str:
    """Returns the canonical text of a naive UTC datetime to the second, then the fraction nanos."""
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}" + fraction(nanos) + "Z"


def timestamp_from_nanos(nanos: int) -> str:
    """Returns the canonical text of a timestamp given in nanoseconds since the epoch (UTC)."""
    seconds, rest = divmod(nanos, 1_000_000_000)
    return _clock(_EPOCH + dt.timedelta(seconds=seconds), rest)


def timestamp(t: dt.datetime) -> str:
    """Returns the canonical text of a datetime (aware ones moved to UTC)."""
    if t.tzinfo is not None:
        t = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return _clock(t, t.microsecond * 1000)


def timestamp_text(text: str) -> str:
    """Returns the canonical text of a timestamp DuckDB gives as text because
    Python's datetime cannot hold it (years past 9999): "Y-MM-DD HH:MM:SS[.f][+00]"."""
    date, clock = text.split(" ", 1)
    clock = clock.split("+", 1)[0]
    whole, _, frac = clock.partition(".")
    return f"{date}T{whole}" + fraction(int(frac.ljust(9, "0")) if frac else 0) + "Z"


def time_of_day(t: dt.time, nanos: int | None = None) -> str:
    """Returns the canonical text of a time of day (nanos overrides its fraction)."""
    frac = t.microsecond * 1000 if nanos is None else nanos
    return f"{t:%H:%M:%S}" + fraction(frac)


def number(f: float) -> JSON:
    """Returns a float as JSON: itself, or the name of a non-finite value."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "Infinity" if f > 0 else "-Infinity"
    return f


def value(v: Any) -> JSON:
    """Returns the canonical JSON of a Python value as DuckDB, pyarrow or polars give it.

    Maps must have been turned into lists of pairs by the caller, which knows the type.
    """
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return number(v)
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex()
    if isinstance(v, dt.datetime):
        return timestamp(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return time_of_day(v)
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): value(x) for k, x in v.items()}
    raise TypeError(f"no canonical form for {type(v).__name__} {v!r}")
