#!/usr/bin/env bash
# Builds the images the one-node cluster and the node stack run, from Debian packages, the
# Go module proxy and Maven Central only, in our own Docker engine (dockerd.sh), and loads
# them into the node's containerd.
#   images.sh build [NAME...]   build (default: every image); a built image is kept
#   images.sh load [NAME...]    copy into the node's containerd (k8s.io namespace)
#   images.sh list              NAME and reference of each image
# FORCE=1 rebuilds. Names: see IMAGES below; `services` stands for the ten service images.
set -euo pipefail
shopt -s inherit_errexit
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$HERE/lib.sh"
CONTEXTS="$NODE_CACHE/image-contexts"
K8S_VERSION="${K8S_VERSION:-v1.34.4}"
SERVICES_REGISTRY="ecommerce.local"
SERVICES_TAG="0.1.0-postgresql"

# name reference: the images and the tags the node stack's config names (Pulumi.node.yaml).
IMAGES=(
  "debian $BASE_IMAGE"
  "pause $PAUSE_IMAGE"
  "coredns $COREDNS_IMAGE"
  "wait ecommerce.local/wait:bookworm"
  "postgres ecommerce.local/postgres:15-bookworm"
  "rclone ecommerce.local/rclone:bookworm"
  "probe ecommerce.local/probe:bookworm"
  "jre ecommerce.local/jre:17"
  "zipkin ecommerce.local/zipkin:3.4.1"
  "prometheus ecommerce.local/prometheus:v2.53.2"
  "alertmanager ecommerce.local/alertmanager:v0.27.0"
  "services $SERVICES_REGISTRY/<service>-ecommerce-boot:$SERVICES_TAG"
)
# The ten services' sources: the public repository at a pinned commit (SERVICES_REPO may name
# a local clone or bare mirror instead), with scripts/node/images/services/postgresql applied.
SERVICES_REPO="${SERVICES_REPO:-https://github.com/SelimHorri/ecommerce-microservice-backend-app.git}"
SERVICES_COMMIT="695a6d49a8fb5559b025e22017df1ec657104309"
SERVICES=(cloud-config service-discovery api-gateway user-service product-service order-service payment-service
  shipping-service favourite-service proxy-client)
MAVEN_REPO="$NODE_CACHE/m2"

reference() { local e; for e in "${IMAGES[@]}"; do [[ "${e%% *}" == "$1" ]] && { echo "${e#* }"; return; }; done; die "no image named $1"; }
built() { # ref (a services reference stands for all ten)
  [[ -z "${FORCE:-}" ]] || return 1
  local s
  if [[ "$1" == *"<service>"* ]]; then
    # Built from this commit with this patch: a changed patch rebuilds them.
    local want
    want="$(services_source)"
    for s in "${SERVICES[@]}"; do
      [[ "$(docker image inspect -f '{{index .Config.Labels "ecommerce.source"}}' "${1/<service>/$s}" 2>/dev/null)" == "$want" ]] || return 1
    done
  else
    docker image inspect "$1" >/dev/null 2>&1
  fi
}

# context NAME: a fresh build folder holding images/NAME's files.
context() {
  local dir="$CONTEXTS/$1"
  rm -rf "$dir"; mkdir -p "$dir"
  cp -a "$HERE/images/$1/." "$dir/"
  echo "$dir"
}

build_debian() { # a minimal Debian from debootstrap (about 2 minutes, cached)
  local rootfs="$NODE_CACHE/base/rootfs-bookworm"
  if [[ ! -x "$rootfs/bin/sh" || ! -f "$rootfs/.complete" ]]; then
    rm -rf "$rootfs"; mkdir -p "$NODE_CACHE/base"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >&2
    touch "$rootfs/.complete"
  fi
  tar -C "$rootfs" --exclude=./.complete --exclude='./var/cache/apt/archives/*.deb' -c . |
    docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' - "$1" >/dev/null
}

build_pause() {
  local dir pause_c
  dir="$(context pause)"
  pause_c="$(go env GOMODCACHE)/k8s.io/kubernetes@$K8S_VERSION/build/pause/linux/pause.c"
  [[ -f "$pause_c" ]] || go mod download "k8s.io/kubernetes@$K8S_VERSION"
  gcc -Os -static -DVERSION="$K8S_VERSION" -o "$dir/pause" "$pause_c"
  docker build -q -t "$1" "$dir" >/dev/null
}

build_coredns() {
  local dir
  dir="$(context coredns)"
  [[ -x "$BIN/coredns" ]] || die "$BIN/coredns missing: run scripts/node/build-addons.sh"
  cp "$BIN/coredns" "$dir/"
  docker build -q -t "$1" "$dir" >/dev/null
}

build_go_tool() { # ref name: a binary from tools/<name> (scripts/build-go-tool.sh)
  local dir tool
  dir="$(context "$2")"
  tool="$(bash "$HERE/../build-go-tool.sh" "$2")"
  cp "$tool/$2" "$dir/"
  docker build -q -t "$1" "$dir" >/dev/null
}

build_zipkin() {
  local dir jar="$MAVEN_REPO/io/zipkin/zipkin-server/3.4.1/zipkin-server-3.4.1-exec.jar"
  dir="$(context zipkin)"
  [[ -f "$jar" ]] || mvn -q -B -Dmaven.repo.local="$MAVEN_REPO" dependency:get -Dtransitive=false \
    -Dartifact=io.zipkin:zipkin-server:3.4.1:jar:exec >&2
  cp "$jar" "$dir/zipkin.jar"
  docker build -q -t "$1" "$dir" >/dev/null
}

# What the service images are built from: the pinned commit and the patch's own files.
services_source() {
  echo "$SERVICES_COMMIT-$(cd "$HERE/images/services" && find . -type f | sort | xargs sha256sum | sha256sum | cut -c1-12)"
}

# The sources at the pinned commit, patched, built with Maven (its repository cached).
services_jars() {
  local tree
  tree="$NODE_CACHE/services-src/$(services_source)"
  if [[ -f "$tree/.built" ]]; then echo "$tree"; return; fi
  rm -rf "$tree"; mkdir -p "$tree"
  if [[ -d "$SERVICES_REPO" ]]; then
    git --git-dir "$(git -C "$SERVICES_REPO" rev-parse --absolute-git-dir)" archive "$SERVICES_COMMIT" | tar -x -C "$tree"
  else
    git clone -q "$SERVICES_REPO" "$tree.clone" && git -C "$tree.clone" archive "$SERVICES_COMMIT" | tar -x -C "$tree"
    rm -rf "$tree.clone"
  fi
  bash "$HERE/images/services/postgresql/apply.sh" "$tree"
  (cd "$tree" && mvn -q -B -Dmaven.repo.local="$MAVEN_REPO" -DskipTests package >&2)
  touch "$tree/.built"
  echo "$tree"
}

build_services() {
  local tree service dir jar label
  built "$(reference jre)" || FORCE='' build_one jre
  tree="$(services_jars)"
  label="$(services_source)"
  for service in "${SERVICES[@]}"; do
    dir="$(context services)"
    jar="$(find "$tree/$service/target" -maxdepth 1 -name "$service-v*.jar" | head -1)"
    [[ -f "$jar" ]] || die "no jar for $service in $tree/$service/target"
    cp "$jar" "$dir/app.jar"
    docker build -q --label "ecommerce.source=$label" -t "${1/<service>/$service}" "$dir" >/dev/null
    log "built ${1/<service>/$service}"
  done
}

build_plain() { docker build -q -t "$1" "$(context "$2")" >/dev/null; }

build_one() {
  local name="$1" ref start
  ref="$(reference "$name")"
  if built "$ref"; then log "$ref: built"; return; fi
  [[ "$name" == debian ]] || built "$(reference debian)" || FORCE='' build_one debian
  start=$(date +%s)
  log "building $ref"
  case "$name" in
    debian | pause | coredns | zipkin | services) "build_$name" "$ref" ;;
    prometheus | alertmanager) build_go_tool "$ref" "$name" ;;
    *) build_plain "$ref" "$name" ;;
  esac
  log "built $ref in $(( $(date +%s) - start )) s"
}

# load NAME...: one `docker save` of every reference, so shared layers (the JVM under the ten
# services) are copied once.
load() {
  local refs=() name ref s
  [[ -S "$CONTAINERD_SOCK" ]] || die "the node's containerd is not running (scripts/node/up.sh)"
  for name in "$@"; do
    ref="$(reference "$name")"
    if [[ "$ref" == *"<service>"* ]]; then
      for s in "${SERVICES[@]}"; do refs+=("${ref/<service>/$s}"); done
    else
      refs+=("$ref")
    fi
  done
  for ref in "${refs[@]}"; do docker image inspect "$ref" >/dev/null 2>&1 || die "$ref is not built (images.sh build)"; done
  docker save "${refs[@]}" | ctr --address "$CONTAINERD_SOCK" -n k8s.io images import --no-unpack - >/dev/null
  log "loaded ${refs[*]}"
}

names() { if (($# == 0)); then local e; for e in "${IMAGES[@]}"; do echo "${e%% *}"; done; else printf '%s\n' "$@"; fi; }

# Our own Docker engine, started when a verb needs it.
docker_up() { DOCKER_HOST="$("$HERE/dockerd.sh" start | tail -1)"; export DOCKER_HOST; }

verb="${1:-}"; shift || true
case "$verb" in
  build) docker_up; for n in $(names "$@"); do build_one "$n"; done ;;
  load) docker_up; mapfile -t selected < <(names "$@"); load "${selected[@]}" ;;
  list) # one line per image; the services' entry expands to its ten images
    for e in "${IMAGES[@]}"; do
      if [[ "$e" == *"<service>"* ]]; then for s in "${SERVICES[@]}"; do echo "${e/<service>/$s}"; done; else echo "$e"; fi
    done ;;
  *) echo "usage: images.sh build|load|list [NAME...]" >&2; exit 2 ;;
esac
