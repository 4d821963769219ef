#!/usr/bin/env bash
# Builds the Kubernetes binaries of the one-node cluster from the Go module proxy:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy and
# kubectl, all from one wrapper module around k8s.io/kubernetes (its staging modules
# replaced by their published versions). Cached under $NODE_CACHE/bin; a warm run returns
# at once. Knobs: K8S_VERSION (v1.34.4), NODE_CACHE (~/.cache/ecommerce-node), FORCE=1.
set -euo pipefail
K8S_VERSION="${K8S_VERSION:-v1.34.4}"
NODE_CACHE="${NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecommerce-node}"
SRC="$NODE_CACHE/src/kubernetes-$K8S_VERSION"
BIN="$NODE_CACHE/bin"
STAMP="$BIN/.kubernetes-$K8S_VERSION"
TARGETS=(./cmd/etcd k8s.io/kubernetes/cmd/kubectl k8s.io/kubernetes/cmd/kube-apiserver
  k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
  k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy)
log() { echo "[build-kube $(date +%H:%M:%S)] $*" >&2; }

have_all() { local t; for t in "${TARGETS[@]}"; do [[ -x "$BIN/$(basename "$t")" ]] || return 1; done; }
if [[ -z "${FORCE:-}" && -f "$STAMP" ]] && have_all; then
  log "up to date: $(cat "$STAMP")"
  exit 0
fi
command -v go >/dev/null || { echo "go is not installed" >&2; exit 1; }
mkdir -p "$SRC/cmd/etcd" "$BIN"

modfile="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
[[ -f "$modfile" ]] || { echo "cannot download k8s.io/kubernetes@$K8S_VERSION go.mod" >&2; exit 1; }
staging_version="v0.${K8S_VERSION#v1.}"
staging="$(grep -E '^\s*k8s\.io/[^ ]+ => \./staging/' "$modfile" | awk '{print $1}' | sort -u)"
go_line="$(grep -m1 -E '^go [0-9]' "$modfile")"
godebug_line="$(grep -m1 -E '^godebug ' "$modfile" || true)"
etcd_version="$(grep -m1 -E 'go\.etcd\.io/etcd/server/v3 ' "$modfile" | awk '{print $2}')"

wanted="$(mktemp)"
{
  echo "module local.build/kubernetes"
  echo
  echo "$go_line"
  [[ -n "$godebug_line" ]] && printf '\n%s\n' "$godebug_line"
  echo
  echo "require ("
  echo "	k8s.io/kubernetes $K8S_VERSION"
  echo "	go.etcd.io/etcd/server/v3 $etcd_version"
  echo ")"
  echo
  echo "replace ("
  for m in $staging; do echo "	$m => $m $staging_version"; done
  echo ")"
} > "$wanted"
if ! cmp -s "$wanted" "$SRC/go.mod.in" 2>/dev/null; then
  cp "$wanted" "$SRC/go.mod.in"; cp "$wanted" "$SRC/go.mod"; rm -f "$SRC/go.sum" "$SRC/.tidy-ok"
fi
rm -f "$wanted"

cat > "$SRC/cmd/etcd/main.go" <<'GO'
// The etcd server: the same entry point as the upstream etcd command.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
{
  echo '//go:build tools'
  echo
  echo 'package tools'
  echo
  echo 'import ('
  for t in "${TARGETS[@]}"; do [[ "$t" == ./* ]] || echo "	_ \"$t\""; done
  echo ')'
} > "$SRC/tools.go"

cd "$SRC"
if [[ ! -f .tidy-ok ]]; then
  log "go mod tidy (downloads modules: minutes on a cold cache)"
  go mod tidy
  touch .tidy-ok
fi

major="${K8S_VERSION#v}"; major="${major%%.*}"
minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
export CGO_ENABLED=0
for t in "${TARGETS[@]}"; do
  name="$(basename "$t")"
  [[ -z "${FORCE:-}" && -x "$BIN/$name" && -f "$BIN/.$name-$K8S_VERSION" ]] && continue
  start=$(date +%s)
  log "building $name"
  nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$BIN/$name.partial" "$t"
  mv "$BIN/$name.partial" "$BIN/$name"
  touch "$BIN/.$name-$K8S_VERSION"
  log "built $name in $(( $(date +%s) - start )) s"
done
echo "k8s.io/kubernetes $K8S_VERSION, etcd $etcd_version, $(go version | awk '{print $3}')" > "$STAMP"
log "done: $(cat "$STAMP")"
