#!/usr/bin/env bash
# Builds a test tool from the Go module proxy, at the versions pinned by tools/<name>/go.mod
# and go.sum (a module whose tools.go imports the tool's main package):
#   promtool   upstream promtool at the deployed Prometheus version (Debian's is built
#              without Kubernetes discovery, so it cannot check the generated scrape config);
#   versitygw  an S3-compatible server (Versity S3 Gateway, posix backend) that verifies
#              SigV4 signatures, for the off-site backup tests;
#   kube-score the manifest linter whose findings docs/hardening.md explains (npm run
#              hardening; not part of the tests).
# The binary is cached outside the repository; a second run with a warm cache returns at
# once. Prints the directory holding it, to put on PATH.
set -euo pipefail
name="${1:?usage: build-go-tool.sh promtool|versitygw|kube-score}"
here="$(cd "$(dirname "$0")/.." && pwd)"
module="$here/tools/$name"
[ -f "$module/tools.go" ] || { echo "no tool '$name' under tools/" >&2; exit 2; }
# grep -m1, not `| head -1`: under pipefail, head closing the pipe early kills grep with
# SIGPIPE now and then, and the assignment fails the script.
package="$(grep -m1 -oE '_ "[^"]+"' "$module/tools.go" | cut -d'"' -f2)"
dependency="$(grep -m1 -E '^\s*(require )?[a-z0-9./-]+ v[0-9][^ ]*' "$module/go.mod" | awk '{print $NF}')"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/ecommerce-platform/$name-$dependency"
if [ -x "$cache/$name" ]; then
    echo "$cache"
    exit 0
fi
command -v go >/dev/null || { echo "go is not installed" >&2; exit 1; }
mkdir -p "$cache"
echo "building $name $dependency into $cache (minutes on a cold module cache)" >&2
(cd "$module" && GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath -o "$cache/$name.partial" "$package")
mv "$cache/$name.partial" "$cache/$name"
echo "$cache"
