"""Read an MLflow file store written by `pipeline runs export --mlflow` back
with MLflow's own API and check it against the runs the pipeline recorded.

The runs are those of scripts/mlflow/check.sh's definition: an exec stage
`fit` that logs `loss = lr / step` for steps 1..steps and a final
`accuracy = 1 - lr / 10`, run once as a sweep over lr and once with one lr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass
from typing import Any

EXPERIMENT = "mlflow-check"


@dataclass(frozen=True)
class Expected:
    """One pipeline run as `pipeline runs --json` lists it."""

    run_id: str
    name: str
    lrs: tuple[float, ...]
    steps: int
    tags: dict[str, str]
    note: str
    commit: str


def expected_runs(listing: list[dict[str, Any]]) -> list[Expected]:
    """The expectations for each run of a `pipeline runs --json` listing."""
    out = []
    for r in listing:
        params = r.get("params") or {}
        points = sorted({float(m["stage"].split("lr=")[1]) for m in r["all_metrics"] if "lr=" in m["stage"]})
        lrs = tuple(points) if points else (float(params["lr"]),)
        out.append(
            Expected(
                run_id=r["id"],
                name=r.get("name") or r["id"],
                lrs=lrs,
                steps=int(params["steps"]),
                tags=dict(r.get("tags") or {}),
                note=r.get("note") or "",
                commit=(r.get("git") or {}).get("commit", ""),
            )
        )
    return out


def metric_key(stage: str, metric: str, lr: float | None) -> str:
    """The MLflow key of a stage instance's metric: `fit_lr_0.5.loss`, or `fit.loss` without a sweep."""
    if lr is None:
        return f"{stage}.{metric}"
    return f"{stage}_lr_{lr:g}.{metric}"


def loss_history(lr: float, steps: int) -> list[tuple[int, float]]:
    """The (step, value) pairs the stage logs."""
    return [(s, lr / s) for s in range(1, steps + 1)]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-9)


def check_store(store: str, expected: list[Expected], secret: str) -> list[str]:
    """Compare the store with the expectations; returns the problems found."""
    import mlflow
    from mlflow.tracking import MlflowClient

    uri = "file:" + store
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri)
    problems: list[str] = []
    frame = mlflow.search_runs(experiment_names=[EXPERIMENT])
    if len(frame) != len(expected):
        problems.append(f"search_runs found {len(frame)} runs, want {len(expected)}")
    print(f"search_runs(experiment_names=[{EXPERIMENT!r}]): {len(frame)} runs")
    cols = [c for c in frame.columns if c.startswith(("params.", "metrics.", "tags.mlflow.runName", "status"))]
    print(frame[sorted(cols)].to_string())
    by_run_id = {row["tags.pipeline.run_id"]: row for _, row in frame.iterrows()}
    for e in expected:
        row = by_run_id.get(e.run_id)
        if row is None:
            problems.append(f"run {e.run_id}: not found by search_runs")
            continue
        run = client.get_run(row["run_id"])
        tags = run.data.tags
        params = run.data.params
        if run.info.status != "FINISHED":
            problems.append(f"run {e.run_id}: status {run.info.status}")
        if run.info.run_name != e.name or tags.get("mlflow.runName") != e.name:
            problems.append(f"run {e.run_id}: name {run.info.run_name!r}, tag {tags.get('mlflow.runName')!r}, want {e.name!r}")
        for k, v in e.tags.items():
            if tags.get(k) != v:
                problems.append(f"run {e.run_id}: tag {k} = {tags.get(k)!r}, want {v!r}")
        if e.note and tags.get("mlflow.note.content") != e.note:
            problems.append(f"run {e.run_id}: note {tags.get('mlflow.note.content')!r}, want {e.note!r}")
        if e.commit and tags.get("mlflow.source.git.commit") != e.commit:
            problems.append(f"run {e.run_id}: git commit {tags.get('mlflow.source.git.commit')!r}, want {e.commit!r}")
        if params.get("steps") != str(e.steps):
            problems.append(f"run {e.run_id}: param steps = {params.get('steps')!r}")
        if params.get("token") != "[secret:MLFLOW_CHECK_TOKEN]":
            problems.append(f"run {e.run_id}: param token = {params.get('token')!r}, want the placeholder")
        if any(secret in v for v in list(params.values()) + list(tags.values())):
            problems.append(f"run {e.run_id}: the secret's value is in a param or tag")
        swept = len(e.lrs) > 1
        if swept and sorted(params.get("sweep.lr", "").split(",")) != sorted(f"{x:g}" for x in e.lrs):
            problems.append(f"run {e.run_id}: param sweep.lr = {params.get('sweep.lr')!r}")
        if not swept and not close(float(params.get("lr", "nan")), e.lrs[0]):
            problems.append(f"run {e.run_id}: param lr = {params.get('lr')!r}")
        for lr in e.lrs:
            key = metric_key("fit", "loss", lr if swept else None)
            got = [(m.step, m.value) for m in client.get_metric_history(run.info.run_id, key)]
            want = loss_history(lr, e.steps)
            if len(got) != len(want) or any(g[0] != w[0] or not close(g[1], w[1]) for g, w in zip(got, want)):
                problems.append(f"run {e.run_id}: history of {key} = {got}, want {want}")
            acc = run.data.metrics.get(metric_key("fit", "accuracy", lr if swept else None))
            if acc is None or not close(acc, 1 - lr / 10):
                problems.append(f"run {e.run_id}: final accuracy at lr={lr:g} = {acc}")
        best = run.data.metrics.get("accuracy")
        if best is None or not close(best, max(1 - lr / 10 for lr in e.lrs)):
            problems.append(f"run {e.run_id}: key metric accuracy = {best}")
        arts = sorted(a.path for a in client.list_artifacts(run.info.run_id))
        if not arts:
            problems.append(f"run {e.run_id}: no artifacts")
    return problems


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--store", required=True, help="the MLflow file store the export wrote")
    p.add_argument("--runs", required=True, help="`pipeline runs --json` of the runs exported")
    args = p.parse_args(argv)
    with open(args.runs, encoding="utf-8") as f:
        listing = json.load(f)
    import mlflow

    print(f"mlflow {mlflow.__version__}")
    problems = check_store(os.path.abspath(args.store), expected_runs(listing), os.environ.get("MLFLOW_CHECK_TOKEN", "\x00"))
    for problem in problems:
        print("MISMATCH:", problem, file=sys.stderr)
    if problems:
        return 1
    print(f"MLflow {mlflow.__version__} reads {len(listing)} exported runs back as recorded")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
