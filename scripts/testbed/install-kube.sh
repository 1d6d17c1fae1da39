#!/usr/bin/env bash
# Installs the Kubernetes part of the test bed (see shared TESTBED.md §3, §4):
#   - etcd from Debian (etcd-server), which the harness starts itself;
#   - kube-apiserver (and, by default, kubelet, kube-scheduler, kube-controller-manager) built
#     from Debian's `kubernetes` source package with Debian's Go, because no registry this
#     project can reach ships those binaries.
# The binaries are cached outside the checkout, keyed by the Debian source version:
#   ${KUBE_SANDBOX_CACHE:-/var/cache/kube-sandbox}/kubernetes-<version>/bin/<binary>
# Each binary is renamed into place only once fully built, so an interrupted run never leaves
# a half-written binary that the harness would pick up. A second run is a fast no-op.
#
# Env:
#   KUBE_SANDBOX_CACHE          cache root (default /var/cache/kube-sandbox)
#   KUBE_SANDBOX_KUBE_TARGETS   binaries to build (default: the four below)
# Runs as root, without stdin (CI=true).
set -euo pipefail

CACHE="${KUBE_SANDBOX_CACHE:-/var/cache/kube-sandbox}"
TARGETS="${KUBE_SANDBOX_KUBE_TARGETS:-kube-apiserver kubelet kube-scheduler kube-controller-manager}"
PACKAGES=(etcd-server golang-go rsync jq dpkg-dev make)
SRC_LIST=/etc/apt/sources.list.d/kube-sandbox-bookworm-src.sources

export DEBIAN_FRONTEND=noninteractive

log() { printf '[install-kube] %s\n' "$*" >&2; }

WORK=""
cleanup() { if [[ -n $WORK ]]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT

apt_updated=0
apt_update_once() {
  if [[ $apt_updated == 0 ]]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
}

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$p"
  done
}

# The newest source version apt knows of, or nothing when no deb-src entry is known yet.
source_version() {
  apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1
}

ensure_deb_src() {
  if [[ -n "$(source_version)" ]]; then return; fi
  if [[ ! -f $SRC_LIST ]]; then
    log "adding a bookworm deb-src entry: $SRC_LIST"
    cat >"$SRC_LIST" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  apt_updated=0
  apt_update_once
  if [[ -z "$(source_version)" ]]; then
    log "apt knows no source package 'kubernetes' even with $SRC_LIST; check the apt sources."
    exit 1
  fi
}

missing_binaries() {
  local dir=$1 t
  for t in $TARGETS; do
    [[ -x $dir/$t ]] || printf '%s\n' "$t"
  done
}

main() {
  local started=$SECONDS
  mkdir -p "$CACHE"
  # Two runs at once (a developer and a test) must not build into each other.
  exec 9>"$CACHE/.install-kube.lock"
  flock 9

  local missing
  missing=$(missing_packages)
  if [[ -n $missing ]]; then
    apt_update_once
    log "installing: $(echo $missing)"
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi

  ensure_deb_src
  local version bin
  version=$(source_version)
  bin="$CACHE/kubernetes-$version/bin"
  local todo
  todo=$(missing_binaries "$bin")
  if [[ -z $todo ]]; then
    log "up to date: $bin ($(echo $TARGETS)) in $((SECONDS - started)) s"
    return
  fi
  build "$version" "$bin" $todo
  log "done in $((SECONDS - started)) s; cache: $(du -sh "$CACHE/kubernetes-$version" | cut -f1)"
}

build() {
  local version=$1 bin=$2
  shift 2
  mkdir -p "$bin"
  # The build tree lives in the cache folder so the final rename stays on one file system.
  WORK=$(mktemp -d "$CACHE/.build-XXXXXX")
  local work=$WORK

  log "fetching the source package kubernetes=$version"
  # As root into a root-owned folder: apt's _apt download sandbox could not write there.
  (cd "$work" && apt-get source --download-only -qq -o APT::Sandbox::User=root "kubernetes=$version" >/dev/null)
  # apt has checked the files against the signed Sources index; dpkg-source need not look for
  # the uploader's key, which is not installed here.
  (cd "$work" && dpkg-source --no-check -x ./kubernetes_*.dsc src >/dev/null)

  local tree="$work/src" upstream=${version#*:}
  upstream=${upstream%-*}
  upstream=${upstream##*really}
  # The build scripts expect the tree at its import path inside GOPATH.
  mkdir -p "$work/gopath/src/k8s.io"
  ln -s "$tree" "$work/gopath/src/k8s.io/kubernetes"

  local t t0
  for t in "$@"; do
    t0=$SECONDS
    log "building $t (Debian kubernetes $version)"
    (
      cd "$work/gopath/src/k8s.io/kubernetes"
      # Not a git checkout: give the version stamp explicitly so /version and kubelet report it.
      env GOPATH="$work/gopath" GOCACHE="$work/gocache" GOFLAGS=-mod=vendor GO111MODULE=on \
        CGO_ENABLED=0 KUBE_GIT_VERSION="v$upstream" KUBE_GIT_TREE_STATE=clean \
        make WHAT="cmd/$t" >"$work/build-$t.log" 2>&1
    ) || {
      log "building $t failed; the last lines of its log:"
      tail -n 40 "$work/build-$t.log" >&2
      exit 1
    }
    local out
    out=$(find "$tree/_output" -type f -name "$t" -perm -u+x | head -n 1)
    [[ -n $out ]] || { log "built $t but found no binary under _output"; exit 1; }
    cp "$out" "$bin/.$t.tmp"
    mv -f "$bin/.$t.tmp" "$bin/$t"
    log "built $t in $((SECONDS - t0)) s -> $bin/$t"
  done
}

main "$@"
