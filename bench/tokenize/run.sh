#!/usr/bin/env bash
# Runs the tokenizer benchmarks against their peers on the shared corpus and
# prints the ratios of CPU-seconds. Needs Go, Node 20 and npm (for the peer
# Hugging Face tokenizers); run from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${DATA:-$here/../../../shared/data}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$here"
[ -d node_modules/tokenizers ] || npm install --no-audit --no-fund >/dev/null
gzip -dc "$data/corpus.txt.gz" > "$tmp/corpus.txt"

go run . -corpus "$data/corpus.txt.gz" -gpt2 "$data/tokenizers/gpt2/tokenizer.json" | tee "$tmp/go.txt"
node train_ref.js "$tmp/corpus.txt" "$tmp/hf.json" | tee "$tmp/hf.txt"
ours=$(sed -n 's/^train byte-level BPE 30k: ours \([0-9.]*\) CPU-s.*/\1/p' "$tmp/go.txt")
theirs=$(sed -n 's/^hf_train_cpu_s \([0-9.]*\)/\1/p' "$tmp/hf.txt")
awk -v o="$ours" -v t="$theirs" 'BEGIN { printf "train 30k BPE: ours %.2f CPU-s, HF tokenizers %.2f CPU-s, ratio %.2fx\n", o, t, t / o }'
