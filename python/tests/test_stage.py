"""The package against the environment contract, without an engine."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mlpipe import Stage, StageError
from mlpipe._stage import input_variable


def make_stage(tmp_path: Path, outputs: dict[str, str], **inputs: Path) -> Stage:
    out = tmp_path / "out"
    out.mkdir()
    env = {
        "PIPELINE_OUT": str(out),
        "PIPELINE_OUTPUTS": json.dumps(outputs),
        "PIPELINE_PARAMS": json.dumps({"lr": 0.1, "layers": [1, 2]}),
        "PIPELINE_SEED": "7",
        "PIPELINE_STAGE": "fit",
        "PIPELINE_METRICS": str(tmp_path / "metrics.json"),
        "PIPELINE_STEPS": str(tmp_path / "steps.jsonl"),
    }
    for port, path in inputs.items():
        env[input_variable(port)] = str(path)
    return Stage(env)


def test_input_variable_matches_the_engine() -> None:
    assert input_variable("train") == "PIPELINE_IN_TRAIN"
    assert input_variable("val-set.v2") == "PIPELINE_IN_VAL_SET_V2"


def test_params_seed_and_name(tmp_path: Path) -> None:
    s = make_stage(tmp_path, {})
    assert s.params["lr"] == 0.1
    assert s.params["layers"] == [1, 2]
    assert s.seed == 7
    assert s.name == "fit"


def test_outside_a_stage_says_so() -> None:
    s = Stage({})
    with pytest.raises(StageError, match=r"not running as a pipeline stage: \$PIPELINE_PARAMS"):
        _ = s.params
    with pytest.raises(StageError, match="not running as a pipeline stage"):
        s.input("train")


def test_table_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": ["a", "b"], "label": [0, 1]}), src, compression="snappy")
    s = make_stage(tmp_path, {"preds": "table"}, train=src)
    t = s.input("train")
    assert t.num_rows == 2
    assert s.input("train", columns=["label"]).column_names == ["label"]
    s.output("preds", t.append_column("p", pa.array([0.5, 0.25])))
    back = pq.read_table(tmp_path / "out" / "preds")
    assert back.column_names == ["text", "label", "p"]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_pandas_frames_drop_their_index(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas", reason="pandas is not installed")
    s = make_stage(tmp_path, {"preds": "table"})
    s.output("preds", pd.DataFrame({"x": [1, 2]}, index=[5, 6]))
    assert pq.read_table(tmp_path / "out" / "preds").column_names == ["x"]


def test_undeclared_and_mistyped_outputs(tmp_path: Path) -> None:
    s = make_stage(tmp_path, {"preds": "table", "model": "file", "history": "table"})
    t = pa.table({"x": [1]})
    with pytest.raises(StageError, match=r"output `pred` is not declared by the stage \(declared: model, preds\)"):
        s.output("pred", t)
    with pytest.raises(StageError, match="output `model` is declared `file`, so it cannot take a table"):
        s.output("model", t)
    with pytest.raises(StageError, match="written by the engine"):
        s.output("history", t)
    with pytest.raises(StageError, match="takes a pyarrow Table .*, not list"):
        s.output("preds", [1, 2])
    assert list((tmp_path / "out").iterdir()) == []


def test_output_file_and_dir(tmp_path: Path) -> None:
    s = make_stage(tmp_path, {"model": "file", "assets": "dir"})
    f = tmp_path / "m.bin"
    f.write_bytes(b"weights")
    d = tmp_path / "assets"
    (d / "sub").mkdir(parents=True)
    (d / "sub" / "vocab.txt").write_text("a\n")
    s.output_file("model", f)
    s.output_file("assets", d)
    assert (tmp_path / "out" / "model").read_bytes() == b"weights"
    assert (tmp_path / "out" / "assets" / "sub" / "vocab.txt").read_text() == "a\n"
    with pytest.raises(StageError, match="declared `file`, so it cannot take a directory"):
        s.output_file("model", d)


def test_steps_and_metrics(tmp_path: Path) -> None:
    s = make_stage(tmp_path, {"history": "table"})
    s.log(step=0, loss=1.5, acc=0.5)
    s.log(step=1, loss=1)
    lines = (tmp_path / "steps.jsonl").read_text().splitlines()
    assert [json.loads(x) for x in lines] == [{"step": 0, "loss": 1.5, "acc": 0.5}, {"step": 1, "loss": 1}]
    s.metrics(accuracy=0.75)
    s.metrics(f1=0.5)
    assert json.loads((tmp_path / "metrics.json").read_text()) == {"accuracy": 0.75, "f1": 0.5}


@pytest.mark.parametrize("bad", ["high", [1.0], None, True, float("nan"), float("inf")])
def test_metrics_that_are_not_numbers(tmp_path: Path, bad: object) -> None:
    s = make_stage(tmp_path, {})
    with pytest.raises(StageError, match="metric `acc`"):
        s.log(step=0, acc=bad)  # type: ignore[arg-type]
    with pytest.raises(StageError, match="metric `acc`"):
        s.metrics(acc=bad)  # type: ignore[arg-type]
    assert not (tmp_path / "steps.jsonl").exists()
    assert not (tmp_path / "metrics.json").exists()


def test_bad_step(tmp_path: Path) -> None:
    s = make_stage(tmp_path, {})
    with pytest.raises(StageError, match="step is -1"):
        s.log(step=-1, loss=1.0)


def test_unwired_input(tmp_path: Path) -> None:
    s = make_stage(tmp_path, {}, train=tmp_path)
    with pytest.raises(StageError, match=r"input `test` is not wired to this stage .*inputs: train"):
        s.input("test")
    with pytest.raises(StageError, match="is a directory, not a table"):
        s.input("train")
