#!/usr/bin/env bash
# Installs everything the tests run against (../shared/TESTBED.md): the browser VS Code 1.100,
# a node's sshd/containerd/runsc, and a kube-apiserver built from Debian's source package.
# Each installer is idempotent and caches outside the checkout; run as root on Debian 12.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for part in vscode node kube; do
  if [[ -f $here/install-$part.sh ]]; then
    echo "== install-$part.sh"
    bash "$here/install-$part.sh"
  fi
done
