"""The environment contract between the engine and a stage, as an object."""

from __future__ import annotations

import json
import math
import numbers
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping, Optional, Union

import pyarrow as pa
import pyarrow.parquet as pq

#: Output types a definition may declare (`outputs: {port: TYPE}`).
TABLE, FILE, DIR, ANY = "table", "file", "dir", "any"
#: The output the engine writes from the step metrics.
HISTORY = "history"
#: The key numbering a step record.
STEP = "step"


class StageError(Exception):
    """A call that does not fit the stage's declaration or the contract."""


def input_variable(port: str) -> str:
    """Returns the environment variable holding an input port's path."""
    return "PIPELINE_IN_" + "".join(
        c if ("A" <= c <= "Z") or ("0" <= c <= "9") or c == "_" else "_" for c in port.upper()
    )


class Stage:
    """One running stage: its inputs, parameters, outputs and metrics.

    Every value comes from the environment, read when first used, so that the
    module imports anywhere; a call made outside a stage raises StageError.
    """

    def __init__(self, environ: Optional[Mapping[str, str]] = None) -> None:
        self._environ = environ
        self._params: Optional[dict[str, Any]] = None
        self._outputs: Optional[dict[str, str]] = None

    # The environment -------------------------------------------------------

    def _env(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def _var(self, name: str) -> str:
        v = self._env().get(name)
        if v is None:
            raise StageError(f"not running as a pipeline stage: ${name} is not set")
        return v

    @property
    def name(self) -> str:
        """The stage's name in the definition (with its sweep point, if any)."""
        return self._var("PIPELINE_STAGE")

    @property
    def seed(self) -> int:
        """The stage's seed: `with.seed`, else the definition's `params.seed`."""
        return int(self._var("PIPELINE_SEED"))

    @property
    def params(self) -> dict[str, Any]:
        """The stage's resolved `with:`, as JSON types (numbers stay numbers)."""
        if self._params is None:
            raw = self._var("PIPELINE_PARAMS")
            try:
                p = json.loads(raw)
            except ValueError as e:
                raise StageError(f"$PIPELINE_PARAMS is not JSON: {e}") from e
            if not isinstance(p, dict):
                raise StageError("$PIPELINE_PARAMS is not a JSON object")
            self._params = p
        return self._params

    @property
    def outputs(self) -> dict[str, str]:
        """The declared outputs: port name to type (table, file, dir, any)."""
        if self._outputs is None:
            raw = self._env().get("PIPELINE_OUTPUTS")
            if raw is None:
                self._var("PIPELINE_OUT")  # outside a stage: say so first
                raise StageError("$PIPELINE_OUTPUTS is not set: this engine is older than the package")
            o = json.loads(raw)
            if not isinstance(o, dict):
                raise StageError("$PIPELINE_OUTPUTS is not a JSON object")
            self._outputs = {str(k): str(v) for k, v in o.items()}
        return self._outputs

    # Inputs ----------------------------------------------------------------

    def input_path(self, port: str) -> Path:
        """Returns the read-only file or directory wired to an input port."""
        var = input_variable(port)
        v = self._env().get(var)
        if v is None:
            self._var("PIPELINE_OUT")
            wired = sorted(k[len("PIPELINE_IN_"):].lower() for k in self._env() if k.startswith("PIPELINE_IN_"))
            raise StageError(f"input `{port}` is not wired to this stage (${var} is not set; inputs: {', '.join(wired) or 'none'})")
        return Path(v)

    def input(self, port: str, columns: Optional[list[str]] = None) -> pa.Table:
        """Reads a table input (one Parquet file) as a pyarrow Table.

        Use `.to_pandas()` or `polars.from_arrow()` on the result for a frame.
        """
        path = self.input_path(port)
        if path.is_dir():
            raise StageError(f"input `{port}` is a directory, not a table; use input_path({port!r})")
        try:
            return pq.read_table(path, columns=columns)
        except (pa.ArrowException, OSError) as e:
            raise StageError(f"input `{port}` is not a readable Parquet table: {e}") from e

    # Outputs ---------------------------------------------------------------

    def output_path(self, port: str) -> Path:
        """Returns where a declared output port is written (nothing is created)."""
        self._declared(port, (TABLE, FILE, DIR, ANY))
        return Path(self._var("PIPELINE_OUT")) / port

    def _declared(self, port: str, types: tuple[str, ...]) -> str:
        if port == HISTORY and self.outputs.get(port) == TABLE:
            raise StageError(f"output `{HISTORY}` is written by the engine from stage.log(); log steps instead")
        t = self.outputs.get(port)
        if t is None:
            declared = ", ".join(sorted(p for p in self.outputs if p != HISTORY)) or "none"
            raise StageError(f"output `{port}` is not declared by the stage (declared: {declared})")
        if t not in types:
            raise StageError(f"output `{port}` is declared `{t}`, so it cannot take {_kinds(types)}")
        return t

    def output(self, port: str, data: Any, compression: str = "zstd") -> None:
        """Writes a table to a declared `table` (or `any`) output.

        data is a pyarrow Table or RecordBatch, a pandas DataFrame (its index
        is dropped) or a polars DataFrame. The file is written beside its
        place and moved there whole.
        """
        self._declared(port, (TABLE, ANY))
        table = to_arrow(data)
        dest = self.output_path(port)
        fd, tmp = tempfile.mkstemp(prefix=f".{port}.", dir=dest.parent)
        os.close(fd)
        try:
            pq.write_table(table, tmp, compression=compression)
            os.replace(tmp, dest)
        except BaseException:
            _remove(tmp)
            raise

    def output_file(self, port: str, path: Union[str, os.PathLike[str]]) -> None:
        """Copies a file or a directory tree to a declared output."""
        src = Path(path)
        if src.is_dir():
            self._declared(port, (DIR, ANY))
        elif src.is_file():
            self._declared(port, (FILE, TABLE, ANY))
        else:
            raise StageError(f"output `{port}`: {src} is neither a file nor a directory")
        dest = self.output_path(port)
        tmp = Path(tempfile.mkdtemp(prefix=f".{port}.", dir=dest.parent)) / "x"
        try:
            if src.is_dir():
                shutil.copytree(src, tmp, symlinks=True)
            else:
                shutil.copy2(src, tmp)
            os.replace(tmp, dest)
        finally:
            shutil.rmtree(tmp.parent, ignore_errors=True)

    # Metrics ---------------------------------------------------------------

    def log(self, step: Optional[int] = None, **values: float) -> None:
        """Records one step's metrics (numbers) in the stage's history table.

        `loss` or `train_loss` and `val_loss` draw the report's loss curve; a
        metric's last logged value is also a final metric of the stage,
        unless stage.metrics() sets it.
        """
        rec: dict[str, Union[int, float]] = {}
        if step is not None:
            if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step < 0:
                raise StageError(f"stage.log: step is {step!r}; it must be a whole number from 0")
            rec[STEP] = int(step)
        for k, v in values.items():
            rec[k] = _number("stage.log", k, v)
        line = json.dumps(rec, allow_nan=False) + "\n"
        with open(self._var("PIPELINE_STEPS"), "a", encoding="utf-8") as f:
            f.write(line)

    def metrics(self, **values: float) -> None:
        """Records final metrics (numbers); a later call adds to earlier ones."""
        checked = {k: _number("stage.metrics", k, v) for k, v in values.items()}
        path = Path(self._var("PIPELINE_METRICS"))
        current: dict[str, Any] = {}
        if path.exists():
            current = json.loads(path.read_text(encoding="utf-8"))
        current.update(checked)
        fd, tmp = tempfile.mkstemp(prefix=".metrics.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(current, f, allow_nan=False, sort_keys=True)
        os.replace(tmp, path)


def to_arrow(data: Any) -> pa.Table:
    """Converts a pyarrow, pandas or polars table to a pyarrow Table."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    if module == "polars":
        return data.to_arrow()
    if module == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False)
    raise StageError(f"a table output takes a pyarrow Table or RecordBatch, or a pandas or polars DataFrame, not {type(data).__name__}")


def _number(call: str, key: str, v: Any) -> Union[int, float]:
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise StageError(f"{call}: metric `{key}` is {type(v).__name__} {v!r}, not a number")
    f = float(v)
    if not math.isfinite(f):
        raise StageError(f"{call}: metric `{key}` is {f}; metrics must be finite")
    return int(v) if isinstance(v, numbers.Integral) else f


def _kinds(types: tuple[str, ...]) -> str:
    return {(TABLE, ANY): "a table", (DIR, ANY): "a directory", (FILE, TABLE, ANY): "a file"}.get(types, "it")


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
