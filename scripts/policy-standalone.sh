#!/usr/bin/env bash
# The policy pack on its own: policy/'s files copied out of the repository, installed from
# its own package-lock.json, its tests run there. Proves the pack needs nothing of the
# platform's code or node_modules, as when it is published or run by another team.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Tracked and new (not ignored) files: what a commit of this tree would hold.
(cd "$root" && git ls-files -z --cached --others --exclude-standard policy | xargs -0 cp --parents -t "$work")
cd "$work/policy"
npm ci --no-audit --no-fund --loglevel=error
npm test
echo "policy pack passes its tests alone, from $(pwd)"
