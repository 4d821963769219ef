#!/usr/bin/env bash
# Builds upstream promtool, at the version of the Prometheus image the stacks deploy, from
# the Go module proxy (Debian's promtool is built without Kubernetes discovery, so it cannot
# check the generated scrape configuration as it is). Versions are pinned by
# tools/promtool/go.mod and go.sum. The binary is cached outside the repository; a second
# run with a warm cache returns at once. Prints the directory to put on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
module="$here/tools/promtool"
version="$(grep -oE 'github.com/prometheus/prometheus v[0-9][0-9.]*' "$module/go.mod" | head -1 | cut -d' ' -f2)"
cache="${PROMTOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecommerce-platform/promtool-$version}"
if [ -x "$cache/promtool" ]; then
    echo "$cache"
    exit 0
fi
command -v go >/dev/null || { echo "go is not installed" >&2; exit 1; }
mkdir -p "$cache"
echo "building promtool $version into $cache (a few minutes on a cold module cache)" >&2
(cd "$module" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath -o "$cache/promtool.partial" github.com/prometheus/prometheus/cmd/promtool)
mv "$cache/promtool.partial" "$cache/promtool"
echo "$cache"
