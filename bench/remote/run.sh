#!/bin/sh
# Puts and gets one artifact (default 100 MiB) through the remote cache and
# through the AWS SDK directly, against a versitygw server (posix backend on
# 127.0.0.1, data in a temporary directory), and prints throughputs, CPU-seconds
# and the ratios. Goal: throughput ratio >= 0.8.
#
#   bench/remote/run.sh [MiB] [ROUNDS]     (VERSITYGW=path uses an installed binary)
set -eu
cd "$(dirname "$0")/../.."
mb=${1:-100}
rounds=${2:-3}
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
bin=${VERSITYGW:-$(command -v versitygw || scripts/remote/install-versitygw.sh "$work/bin")}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
VERSITYGW=$bin scripts/remote/serve-versitygw.sh "$work/root" "127.0.0.1:$port" >"$work/gw.log" 2>&1 &
pid=$!
go build -o "$work/bench" ./bench/remote
i=0
until python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null; do
	i=$((i + 1)); [ "$i" -lt 100 ] || { cat "$work/gw.log"; exit 1; }
	python3 -c 'import time; time.sleep(0.1)'
done
export AWS_ACCESS_KEY_ID=pipeline-test AWS_SECRET_ACCESS_KEY=pipeline-test-secret
"$work/bench" -endpoint "http://127.0.0.1:$port" -bucket bench -mb "$mb" -rounds "$rounds" ${QUERY:+-query "$QUERY"}
