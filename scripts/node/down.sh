#!/usr/bin/env bash
# Stops the one-node cluster that up.sh started, by the PIDs it recorded, and undoes what the
# node did to this machine: pods (and so their CNI rules) removed, the iptables chains, ipsets
# and nft tables of kubelet, kube-proxy, kube-router and the CNI plugins deleted, mounts under
# the state folder unmounted, the bridge and the kubepods cgroups removed, the sysctls the
# kubelet changed put back. The state folder stays, so the next up.sh finds its volumes and
# objects again; WIPE=1 deletes it too.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$HERE/lib.sh"
[[ -d "$STATE" ]] || { log "no node state in $STATE: nothing to stop"; exit 0; }
started=$(date +%s)

# Pods first, while containerd runs, so the CNI plugins remove their own rules and addresses.
stop_process kubelet
if alive containerd && [[ -x "$BIN/crictl" ]]; then
  log "removing every pod sandbox"
  "$BIN/crictl" --runtime-endpoint "unix://$CONTAINERD_SOCK" --timeout 60s rmp --all --force >/dev/null 2>&1 || true
fi
for p in local-path-provisioner metrics-server kube-router kube-proxy containerd kube-scheduler kube-controller-manager kube-apiserver etcd; do
  stop_process "$p"
done
# Shims left by containerd (a container that outlived its pod removal) of this node only.
for pid in $(pgrep -f containerd-shim-runc-v2 || true); do
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-address $CONTAINERD_SOCK"; then kill -KILL "$pid" 2>/dev/null || true; fi
done
"$BIN/kube-router" --cleanup-config >/dev/null 2>&1 || true
"$BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true

# What the cleanups leave: every KUBE-* and CNI-* chain and the rules that jump to them.
for tool in iptables ip6tables; do
  command -v "$tool-save" >/dev/null || continue
  rules="$("$tool-save" 2>/dev/null)"
  if grep -qE 'KUBE-|CNI-|ecnode0' <<<"$rules"; then
    grep -vE 'KUBE-|CNI-|ecnode0' <<<"$rules" | "$tool-restore" && log "$tool: removed the node's chains"
  fi
done
if command -v nft >/dev/null; then
  nft list tables 2>/dev/null | awk '$3 ~ /^kube-(proxy|router)/ {print $2, $3}' | while read -r family table; do
    nft delete table "$family" "$table" && log "nft: removed table $family $table"
  done
fi
for set in $(ipset list -n 2>/dev/null | grep -E '^(inet6:)?KUBE-' || true); do ipset destroy "$set" 2>/dev/null || true; done
while ip rule del lookup "$UNPROGRAMMED_TABLE" 2>/dev/null; do :; done
ip route flush table "$UNPROGRAMMED_TABLE" 2>/dev/null || true
ip link show ecnode0 >/dev/null 2>&1 && ip link delete ecnode0

# Mounts under the state folder (kubelet's root bind mount, volumes, containerd's overlays, netns).
findmnt -rn -o TARGET | grep -E "^($STATE|/var/lib/kubelet)(/|\$)" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
# The kubepods cgroups, deepest first.
for controller in /sys/fs/cgroup/*/; do
  [[ -d "${controller}kubepods" ]] && find "${controller}kubepods" -depth -type d -exec rmdir {} + 2>/dev/null
done

if [[ -f "$STATE/host-before.env" ]]; then
  while IFS='=' read -r key value; do
    case "$key" in
      existed) ;;
      *) [[ "$(sysctl -n "$key" 2>/dev/null)" == "$value" ]] || { sysctl -qw "$key=$value" && log "restored $key=$value"; } ;;
    esac
  done <"$STATE/host-before.env"
  for d in /var/lib/kubelet /var/log/containers /var/log/pods; do
    grep -qx "existed=$d" "$STATE/host-before.env" || rm -rf "$d"
  done
  rm -f "$STATE/host-before.env"
fi
if [[ -n "${WIPE:-}" ]]; then rm -rf "$STATE"; log "deleted $STATE"; fi
log "node down in $(( $(date +%s) - started )) s"
