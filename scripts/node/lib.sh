# Shared by the one-node cluster's scripts (sourced, not run): where things live, logging,
# starting and stopping processes by recorded PID.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are read by the scripts that source this file
NODE_CACHE="${NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecommerce-node}"
BIN="$NODE_CACHE/bin"
# Everything a running node writes: certificates, etcd, containerd, kubelet, volumes, logs.
STATE="${NODE_STATE:-$NODE_CACHE/state}"
PKI="$STATE/pki"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
KUBECONFIG_OUT="$STATE/kubeconfig"
CONTEXT="${NODE_CONTEXT:-ecommerce-node}"
NODE_NAME="${NODE_NAME:-ecommerce-node}"
# The node's own address: the one the default route leaves from, never another machine's.
NODE_IP="${NODE_IP:-$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')}"
# kubeadm's and kind's ranges, the stacks' clusterNetwork defaults.
POD_CIDR="10.244.0.0/16"
NODE_POD_CIDR="10.244.0.0/24"
SERVICE_CIDR="10.96.0.0/12"
# Routing table (and rule priority) that makes a ClusterIP kube-proxy did not DNAT unreachable (up.sh).
UNPROGRAMMED_TABLE=4096
API_SERVICE_IP="10.96.0.1"
DNS_SERVICE_IP="10.96.0.10"
API_PORT=6443
CONTAINERD_SOCK="$STATE/containerd/containerd.sock"
# Images the node itself runs; built by images.sh.
PAUSE_IMAGE="ecommerce.local/pause:3.10"
COREDNS_IMAGE="ecommerce.local/coredns:1.12.3"
BASE_IMAGE="ecommerce.local/debian:bookworm"
# Host settings the kubelet or the node change, restored by down.sh.
HOST_SYSCTLS=(net.ipv4.ip_forward vm.overcommit_memory kernel.panic kernel.panic_on_oops)

log() { echo "[node $(date +%H:%M:%S)] $*" >&2; }
die() { echo "[node] ERROR: $*" >&2; exit 1; }

kc() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_OUT" --context "$CONTEXT" "$@"; }

alive() { local f="$PIDS/$1.pid"; [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null; }

# launch NAME BINARY ARGS...: runs it in its own session, output to $LOGS/NAME.log.
launch() {
  local name="$1" binary="$2"; shift 2
  if alive "$name"; then log "$name already running (pid $(cat "$PIDS/$name.pid"))"; return 0; fi
  log "starting $name (log: $LOGS/$name.log)"
  setsid "$binary" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# wait_for WHAT SECONDS CMD...: polls CMD twice a second.
wait_for() {
  local what="$1" seconds="$2" i; shift 2
  for ((i = 0; i < seconds * 2; i++)); do
    if "$@" >/dev/null 2>&1; then log "$what ready after $((i / 2)) s"; return 0; fi
    sleep 0.5
  done
  return 1
}

# stop_process NAME: SIGTERM (SIGKILL after 15 s) to the recorded PID, if it still runs the
# binary it was started as.
stop_process() {
  local name="$1" f="$PIDS/$1.pid" pid exe i
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
    if [[ "$exe" == "$BIN/"* || "$exe" == /usr/bin/containerd* || "$exe" == /usr/sbin/dockerd* ]]; then
      log "stopping $name (pid $pid)"
      kill -TERM "$pid"
      for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    else
      log "pid $pid is '$exe', not $name: left alone"
    fi
  fi
  rm -f "$f"
}
