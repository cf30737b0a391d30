#!/usr/bin/env bash
# Check `pipeline ui` in a real browser: build the binary, copy the quickstart
# into a scratch directory, serve its (empty) workspace on a free loopback
# port, and let scripts/ui/check.mjs drive headless Chromium through
# playwright-core (pinned by scripts/ui/package-lock.json) while it runs the
# quickstart twice: the runs table, a run followed live, its page, a table
# preview, a log, the report, sorting, a chosen column and the comparison.
# Screenshots go to UI_SHOTS (default: a scratch directory, removed after).
# CHROMIUM names the browser (default: chromium on PATH), PIPELINE_BIN a built
# pipeline binary. Without Chromium or npm's registry the script says so and
# exits 0 without checking.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/ui-check.XXXXXX")
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$browser" ]; then
  echo "scripts/ui/check.sh: SKIPPED: no Chromium (apt-get install -y chromium)" >&2
  exit 0
fi
if ! (cd scripts/ui && npm ci --no-audit --no-fund --silent); then
  echo "scripts/ui/check.sh: SKIPPED: playwright-core could not be installed (is npm's registry reachable?)" >&2
  exit 0
fi
bin=${PIPELINE_BIN:-$work/pipeline}
[ -n "${PIPELINE_BIN:-}" ] || go build -o "$bin" ./cmd/pipeline
def="$work/def"
mkdir "$def"
cp definitions/quickstart.yaml "$def/"
cp -r definitions/data "$def/data"
"$bin" ui --workspace "$def/.pipeline" --addr 127.0.0.1:0 > "$work/ui.out" 2>&1 &
server=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's|^serving .* on \(http://[^ ]*\)$|\1|p' "$work/ui.out")
  if [ -n "$url" ]; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "scripts/ui/check.sh: pipeline ui did not start:" >&2
  cat "$work/ui.out" >&2
  exit 1
fi
node scripts/ui/check.mjs --url "$url" --bin "$bin" --definition "$def/quickstart.yaml" \
  --browser "$browser" --shots "${UI_SHOTS:-$work/shots}"
echo "scripts/ui/check.sh: the runs table, run pages, previews, logs, report and comparison work in Chromium"
