#!/usr/bin/env bash
# Installs the Debian packages a test "node" needs (TESTBED.md §2): a private sshd and
# containerd are started by the test harness itself (test/harness/sshNode.ts,
# test/harness/containerdNode.ts); this script only makes the binaries present.
# Idempotent, needs no stdin, safe in CI (CI=true). Run as root on Debian 12.
set -euo pipefail

packages=(openssh-server openssh-client containerd runc runsc busybox-static sudo iproute2 containernetworking-plugins)

if [[ $(id -u) -ne 0 ]]; then
  echo "install-node.sh: run as root (it installs Debian packages with apt-get)." >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "install-node.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d keeps the packages' postinst from starting system services (sshd,
  # containerd): the harness runs private instances and nothing system-wide should change.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
  fi
  trap '[[ $created_policy == 1 ]] && rm -f "$policy"' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
else
  echo "install-node.sh: all packages present (${packages[*]})"
fi

# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd
chmod 755 /run/sshd

for bin in /usr/sbin/sshd /usr/bin/ssh-keygen /usr/bin/containerd /usr/bin/ctr /usr/sbin/runc /usr/bin/runsc /bin/busybox /usr/bin/sudo; do
  if [[ ! -x $bin ]]; then
    alt=$(command -v "$(basename "$bin")" || true)
    if [[ -z $alt ]]; then
      echo "install-node.sh: expected $bin after installing packages, but it is missing." >&2
      exit 1
    fi
  fi
done
echo "install-node.sh: node test bed ready ($(containerd --version 2>/dev/null | awk '{print $3}'), runsc $(runsc --version 2>/dev/null | head -1 | awk '{print $3}'))"
