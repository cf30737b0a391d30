"""Tests of check_mlflow.py: its expectations, and that it accepts a store
MLflow itself wrote for the same runs and rejects a wrong one."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import check_mlflow as cm  # noqa: E402

LISTING: list[dict[str, Any]] = [
    {
        "id": "20260101T100000.000Z-aaaaaa",
        "name": "base",
        "tags": {"team": "nlp"},
        "note": "the sweep",
        "git": {"commit": "0" * 40},
        "params": {"lr": 0.5, "steps": 3, "token": "[secret:MLFLOW_CHECK_TOKEN]"},
        "all_metrics": [
            {"stage": "fit@lr=0.25", "metric": "loss", "value": 0.0833333},
            {"stage": "fit@lr=0.5", "metric": "loss", "value": 0.166667},
        ],
    },
    {"id": "20260101T110000.000Z-bbbbbb", "params": {"lr": 0.1, "steps": 2}, "all_metrics": []},
]


def test_expected_runs() -> None:
    sweep, single = cm.expected_runs(LISTING)
    assert sweep.lrs == (0.25, 0.5) and sweep.name == "base" and sweep.steps == 3 and sweep.commit == "0" * 40
    assert single.lrs == (0.1,) and single.name == single.run_id and single.tags == {}


def test_metric_keys_and_history() -> None:
    assert cm.metric_key("fit", "loss", 0.5) == "fit_lr_0.5.loss"
    assert cm.metric_key("fit", "loss", None) == "fit.loss"
    assert cm.loss_history(0.5, 2) == [(1, 0.5), (2, 0.25)]


def write_with_mlflow(store: Path, e: cm.Expected) -> None:
    """Log a run the way the export writes it, with MLflow's own client."""
    import mlflow

    mlflow.set_tracking_uri("file:" + str(store))
    mlflow.set_experiment(cm.EXPERIMENT)
    swept = len(e.lrs) > 1
    with mlflow.start_run(run_name=e.name):
        mlflow.set_tags({"pipeline.run_id": e.run_id, "mlflow.note.content": e.note, "mlflow.source.git.commit": e.commit, **e.tags})
        mlflow.log_params({"steps": e.steps, "token": "[secret:MLFLOW_CHECK_TOKEN]", "lr": e.lrs[0]})
        if swept:
            mlflow.log_param("sweep.lr", ",".join(f"{x:g}" for x in sorted(e.lrs, reverse=True)))
        for lr in e.lrs:
            for step, v in cm.loss_history(lr, e.steps):
                mlflow.log_metric(cm.metric_key("fit", "loss", lr if swept else None), v, step=step)
            mlflow.log_metric(cm.metric_key("fit", "accuracy", lr if swept else None), 1 - lr / 10)
        mlflow.log_metric("accuracy", max(1 - lr / 10 for lr in e.lrs))
        art = store.parent / "model"
        art.write_text("weights")
        mlflow.log_artifact(str(art), "fit")


def test_check_store_accepts_mlflows_own_and_rejects_a_wrong_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mlflow")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    store = tmp_path / "mlruns"
    expected = cm.expected_runs(LISTING)
    for e in expected:
        write_with_mlflow(store, e)
    assert cm.check_store(str(store), expected, "tok-value") == []
    wrong = [cm.Expected(**{**e.__dict__, "steps": e.steps + 1}) for e in expected]
    problems = cm.check_store(str(store), wrong, "tok-value")
    assert any("history of fit_lr_0.5.loss" in p for p in problems)
    assert any("param steps" in p for p in problems)
