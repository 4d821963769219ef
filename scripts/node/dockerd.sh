#!/usr/bin/env bash
# Starts or stops a Docker engine of our own (Debian's docker.io): its data, run state and
# socket under one folder ($NODE_CACHE/docker), stopped by its recorded PID. Images built
# there stay across stops (the data root is a cache); the node's images are copied from it
# into containerd by images.sh.
#   dockerd.sh start   prints the DOCKER_HOST to use on its last line
#   dockerd.sh stop
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"
DOCKER_DIR="$NODE_CACHE/docker"
DOCKER_SOCK="unix://$DOCKER_DIR/docker.sock"
# shellcheck disable=SC2034 # read by alive and stop_process (lib.sh)
PIDS="$DOCKER_DIR"

case "${1:-}" in
  start)
    command -v dockerd >/dev/null || die "dockerd is not installed (apt-get install docker.io)"
    mkdir -p "$DOCKER_DIR/data" "$DOCKER_DIR/exec"
    if ! alive dockerd; then
      log "starting dockerd (log: $DOCKER_DIR/dockerd.log)"
      setsid dockerd --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" \
        --pidfile "$DOCKER_DIR/dockerd.own.pid" -H "$DOCKER_SOCK" --storage-driver overlay2 \
        >>"$DOCKER_DIR/dockerd.log" 2>&1 </dev/null &
      echo $! >"$DOCKER_DIR/dockerd.pid"
      wait_for dockerd 60 docker -H "$DOCKER_SOCK" version ||
        { tail -20 "$DOCKER_DIR/dockerd.log" >&2; die "dockerd did not start"; }
    fi
    echo "$DOCKER_SOCK"
    ;;
  stop)
    stop_process dockerd
    ;;
  *)
    echo "usage: dockerd.sh start|stop" >&2; exit 2 ;;
esac
