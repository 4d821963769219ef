#!/usr/bin/env bash
# Builds pulumi-resource-docker, the Docker provider the local stack (target: docker) needs,
# at the version package-lock.json holds, from bare git mirrors and the Go module proxy:
# pulumi-docker's tag, its upstream/ submodule (kreuzwerker/terraform-provider-docker at
# the commit the tag records) with the tag's patches/ applied in order, and
# pulumi-terraform-bridge at the version provider/go.mod requires (the module proxy refuses
# that version, so the mirror stands in through a replace). Cached in $NODE_CACHE/bin; a
# warm run returns at once.
#   MIRROR=<folder of <owner>+<repo>/repo bare mirrors> build-docker-provider.sh
# Put $NODE_CACHE/bin on PATH for the Pulumi CLI to find the plugin.
set -euo pipefail
shopt -s inherit_errexit
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$HERE/lib.sh"
MIRROR="${MIRROR:?set MIRROR to the folder holding bare mirrors <owner>+<repo>/repo of pulumi/pulumi-docker, kreuzwerker/terraform-provider-docker and pulumi/pulumi-terraform-bridge}"
VERSION="$(node -e 'console.log(require(process.argv[1]).packages["node_modules/@pulumi/docker"].version)' "$HERE/../../package-lock.json")"
SRC="$NODE_CACHE/src/pulumi-docker-$VERSION"
STAMP="$BIN/.pulumi-resource-docker-$VERSION"
if [[ -z "${FORCE:-}" && -x "$BIN/pulumi-resource-docker" && -f "$STAMP" ]]; then
  log "pulumi-resource-docker $VERSION: built"
  exit 0
fi
mirror() { local m="$MIRROR/${1/\//+}/repo"; [[ -d "$m" ]] || die "no mirror of github:$1 in $MIRROR"; echo "$m"; }
docker_repo="$(mirror pulumi/pulumi-docker)"
upstream_repo="$(mirror kreuzwerker/terraform-provider-docker)"
bridge_repo="$(mirror pulumi/pulumi-terraform-bridge)"
start=$(date +%s)

rm -rf "$SRC"; mkdir -p "$SRC/upstream" "$SRC/bridge" "$BIN"
git --git-dir "$docker_repo" archive "v$VERSION" | tar -x -C "$SRC"
upstream_commit="$(git --git-dir "$docker_repo" ls-tree "v$VERSION" upstream | awk '{print $3}')"
git --git-dir "$upstream_repo" archive "$upstream_commit" | tar -x -C "$SRC/upstream"
for p in "$SRC"/patches/*.patch; do
  (cd "$SRC/upstream" && patch -s -p1 <"$p") || die "patch $(basename "$p") does not apply to upstream $upstream_commit"
done
log "pulumi-docker v$VERSION, upstream ${upstream_commit:0:7} with $(find "$SRC/patches" -name '*.patch' | wc -l) patches"

bridge_version="$(awk '$1 == "github.com/pulumi/pulumi-terraform-bridge/v3" {print $2; exit}' "$SRC/provider/go.mod")"
# Two test fixtures are not in the mirror (large blobs); the build needs neither. git archive
# reads the whole tree whatever the pathspec, so it names the missing blobs on stderr (and
# exits 0): the files are listed explicitly, and that one known complaint is dropped.
git --git-dir "$bridge_repo" ls-tree -r --name-only "$bridge_version" |
  grep -vxF -e dynamic/testdata/TestSchemaGenerationFullDocs/fortinetdev/fortimanager-1.13.0.golden \
    -e pkg/pf/tests/internal/testprovider/cmd/pulumi-resource-aws/bridge-metadata.json |
  xargs -d '\n' git --git-dir "$bridge_repo" archive "$bridge_version" 2> >(grep -v '^error: invalid object' >&2) |
  tar -xi -C "$SRC/bridge"
[[ -f "$SRC/bridge/go.mod" && -d "$SRC/bridge/pkg/tfbridge" ]] || die "pulumi-terraform-bridge $bridge_version did not extract"
(cd "$SRC/provider" && go mod edit -replace "github.com/pulumi/pulumi-terraform-bridge/v3=../bridge")
log "pulumi-terraform-bridge $bridge_version from the mirror"

cd "$SRC/provider/cmd/pulumi-resource-docker"
VERSION="$VERSION" GOFLAGS=-mod=mod nice -n 10 go generate ./... >&2
CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n 10 go build -trimpath \
  -ldflags "-X github.com/pulumi/pulumi-docker/provider/v4/pkg/version.Version=$VERSION -s -w" \
  -o "$BIN/pulumi-resource-docker.partial" .
mv "$BIN/pulumi-resource-docker.partial" "$BIN/pulumi-resource-docker"
rm -f "$BIN"/.pulumi-resource-docker-*
touch "$STAMP"
log "built pulumi-resource-docker $VERSION in $(( $(date +%s) - start )) s"
