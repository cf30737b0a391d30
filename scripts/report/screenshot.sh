#!/usr/bin/env bash
# Screenshot a run report (pipeline report RUN -o report.html) with headless
# Chromium, with the network off, to look at the page the way a browser draws it.
#
#   scripts/report/screenshot.sh report.html [out.png] [WIDTHxHEIGHT]
#
# Needs Chromium; this script installs nothing unless INSTALL=1 is set, in which
# case it runs `apt-get install -y chromium` (Debian; run `apt-get update` first).
# The default window is 1280x2000; the PNG goes beside the report.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
	echo "usage: $0 REPORT.html [OUT.png] [WIDTHxHEIGHT]" >&2
	exit 2
fi
report=$1
out=${2:-${report%.html}.png}
size=${3:-1280x2000}
if [[ ! -f $report ]]; then
	echo "$0: no report at $report" >&2
	exit 2
fi

browser=""
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [[ -z $browser ]]; then
	if [[ ${INSTALL:-0} == 1 ]]; then
		apt-get install -y chromium
		browser=chromium
	else
		echo "$0: Chromium not found; install it with \`apt-get install -y chromium\` (or rerun with INSTALL=1)" >&2
		exit 1
	fi
fi

abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# --disable-background-networking and a dead proxy keep the browser off the
# network: a report that needed anything from outside would show it broken.
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--disable-component-update --disable-sync --no-first-run --hide-scrollbars \
	--proxy-server=127.0.0.1:9 --user-data-dir="$profile" \
	--screenshot="$abs_out" --window-size="${size/x/,}" "file://$abs_report" >/dev/null 2>&1 || {
	echo "$0: $browser failed on $abs_report" >&2
	exit 1
}
if [[ ! -s $abs_out ]]; then
	echo "$0: $browser wrote no screenshot" >&2
	exit 1
fi
echo "$abs_out"
