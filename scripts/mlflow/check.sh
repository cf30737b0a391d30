#!/usr/bin/env bash
# Check `pipeline runs export --mlflow` against MLflow itself, installed from
# PyPI into a virtual environment (scripts/mlflow/requirements.txt pins the
# version): run a small definition (an exec stage logging step metrics to
# $PIPELINE_STEPS, swept over a learning rate) twice, export both runs, export
# again and check nothing changed, then read the store back with
# mlflow.search_runs and MlflowClient (scripts/mlflow/check_mlflow.py) and
# compare runs, params, step metric histories and tags with what the pipeline
# recorded. Also runs the checker's pytest tests and mypy --strict.
# MLFLOW_VENV names a virtual environment to reuse; PIPELINE_BIN a built
# pipeline binary. When PyPI cannot be reached the script says so and exits 0
# without checking.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mlflow-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
venv=${MLFLOW_VENV:-$work/venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/pip" install --quiet -r scripts/mlflow/requirements.txt; then
  echo "scripts/mlflow/check.sh: SKIPPED: mlflow could not be installed (is PyPI reachable?)" >&2
  exit 0
fi
py="$venv/bin/python"
# MLflow 3.x reads file stores only when asked to (they are in maintenance mode).
export MLFLOW_ALLOW_FILE_STORE=true
"$py" -m pytest -q -p no:cacheprovider scripts/mlflow
"$py" -m mypy --strict --ignore-missing-imports --cache-dir "$work/mypy" scripts/mlflow

bin=${PIPELINE_BIN:-}
if [ -z "$bin" ]; then
  bin="$work/pipeline"
  go build -o "$bin" ./cmd/pipeline
fi
def="$work/def"
mkdir "$def"
cat > "$def/fit.yaml" <<'YAML'
version: 1
name: mlflow-check
params:
  lr: 0.5
  steps: 3
  token: "${secret:MLFLOW_CHECK_TOKEN}"
sweep:
  lr: [0.5, 0.25]
stages:
  fit:
    kind: exec
    key_metrics: [accuracy]
    with:
      cmd: >-
        for i in $(seq 1 ${steps}); do echo "{\"step\": $$i, \"loss\": $$(awk "BEGIN{print ${lr}/$$i}")}" >> $PIPELINE_STEPS; done;
        echo "{\"accuracy\": $$(awk "BEGIN{print 1-${lr}/10}")}" > $PIPELINE_METRICS; echo weights > $PIPELINE_OUT/model
      outputs: {model: file, history: table}
      env: {TOKEN: "${token}"}
YAML
# In a git repository of its own, so the runs record a commit.
(cd "$def" && echo .pipeline > .gitignore && git init -q . && git add fit.yaml .gitignore &&
  git -c user.name=check -c user.email=check@localhost commit -q -m definition)
export MLFLOW_CHECK_TOKEN=mlflow-check-secret-value-7f3a
"$bin" run "$def/fit.yaml" -q --name sweep --tag team=nlp --tag purpose=check --note "two learning rates" >/dev/null
"$bin" run "$def/fit.yaml" -q --set lr=0.1 --set steps=4 --name low-lr >/dev/null
"$bin" runs "$def/fit.yaml" --json > "$work/runs.json"
store="$work/mlruns"
"$bin" runs export --mlflow "$store" -f "$def/fit.yaml"
snapshot() { (cd "$store" && find . -type f -o -type l | sort | while read -r f; do printf '%s ' "$f"; if [ -L "$f" ]; then readlink "$f"; else sha256sum < "$f"; fi; done); }
before=$(snapshot)
"$bin" runs export --mlflow "$store" -f "$def/fit.yaml" >/dev/null
if [ "$(snapshot)" != "$before" ]; then
  echo "scripts/mlflow/check.sh: exporting the same runs again changed the store" >&2
  exit 1
fi
if grep -r -q "$MLFLOW_CHECK_TOKEN" "$store"; then
  echo "scripts/mlflow/check.sh: the store holds the secret's value" >&2
  exit 1
fi
(cd "$repo" && "$py" scripts/mlflow/check_mlflow.py --store "$store" --runs "$work/runs.json") 2> >(grep -v -i "warn" >&2)
echo "scripts/mlflow/check.sh: MLflow $("$py" -c 'import mlflow; print(mlflow.__version__)') reads the exported runs back as recorded"
