#!/bin/sh
# Installs versitygw v1.8.0 (S3-compatible gateway, Apache-2.0) into a
# directory and prints the binary's path. The directory defaults to a fresh
# temporary one, so nothing lands in the user's GOBIN.
#
#   VERSITYGW=$(scripts/remote/install-versitygw.sh [DIR])
set -eu
dir=${1:-$(mktemp -d)}
mkdir -p "$dir"
GOBIN=$(cd "$dir" && pwd) GOFLAGS=-mod=mod go install github.com/versity/versitygw/cmd/versitygw@v1.8.0 >&2
echo "$(cd "$dir" && pwd)/versitygw"
