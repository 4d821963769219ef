#!/usr/bin/env bash
# Builds the one-node cluster's add-ons and node tools from the Go module proxy, each at a
# pinned version with `go install module@version` (the module's own go.sum pins the rest):
#   crictl                 the CRI client (node debugging)
#   coredns                cluster DNS, run as a pod labelled k8s-app=kube-dns
#   metrics-server         the metrics API (kubectl top, HPA)
#   kube-router            NetworkPolicy enforcement only (iptables + ipset)
#   local-path-provisioner the default StorageClass's provisioner
# Cached under $NODE_CACHE/bin; a warm run returns at once. FORCE=1 rebuilds.
set -euo pipefail
NODE_CACHE="${NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecommerce-node}"
BIN="$NODE_CACHE/bin"
ADDONS=(
  "crictl sigs.k8s.io/cri-tools/cmd/crictl@v1.34.0"
  "coredns github.com/coredns/coredns@v1.12.3"
  "metrics-server sigs.k8s.io/metrics-server/cmd/metrics-server@v0.8.0"
  "kube-router github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@v2.1.0"
  "local-path-provisioner github.com/rancher/local-path-provisioner@v0.0.30"
)
log() { echo "[build-addons $(date +%H:%M:%S)] $*" >&2; }
mkdir -p "$BIN"
for entry in "${ADDONS[@]}"; do
  read -r name package <<<"$entry"
  stamp="$BIN/.$name-${package##*@}"
  if [[ -z "${FORCE:-}" && -x "$BIN/$name" && -f "$stamp" ]]; then continue; fi
  start=$(date +%s)
  log "building $name ($package)"
  work="$(mktemp -d)"
  CGO_ENABLED=0 GOBIN="$work" nice -n 10 go install -trimpath -ldflags "-s -w" "$package"
  mv "$work/$(basename "${package%%@*}")" "$BIN/$name"
  rm -rf "$work"
  rm -f "$BIN/.$name-"*
  touch "$stamp"
  log "built $name in $(( $(date +%s) - start )) s"
done
log "add-ons up to date in $BIN"
