#!/bin/sh
# Integration tests: the remote store against a real S3 server (versitygw),
# and distributed runs on an in-process Temporal server with two `pipeline
# worker` processes (integration/temporal, a module of its own because the
# Temporal server is large). Installs versitygw v1.8.0 unless VERSITYGW names
# a binary; the first run downloads and compiles the Temporal server (several
# minutes on 2 cores).
#
#   scripts/integration.sh
set -eu
cd "$(dirname "$0")/.."
if [ -z "${VERSITYGW:-}" ]; then
  VERSITYGW=$(command -v versitygw || scripts/remote/install-versitygw.sh "${TMPDIR:-/tmp}/pipeline-versitygw")
fi
export VERSITYGW
go test -tags integration ./artifacts/remote/...
(cd integration/temporal && go test -tags integration -timeout 30m ./...)
