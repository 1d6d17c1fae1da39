#!/usr/bin/env bash
# Installs a real VS Code for the integration tests: code-server 4.100.3, which is VS Code 1.100.3
# as a server with a browser workbench, plus Debian's chromium to drive it.
#
# Why not @vscode/test-electron's download: these machines reach only the npm registry and
# Debian's packages. code-server comes from npm, but its postinstall downloads ripgrep from the
# internet, so we install with --ignore-scripts and do by hand what the scripts would have done
# (see /work/shared/TESTBED.md §1). Later code-server versions need Node 22+; this one runs on 20.
#
# Idempotent: the result is cached under ${KUBE_SANDBOX_CACHE:-/var/cache/kube-sandbox}, keyed by
# the code-server version and Node's module ABI. It is built in a temporary folder next to the
# cache and renamed into place only when complete, so an interrupted run never leaves half a cache.
# Prints the install folder's entry point on success.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
VSCODE_VERSION=1.100.3
CACHE_ROOT="${KUBE_SANDBOX_CACHE:-/var/cache/kube-sandbox}"
DEST="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION"
ENTRY_REL=node_modules/code-server/out/node/entry.js
STAMP_REL=.kube-sandbox-complete
# Bump when the steps below change, so caches built by older steps are rebuilt.
RECIPE=2
APT_PACKAGES=(chromium ripgrep libkrb5-dev build-essential python3 pkg-config)

log() { printf 'install-vscode: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

ensure_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "needs the Debian packages ${missing[*]}; run as root or install them with apt-get first"
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine has no package lists (or stale ones): update first, once.
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Native modules are built for one Node ABI: a cache built under another Node is rebuilt.
stamp() { printf 'recipe-%s node-abi-%s' "$RECIPE" "$(node -p 'process.versions.modules')"; }

# The cache is usable when it was finished (stamp) for this Node ABI and reports the right VS Code.
cache_is_good() {
  local dir=$1
  [ -f "$dir/$STAMP_REL" ] && [ "$(cat "$dir/$STAMP_REL")" = "$(stamp)" ] || return 1
  node "$dir/$ENTRY_REL" --version 2>/dev/null | grep -q "with Code $VSCODE_VERSION"
}

build_into() {
  local dir=$1 vscode_dir rg_dir
  cd "$dir"
  printf '{ "private": true }\n' > package.json

  log "1/6 npm install code-server@$CODE_SERVER_VERSION (scripts off: its postinstall downloads ripgrep)"
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"

  vscode_dir="$dir/node_modules/code-server/lib/vscode"
  log "2/6 npm install VS Code's own dependencies"
  (cd "$vscode_dir" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)

  log "3/6 ripgrep from Debian instead of the download"
  rg_dir="$vscode_dir/node_modules/@vscode/ripgrep/bin"
  mkdir -p "$rg_dir"
  cp /usr/bin/rg "$rg_dir/rg"

  # native-watchdog too: without it the extension host logs "Cannot find module
  # './build/Release/watchdog'" at every start.
  log "4/6 native modules of VS Code (kerberos, node-pty, @parcel/watcher, @vscode/spdlog, native-watchdog)"
  (cd "$vscode_dir" && npm_config_yes=true npm rebuild --loglevel=error kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog)
  # VS Code's loader looks for node_modules.asar; unpacked modules serve as well.
  ln -sfn node_modules "$vscode_dir/node_modules.asar"

  log "5/6 native module of code-server (argon2)"
  npm rebuild --loglevel=error argon2

  log "6/6 check"
  node "$dir/$ENTRY_REL" --version | grep -q "with Code $VSCODE_VERSION" \
    || die "code-server did not report VS Code $VSCODE_VERSION: $(node "$dir/$ENTRY_REL" --version 2>&1 | head -3)"
  stamp > "$dir/$STAMP_REL"
}

main() {
  command -v node >/dev/null || die "Node.js 20 is needed (node not found on PATH)"
  command -v npm >/dev/null || die "npm is needed (not found on PATH)"
  [ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] \
    || log "warning: code-server $CODE_SERVER_VERSION is made for Node 20; this is Node $(node --version)"

  ensure_apt_packages
  # node-gyp would download Node's headers; the machine's own headers are there instead.
  if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/common.gypi ]; then
    export npm_config_nodedir=/usr
  fi

  mkdir -p "$CACHE_ROOT"
  # One installer at a time; a second one waits and then finds the finished cache.
  exec 9>"$CACHE_ROOT/.code-server-$CODE_SERVER_VERSION.lock"
  flock 9

  if cache_is_good "$DEST"; then
    log "code-server $CODE_SERVER_VERSION (VS Code $VSCODE_VERSION) already installed in $DEST"
    echo "$DEST/$ENTRY_REL"
    return 0
  fi

  # Leftovers of interrupted runs: safe to remove while we hold the lock.
  rm -rf "$CACHE_ROOT/.code-server-$CODE_SERVER_VERSION.tmp."*
  local tmp="$CACHE_ROOT/.code-server-$CODE_SERVER_VERSION.tmp.$$"
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp"

  local started=$SECONDS
  (build_into "$tmp")

  # Rename into place: the cache folder either is complete or does not exist.
  if [ -e "$DEST" ]; then
    mv -T "$DEST" "$tmp.old"
  fi
  mv -T "$tmp" "$DEST"
  rm -rf "$tmp.old"
  trap - EXIT

  cache_is_good "$DEST" || die "installed code-server in $DEST does not start"
  log "installed code-server $CODE_SERVER_VERSION (VS Code $VSCODE_VERSION) in $DEST in $((SECONDS - started)) s ($(du -sh "$DEST" | cut -f1))"
  echo "$DEST/$ENTRY_REL"
}

main "$@"
