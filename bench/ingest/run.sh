#!/usr/bin/env bash
# Ingest benchmark: our ingest stage against DuckDB (one thread) on the same
# e-mail-like JSON Lines, built from ../shared/data/spamassassin.jsonl.gz.
#
#   bench/ingest/run.sh [ROWS] [REPS]      (defaults: 1000000 rows, 3 repetitions)
#
# Two inputs: "repeated" cycles the 6,046 e-mails (unique ids, repeated texts,
# the case the brief describes) and "unique" gives every text a distinct first
# line, so that no engine can dictionary-encode the text column. For each, it
# times JSONL -> Parquet (zstd) and Parquet read-back (every column of every
# row) in CPU-seconds (user + system of the process doing the work; the best
# of REPS runs, since the machine is shared) and prints ours / DuckDB ratios
# of rows per CPU-second (above 1: ours is faster). Our read-back runs twice:
# "read" materialises every string (table.Open, what most stages use);
# "read-d" keeps dictionary-encoded columns as Arrow dictionaries
# (table.OpenDictionaries), as DuckDB keeps its dictionary vectors. Both
# release each batch before reading the next and keep nothing of it, so they
# read with Reader.RecycleBatches (released batches' memory is reused), as a
# streaming stage such as split does.
set -euo pipefail
ROWS=${1:-1000000}
REPS=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/bench/out/ingest"
mkdir -p "$out"
src="$root/../shared/data/spamassassin.jsonl.gz"

(cd "$root" && go build -o "$out/gobench" ./bench/ingest/gobench)
if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
  (cd "$here" && npm install --no-audit --no-fund >/dev/null)
fi

results="$out/results.jsonl"
: > "$results"
for kind in repeated unique; do
  data="$out/mail-$kind-$ROWS.jsonl"
  if [ ! -f "$data" ]; then
    flag=""; [ "$kind" = unique ] && flag="-unique"
    "$out/gobench" -mode gen -in "$src" -out "$data" -rows "$ROWS" $flag
  fi
  echo "input $kind: $(du -h "$data" | cut -f1), $ROWS rows" >&2
  for rep in $(seq "$REPS"); do
    rm -rf "$out/ours" && mkdir -p "$out/ours"
    "$out/gobench" -mode ingest -in "$data" -out "$out/ours" | sed "s/^{/{\"input\":\"$kind\",/" >> "$results"
    "$out/gobench" -mode read -in "$out/ours/data" | sed "s/^{/{\"input\":\"$kind\",/" >> "$results"
    "$out/gobench" -mode read -dict -in "$out/ours/data" | sed "s/^{/{\"input\":\"$kind\",/" >> "$results"
    rm -f "$out/duck.parquet"
    node "$here/duckdb.mjs" ingest "$data" "$out/duck.parquet" | sed "s/^{/{\"input\":\"$kind\",/" >> "$results"
    node "$here/duckdb.mjs" read "$out/duck.parquet" | sed "s/^{/{\"input\":\"$kind\",/" >> "$results"
    # Both engines reading the same file: ours.
    node "$here/duckdb.mjs" read "$out/ours/data" | sed "s/^{/{\"input\":\"$kind\",\"file\":\"ours\",/" >> "$results"
  done
  ls -l "$out/ours/data" "$out/duck.parquet" | awk '{print "  " $5 " bytes  " $9}' >&2
done
node "$here/report.mjs" "$results"
