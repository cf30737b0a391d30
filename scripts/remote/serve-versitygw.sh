#!/bin/sh
# Serves a directory over S3 with versitygw's posix backend, in the foreground,
# on 127.0.0.1 only. Buckets are the directory's subdirectories; BUCKET (if
# set) is created. Credentials are VGW_ACCESS / VGW_SECRET (test defaults);
# clients use them as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
#
#   scripts/remote/serve-versitygw.sh ROOT [ADDR]      (ADDR defaults to 127.0.0.1:7070)
#   pipeline run … --remote 's3://BUCKET/prefix?endpoint=http://127.0.0.1:7070&region=us-east-1&use_path_style=true&disable_https=true'
set -eu
root=$1
addr=${2:-127.0.0.1:7070}
bin=${VERSITYGW:-$(command -v versitygw || true)}
if [ -z "$bin" ]; then
	echo "versitygw not found: set VERSITYGW or run scripts/remote/install-versitygw.sh" >&2
	exit 1
fi
mkdir -p "$root"
if [ -n "${BUCKET:-}" ]; then mkdir -p "$root/$BUCKET"; fi
exec "$bin" --access "${VGW_ACCESS:-pipeline-test}" --secret "${VGW_SECRET:-pipeline-test-secret}" --port "$addr" posix "$root"
