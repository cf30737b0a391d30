#!/usr/bin/env bash
# Detection of `pipeline scan` beside gitleaks on other scanners' published
# test cases (testdata/scan/peers: gitleaks' rule examples, detect-secrets'
# plugin cases).
#
#   bench/scan/peers.sh
#
# Builds the pipeline binary and the scorer, installs gitleaks v8.30.1 into a
# temporary GOBIN (or uses $GITLEAKS when set), writes each case as a file,
# runs both scanners on each corpus's files and prints, per shared family, the
# cases, each scanner's recall and false-positive rate, and the CPU-seconds
# (user + system) of each run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cd "$ROOT"
go build -o "$WORK/pipeline" ./cmd/pipeline
go build -o "$WORK/score" ./bench/scan/peers/score
if [ -n "${GITLEAKS:-}" ]; then
	GL=$GITLEAKS
else
	GOBIN="$WORK/bin" go install github.com/zricethezav/gitleaks/v8@v8.30.1
	GL="$WORK/bin/gitleaks"
fi

# cpu OUT CMD... runs CMD with stdout to OUT and prints its CPU-seconds.
cpu() {
	local out=$1
	shift
	/usr/bin/time -f "%U %S" -o "$WORK/time" "$@" >"$out" 2>/dev/null || true
	tail -n 1 "$WORK/time" | awk '{ printf "%.3f", $1 + $2 }'
}

for corpus in gitleaks detect-secrets; do
	dir="$WORK/$corpus"
	"$WORK/score" write -corpus "testdata/scan/peers/$corpus.jsonl" -dir "$dir"
	ours=$(cpu "$WORK/$corpus.ours.jsonl" "$WORK/pipeline" scan --format jsonl "$dir")
	theirs=$(cpu /dev/null "$GL" dir "$dir" --no-banner --report-format json --report-path "$WORK/$corpus.gitleaks.json" --exit-code 0)
	echo "== cases from $corpus's tests =="
	"$WORK/score" tally -corpus "testdata/scan/peers/$corpus.jsonl" -dir "$dir" -ours "$WORK/$corpus.ours.jsonl" -gitleaks "$WORK/$corpus.gitleaks.json"
	echo "CPU-seconds: pipeline $ours, gitleaks $theirs"
	echo
done
