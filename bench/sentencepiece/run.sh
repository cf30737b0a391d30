#!/bin/sh
# Times this package's SentencePiece encoder against the C++ library's
# spm_encode (Debian libsentencepiece 0.1.97) on the same corpus, one process
# each, ids written as text, and prints MB of input per CPU-second (user+sys)
# for both and their ratio. Run from the repository root:
#   sh bench/sentencepiece/run.sh [corpus.txt.gz]
# Needs: apt-get install -y sentencepiece time
set -eu
corpus=${1:-../shared/data/corpus.txt.gz}
models=../shared/data/tokenizers/sentencepiece
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gzip -dc "$corpus" > "$tmp/corpus.txt"
go build -o "$tmp/spmencode" ./bench/sentencepiece
bytes=$(wc -c < "$tmp/corpus.txt")

cpu() { # prints user+sys seconds of the command
	/usr/bin/time -f '%U %S' -o "$tmp/time" "$@" < "$tmp/corpus.txt" > "$tmp/out" 
	awk '{ printf "%.3f", $1 + $2 }' "$tmp/time"
}

printf '%-18s %12s %12s %8s %s\n' model go_MB/cpu-s cpp_MB/cpu-s ratio same_ids
for m in albert_30k_clean spm_bpe8k spm_unigram8k; do
	go_s=$(cpu "$tmp/spmencode" --model "$models/$m.model"); cp "$tmp/out" "$tmp/go.out"
	cpp_s=$(cpu spm_encode --model "$models/$m.model" --output_format=id); cp "$tmp/out" "$tmp/cpp.out"
	same=no; cmp -s "$tmp/go.out" "$tmp/cpp.out" && same=yes
	awk -v b="$bytes" -v g="$go_s" -v c="$cpp_s" -v m="$m" -v s="$same" 'BEGIN {
		gm = b / 1e6 / g; cm = b / 1e6 / c
		printf "%-18s %12.2f %12.2f %7.2fx %s\n", m, gm, cm, gm / cm, s }'
done
