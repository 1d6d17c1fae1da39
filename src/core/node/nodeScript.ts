// The one POSIX sh script Kube Sandbox runs on a node. It is uploaded over SFTP into a private
// temporary folder (mode 0700) and run as root with a fixed subcommand and quoted arguments
// (remoteScript.ts builds them): nothing it receives is ever evaluated as shell code.
// Results are `key=value` lines on stdout, each value on one line (nodeFacts.ts parses them);
// diagnostics go to stderr, which the installer streams to its log. A subcommand that fails
// prints `error=<code>` and `message=<text>` and exits 3.
//
// It is kept free of `${`: it lives in a TypeScript template string (String.raw, so
// backslashes stay as written), where `${` would start an interpolation.
// Written for dash, bash and busybox ash (tested against dash and busybox in
// test/adapters/node/nodeScript.test.ts).

export const NODE_SCRIPT_VERSION = '1';

export const NODE_SCRIPT = String.raw`#!/bin/sh
# Kube Sandbox node helper (script version 1). Run by Kube Sandbox over SSH; see
# src/core/node/nodeScript.ts in the kube-sandbox repository.
set -u
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL

out() { printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n\r' '  ')"; }
die() { out error "$1"; [ $# -gt 1 ] && out message "$2"; exit 3; }
have() { command -v "$1" >/dev/null 2>&1; }
lastline() { grep -v '^[[:space:]]*$' | tail -n "$1"; }
run_limited() { if have timeout; then timeout "$@"; else shift; "$@"; fi; }

sha256_of() {
  if have sha256sum; then sha256sum < "$1" | cut -d' ' -f1
  else openssl dgst -sha256 -r < "$1" | cut -d' ' -f1; fi
}

# file_facts NAME PATH: the file's SHA-256 and its bytes (base64), or "absent".
file_facts() {
  if [ -f "$2" ]; then
    out "file_$1_sha256" "$(sha256_of "$2")"
    out "file_$1_b64" "$(base64 < "$2" | tr -d '\n')"
  elif [ -e "$2" ]; then out "file_$1_sha256" not-a-file
  else out "file_$1_sha256" absent; fi
}

os_field() { sed -n "s/^$1=//p" /etc/os-release | head -n 1 | sed 's/^"\(.*\)"$/\1/'; }

# find_bin NAME DIR: DIR/NAME when it is there, else NAME on PATH.
find_bin() {
  if [ -x "$2/$1" ]; then printf '%s\n' "$2/$1"; elif have "$1"; then command -v "$1"; fi
}

probe_platform() {
  out platform_probe "$2"
  pp_err=$(run_limited 30 "$1" --platform="$2" --network=none do true 2>&1 >/dev/null)
  pp_rc=$?
  if [ $pp_rc -eq 0 ]; then out platform_ok yes
  elif [ $pp_rc -eq 124 ]; then out platform_ok no; out platform_error "no sandbox started within 30 s"
  else out platform_ok no; out platform_error "$(printf '%s\n' "$pp_err" | lastline 1)"; fi
}

# detect HINT_DIR PLATFORM [NAME PATH]...
cmd_detect() {
  d_hint=$1; d_platform=$2; shift 2
  out arch "$(uname -m)"
  out kernel "$(uname -r)"
  out hostname "$(uname -n)"
  if [ -r /etc/os-release ]; then
    out os_id "$(os_field ID)"; out os_version_id "$(os_field VERSION_ID)"; out os_name "$(os_field PRETTY_NAME)"
  fi
  if [ -d /run/systemd/system ]; then out init systemd
  elif have rc-service && [ -d /run/openrc ]; then out init openrc
  else out init unknown; fi
  for t in curl wget sha512sum sha256sum base64 tar bzip2 gpg apt-get dpkg-query ctr crictl timeout; do
    have "$t" && out tool "$t"
  done
  if have containerd; then
    out containerd_bin "$(command -v containerd)"
    out containerd_version "$(run_limited 20 containerd --version 2>/dev/null | head -n 1)"
  fi
  if have crio; then
    out crio_bin "$(command -v crio)"
    out crio_version "$(run_limited 20 crio --version 2>/dev/null | sed -n 's/^[Vv]ersion:[[:space:]]*//p' | head -n 1)"
  fi
  [ -d /var/lib/rancher/k3s ] && out k3s yes
  while [ $# -ge 2 ]; do file_facts "$1" "$2"; shift 2; done
  d_runsc=$(find_bin runsc "$d_hint")
  if [ -n "$d_runsc" ]; then
    out runsc_path "$d_runsc"
    out runsc_version "$(run_limited 20 "$d_runsc" --version 2>&1 | head -n 1)"
    out runsc_sha256 "$(sha256_of "$d_runsc")"
    [ -d "$(dirname "$d_runsc")/gvisor-bin" ] && out gvisor_bin "$(dirname "$d_runsc")/gvisor-bin"
    [ "$d_platform" = - ] || probe_platform "$d_runsc" "$d_platform"
  fi
  d_shim=$(find_bin containerd-shim-runsc-v1 "$d_hint")
  if [ -n "$d_shim" ]; then out shim_path "$d_shim"; out shim_sha256 "$(sha256_of "$d_shim")"; fi
  [ -e /dev/kvm ] && out kvm yes
  if have dpkg-query && dpkg-query -s runsc 2>/dev/null | grep -q '^Status: install ok installed'; then
    out pkg_runsc "$(dpkg-query -s runsc | sed -n 's/^Version: //p')"
    dpkg-query -L runsc 2>/dev/null | grep -q '/containerd-shim-runsc-v1$' && out pkg_runsc_shim yes
  fi
  out done yes
}

# fetch URL DEST: https (curl or wget) or file:// (curl), never plain http.
fetch() {
  if have curl; then
    curl -fsSL --proto '=https,file' --retry 2 --connect-timeout 20 -o "$2" --url "$1"
  elif have wget; then
    case $1 in https://*) wget -q -O "$2" -- "$1" ;; *) echo "wget cannot fetch $1" >&2; return 1 ;; esac
  else
    die no-download-tool "neither curl nor wget is installed on the node"
  fi
}

# check_sha512 FILE SUMFILE LABEL: the first 128 hex digits of SUMFILE must be FILE's SHA-512.
check_sha512() {
  cs_want=$(sed -n '1s/^\([0-9a-fA-F]\{128\}\).*$/\1/p' "$2" | tr 'A-F' 'a-f')
  cs_got=$(sha512sum < "$1" | cut -d' ' -f1)
  out "sha512_expected" "$3 $cs_want"
  out "sha512_actual" "$3 $cs_got"
  [ -n "$cs_want" ] || die checksum-unreadable "$3: the .sha512 file holds no SHA-512"
  [ "$cs_want" = "$cs_got" ] || die checksum-mismatch "$3: SHA-512 $cs_got does not match the published $cs_want"
}

# install_bin SRC DEST: atomically, and only when the bytes differ.
install_bin() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then out unchanged "$2"; return 0; fi
  mkdir -p "$(dirname "$2")" || die install-failed "cannot create $(dirname "$2")"
  rm -f "$2.ksb-new"
  if install -m 0755 "$1" "$2.ksb-new" && mv -f "$2.ksb-new" "$2"; then out installed "$2"
  else rm -f "$2.ksb-new"; die install-failed "could not install $2"; fi
}

# install_dir SRC DEST: replaces the folder DEST with a copy of SRC, unless they already match.
install_dir() {
  if [ -d "$2" ] && diff -r "$1" "$2" >/dev/null 2>&1; then out unchanged "$2"; return 0; fi
  rm -rf "$2.ksb-new" "$2.ksb-old"
  cp -R "$1" "$2.ksb-new" && chmod -R u+rwX,go+rX,go-w "$2.ksb-new" && chown -R 0:0 "$2.ksb-new" \
    || { rm -rf "$2.ksb-new"; die install-failed "could not copy $2"; }
  [ ! -e "$2" ] || mv "$2" "$2.ksb-old" || die install-failed "could not move the old $2 aside"
  mv "$2.ksb-new" "$2" || { [ ! -e "$2.ksb-old" ] || mv "$2.ksb-old" "$2"; die install-failed "could not install $2"; }
  rm -rf "$2.ksb-old"
  out installed "$2"
}

# install_stage STAGE BINDIR: what a release or an upload left in STAGE goes to BINDIR.
install_stage() {
  [ -f "$1/runsc" ] || die install-failed "no runsc was staged"
  install_bin "$1/runsc" "$2/runsc"
  out runsc_path "$2/runsc"
  if [ -f "$1/containerd-shim-runsc-v1" ]; then
    install_bin "$1/containerd-shim-runsc-v1" "$2/containerd-shim-runsc-v1"
    out shim_path "$2/containerd-shim-runsc-v1"
  fi
  [ ! -d "$1/gvisor-bin" ] || install_dir "$1/gvisor-bin" "$2/gvisor-bin"
  for is_f in runsc containerd-shim-runsc-v1; do
    [ -f "$2/$is_f" ] && [ -f "$1/$is_f" ] && out sha256 "$(sha256_of "$2/$is_f") $2/$is_f"
  done
  return 0
}

# unpack_tarball TARBALL STAGE: only runsc, the shim and gvisor-bin/ files; no links, no "..".
unpack_tarball() {
  have bzip2 || die no-bzip2 "the release tarball needs bzip2 on the node"
  tar -tjf "$1" > "$1.list" 2>/dev/null || die bad-archive "the release tarball cannot be read"
  while IFS= read -r ut_name; do
    case "/$ut_name/" in */../*) die bad-archive "the release tarball holds the path $ut_name" ;; esac
    case $ut_name in
      runsc|./runsc|containerd-shim-runsc-v1|./containerd-shim-runsc-v1|gvisor-bin/*|./gvisor-bin/*|./) ;;
      *) die bad-archive "the release tarball holds an unexpected entry: $ut_name" ;;
    esac
  done < "$1.list"
  mkdir -p "$2" && tar -xjf "$1" -C "$2" || die bad-archive "the release tarball could not be unpacked"
  [ -z "$(find "$2" ! -type f ! -type d)" ] || die bad-archive "the release tarball holds links or special files"
}

# install-release BINDIR TARBALL_URL FILES_URL KNOWN_SHA512
cmd_install_release() {
  ir_bindir=$1; ir_tarball=$2; ir_files=$3; ir_known=$4
  have sha512sum || die no-sha512sum "sha512sum is not installed on the node"
  ir_work=$(mktemp -d) || die install-failed "cannot create a temporary folder"
  trap 'rm -rf "$ir_work"' EXIT
  ir_layout=
  if [ "$ir_tarball" != - ] && fetch "$ir_tarball.sha512" "$ir_work/gvisor.tar.bz2.sha512"; then
    ir_layout=tarball
    ir_sum=$(sed -n '1s/^\([0-9a-fA-F]\{128\}\).*$/\1/p' "$ir_work/gvisor.tar.bz2.sha512" | tr 'A-F' 'a-f')
    out layout tarball
    out release_sha512 "$ir_sum"
    if [ -n "$ir_sum" ] && [ "$ir_sum" = "$ir_known" ] && [ -f "$ir_bindir/runsc" ]; then out unchanged_release yes; return 0; fi
    fetch "$ir_tarball" "$ir_work/gvisor.tar.bz2" || die download-failed "could not download $ir_tarball"
    check_sha512 "$ir_work/gvisor.tar.bz2" "$ir_work/gvisor.tar.bz2.sha512" gvisor.tar.bz2
    unpack_tarball "$ir_work/gvisor.tar.bz2" "$ir_work/stage"
  elif [ "$ir_files" != - ]; then
    [ "$ir_tarball" = - ] || echo "no gvisor.tar.bz2 at $ir_tarball: trying the per-file layout" >&2
    ir_layout=files
    out layout files
    mkdir -p "$ir_work/stage"
    fetch "$ir_files/runsc.sha512" "$ir_work/runsc.sha512" || die download-failed "could not download $ir_files/runsc.sha512"
    ir_sum=$(sed -n '1s/^\([0-9a-fA-F]\{128\}\).*$/\1/p' "$ir_work/runsc.sha512" | tr 'A-F' 'a-f')
    out release_sha512 "$ir_sum"
    if [ -n "$ir_sum" ] && [ "$ir_sum" = "$ir_known" ] && [ -f "$ir_bindir/runsc" ]; then out unchanged_release yes; return 0; fi
    for ir_f in runsc containerd-shim-runsc-v1; do
      [ -f "$ir_work/$ir_f.sha512" ] || fetch "$ir_files/$ir_f.sha512" "$ir_work/$ir_f.sha512" \
        || die download-failed "could not download $ir_files/$ir_f.sha512"
      fetch "$ir_files/$ir_f" "$ir_work/stage/$ir_f" || die download-failed "could not download $ir_files/$ir_f"
      check_sha512 "$ir_work/stage/$ir_f" "$ir_work/$ir_f.sha512" "$ir_f"
    done
  else
    die download-failed "could not download $ir_tarball.sha512"
  fi
  install_stage "$ir_work/stage" "$ir_bindir"
}

# install-files BINDIR STAGE: files uploaded to STAGE, checked against STAGE/SHA256SUMS first.
cmd_install_files() {
  [ -f "$2/SHA256SUMS" ] || die upload-incomplete "the upload has no checksum list"
  if ! if_bad=$(cd "$2" && sha256sum -c SHA256SUMS 2>&1); then
    die upload-checksum-mismatch "$(printf '%s\n' "$if_bad" | grep -v ': OK$' | lastline 3)"
  fi
  out upload_verified yes
  install_stage "$2" "$1"
}

# install-package apt|distro CHANNEL
cmd_install_package() {
  have apt-get && have dpkg-query || die no-apt "this node has no apt-get: the $1 method works on Debian and Ubuntu nodes"
  ip_before=
  if dpkg-query -s runsc 2>/dev/null | grep -q '^Status: install ok installed'; then
    ip_before=$(dpkg-query -s runsc | sed -n 's/^Version: //p')
  fi
  if [ "$1" = apt ]; then
    ip_keyring=/usr/share/keyrings/gvisor-archive-keyring.gpg
    ip_list=/etc/apt/sources.list.d/gvisor.list
    ip_line="deb [arch=$(dpkg --print-architecture) signed-by=$ip_keyring] https://storage.googleapis.com/gvisor/releases $2 main"
    ip_fresh=no
    if [ ! -s "$ip_keyring" ]; then
      have gpg || die no-gpg "gpg is needed to add gVisor's apt key"
      ip_work=$(mktemp -d) || die install-failed "cannot create a temporary folder"
      trap 'rm -rf "$ip_work"' EXIT
      fetch https://gvisor.dev/archive.key "$ip_work/key" || die download-failed "could not download https://gvisor.dev/archive.key"
      gpg --dearmor < "$ip_work/key" > "$ip_keyring.ksb-new" && mv -f "$ip_keyring.ksb-new" "$ip_keyring" \
        || die install-failed "could not write $ip_keyring"
      out created "$ip_keyring"; ip_fresh=yes
    fi
    if [ "$(cat "$ip_list" 2>/dev/null)" != "$ip_line" ]; then
      [ -e "$ip_list" ] || out created "$ip_list"
      printf '%s\n' "$ip_line" > "$ip_list.ksb-new" && mv -f "$ip_list.ksb-new" "$ip_list" || die install-failed "could not write $ip_list"
      ip_fresh=yes
    fi
    if [ -n "$ip_before" ] && [ "$ip_fresh" = no ]; then out unchanged package; out package_version "$ip_before"; return 0; fi
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 </dev/null || die apt-failed "apt-get update failed"
  elif [ -n "$ip_before" ]; then
    out unchanged package; out package_version "$ip_before"; return 0
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q runsc >&2 </dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q runsc >&2 </dev/null || die apt-failed "apt-get install runsc failed"
  fi
  out installed package
  [ -n "$ip_before" ] || out package_new yes
  out package_version "$(dpkg-query -s runsc | sed -n 's/^Version: //p')"
}

# write-file TARGET SOURCE EXPECT_SHA256 MODE BACKUP CHECK RUNTIME
# EXPECT_SHA256 is what the plan saw ("absent" for no file): anything else means someone
# changed the file since, and nothing is written. BACKUP ("-": none) is made once and never
# overwritten. CHECK ("-": none) is a containerd binary that must load the candidate.
cmd_write_file() {
  wf_target=$1; wf_src=$2; wf_expect=$3; wf_mode=$4; wf_backup=$5; wf_check=$6; wf_runtime=$7
  if [ -e "$wf_target" ]; then wf_cur=$(sha256_of "$wf_target"); else wf_cur=absent; fi
  [ "$wf_cur" = "$wf_expect" ] || die changed-since-plan "$wf_target changed after the plan was made; nothing was written"
  if [ -e "$wf_target" ] && cmp -s "$wf_src" "$wf_target"; then out changed no; return 0; fi
  if [ "$wf_backup" != - ] && [ -e "$wf_target" ]; then
    if [ -e "$wf_backup" ]; then out backup kept
    else cp -p "$wf_target" "$wf_backup" || die backup-failed "could not back up $wf_target to $wf_backup"; out backup created; fi
  fi
  mkdir -p "$(dirname "$wf_target")" || die write-failed "cannot create $(dirname "$wf_target")"
  wf_cand=$wf_target.ksb-new
  rm -f "$wf_cand"
  if [ -e "$wf_target" ]; then cp -p "$wf_target" "$wf_cand" && cat "$wf_src" > "$wf_cand"
  else install -m "$wf_mode" "$wf_src" "$wf_cand"; fi || { rm -f "$wf_cand"; die write-failed "could not write $wf_cand"; }
  if [ "$wf_check" != - ]; then
    if ! wf_dump=$("$wf_check" --config "$wf_cand" config dump 2>&1); then
      rm -f "$wf_cand"; die check-failed "containerd refused the new config: $(printf '%s\n' "$wf_dump" | lastline 3)"
    fi
    if [ "$wf_runtime" != - ] && ! printf '%s\n' "$wf_dump" | grep -qF "containerd.runtimes.$wf_runtime]"; then
      rm -f "$wf_cand"; die check-failed "containerd loads the new config but does not list the $wf_runtime runtime in it"
    fi
    out checked yes
  fi
  mv -f "$wf_cand" "$wf_target" || { rm -f "$wf_cand"; die write-failed "could not replace $wf_target"; }
  out changed yes
  out sha256 "$(sha256_of "$wf_target")"
}

# remove PATH EXPECT_SHA256 ("-": any content); remove-dir PATH
cmd_remove() {
  if [ ! -e "$1" ]; then out removed no; return 0; fi
  if [ "$2" != - ] && [ "$(sha256_of "$1")" != "$2" ]; then out removed no; out kept_changed "$1"; return 0; fi
  rm -f "$1" || die remove-failed "could not remove $1"
  out removed yes
}
cmd_remove_dir() {
  if [ ! -d "$1" ]; then out removed no; return 0; fi
  rm -rf "$1" || die remove-failed "could not remove $1"
  out removed yes
}

cmd_remove_package() {
  have apt-get || die no-apt "apt-get is not installed"
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$1" >&2 </dev/null || die apt-failed "apt-get remove $1 failed"
  out removed yes
}

# restart SERVICE INIT
cmd_restart() {
  case $2 in
    systemd) systemctl restart "$1" >&2 || die restart-failed "systemctl restart $1 failed" ;;
    openrc) rc-service "$1" restart >&2 || die restart-failed "rc-service $1 restart failed" ;;
    *) die no-init "no systemd or OpenRC to restart $1 with" ;;
  esac
  out restarted yes
}

health_once() {
  case $1 in
    containerd)
      # Without --connect-timeout, ctr waits 10 s for a socket that is not there.
      [ -S "$2" ] || { echo "containerd has no socket at $2"; return 0; }
      ctr --address "$2" --connect-timeout 3s --timeout 5s version >/dev/null 2>&1 || { echo "containerd does not answer on $2"; return 0; }
      ho_cri=$(ctr --address "$2" --connect-timeout 3s --timeout 5s plugins ls 2>/dev/null | awk '$2 == "cri" { print $NF; exit }')
      case $ho_cri in
        ok|"") echo ok ;;
        *) echo "containerd answers, but its CRI plugin (what Kubernetes uses) reports $ho_cri" ;;
      esac ;;
    crio)
      if have crictl; then
        crictl --runtime-endpoint "unix://$2" --timeout 3s version >/dev/null 2>&1 && echo ok || echo "CRI-O does not answer on $2"
      elif have systemctl; then
        systemctl is-active --quiet crio && echo ok || echo "the crio service is not active"
      else echo ok; fi ;;
  esac
}

# health KIND SOCKET SECONDS
cmd_health() {
  h_end=$(( $(date +%s) + $3 ))
  while :; do
    h_state=$(health_once "$1" "$2")
    if [ "$h_state" = ok ]; then out healthy yes; return 0; fi
    if [ "$(date +%s)" -ge "$h_end" ]; then out healthy no; out detail "$h_state"; return 0; fi
    sleep 0.2 2>/dev/null || sleep 1
  done
}

# verify RUNSC PLATFORM CONTAINERD_BIN CONFIG RUNTIME: real gVisor evidence.
cmd_verify() {
  v_err=$(mktemp) || die verify-failed "cannot create a temporary file"
  out node_kernel "$(uname -r)"
  v_out=$(run_limited 120 "$1" --platform="$2" --network=none do sh -c 'uname -r; dmesg' 2>"$v_err")
  v_rc=$?
  out runsc_exit "$v_rc"
  out guest_kernel "$(printf '%s\n' "$v_out" | head -n 1)"
  printf '%s\n' "$v_out" | sed -n '2,4p' | while IFS= read -r v_line; do out dmesg "$v_line"; done
  printf '%s\n' "$v_out" | grep -q 'Starting gVisor' && out starting_gvisor yes
  [ "$v_rc" -eq 0 ] || out runsc_error "$(lastline 2 < "$v_err")"
  rm -f "$v_err"
  if [ "$3" != - ]; then
    if v_dump=$("$3" --config "$4" config dump 2>&1); then
      out dump_runtime_type "$(printf '%s\n' "$v_dump" | awk -v h="containerd.runtimes.$5]" '
        index($0, h) { inside = 1; next }
        /^[[:space:]]*\[/ { inside = 0 }
        inside && $1 == "runtime_type" { gsub(/"/, "", $3); print $3; exit }')"
    else
      out dump_error "$(printf '%s\n' "$v_dump" | lastline 2)"
    fi
  fi
  out done yes
}

# container SOCKET RUNTIME_TYPE: a throwaway container that containerd itself starts with the
# runsc runtime (so through containerd-shim-runsc-v1, as a pod would be). No image is pulled:
# its root is an empty folder with the node's own /usr (and /bin, /lib... when they are not
# links into /usr) mounted read-only, enough for sh, uname and dmesg.
cmd_container() {
  c_sock=$1; c_type=$2; c_ns=kube-sandbox-check; c_id="kube-sandbox-check-$$"
  if ! have ctr; then out container_skipped "ctr (containerd's client) is not on the node's PATH"; out done yes; return 0; fi
  c_root=$(mktemp -d) || die container-failed "cannot create a temporary folder"
  c_err=$(mktemp) || die container-failed "cannot create a temporary file"
  set --
  for c_d in usr bin sbin lib lib32 lib64 libx32; do
    if [ -L "/$c_d" ]; then ln -s "$(readlink "/$c_d")" "$c_root/$c_d"
    elif [ -d "/$c_d" ]; then set -- "$@" --mount "type=bind,src=/$c_d,dst=/$c_d,options=rbind:ro"; fi
  done
  c_out=$(run_limited 120 ctr --address "$c_sock" --namespace "$c_ns" run --rm --runtime "$c_type" "$@" \
    --rootfs "$c_root" "$c_id" /bin/sh -c 'uname -r; dmesg' </dev/null 2>"$c_err")
  c_rc=$?
  out container_exit "$c_rc"
  out container_kernel "$(printf '%s\n' "$c_out" | head -n 1)"
  printf '%s\n' "$c_out" | sed -n '2,4p' | while IFS= read -r c_line; do out container_dmesg "$c_line"; done
  printf '%s\n' "$c_out" | grep -q 'Starting gVisor' && out container_starting_gvisor yes
  if [ "$c_rc" -eq 124 ]; then out container_error "the container did not finish within 120 s"
  elif [ "$c_rc" -ne 0 ]; then out container_error "$(lastline 2 < "$c_err")"; fi
  # --rm removes it when ctr ends normally; after a timeout or a failed start it may remain.
  if [ "$c_rc" -ne 0 ]; then
    ctr --address "$c_sock" --connect-timeout 3s --namespace "$c_ns" task kill --signal SIGKILL "$c_id" >/dev/null 2>&1
    ctr --address "$c_sock" --connect-timeout 3s --namespace "$c_ns" task delete --force "$c_id" >/dev/null 2>&1
    ctr --address "$c_sock" --connect-timeout 3s --namespace "$c_ns" container delete "$c_id" >/dev/null 2>&1
  fi
  ctr --address "$c_sock" --connect-timeout 3s namespaces remove "$c_ns" >/dev/null 2>&1
  rm -f "$c_err"
  # Only links and empty folders are removed: a mount still there keeps its folder non-empty.
  for c_e in "$c_root"/*; do
    if [ -L "$c_e" ]; then rm -f "$c_e"; elif [ -d "$c_e" ]; then rmdir "$c_e" 2>/dev/null; fi
  done
  rmdir "$c_root" 2>/dev/null || out container_leftover "$c_root"
  out done yes
}

# dump CONTAINERD_BIN CONFIG: containerd's effective config (imports merged, defaults filled
# in) as base64, to compare before and after an edit.
cmd_dump() {
  if d_out=$("$1" --config "$2" config dump 2>&1); then out dump_b64 "$(printf '%s\n' "$d_out" | base64 | tr -d '\n')"
  else out dump_error "$(printf '%s\n' "$d_out" | lastline 2)"; fi
  out done yes
}

need() { [ "$1" -eq "$2" ] || die usage "$3 takes $2 arguments, got $1"; }

out script_version 1
[ $# -ge 1 ] || die usage "no subcommand"
ksb_cmd=$1; shift
case $ksb_cmd in
  detect) [ $# -ge 2 ] || die usage "detect takes at least 2 arguments"; cmd_detect "$@" ;;
  install-release) need $# 4 "$ksb_cmd"; cmd_install_release "$@" ;;
  install-files) need $# 2 "$ksb_cmd"; cmd_install_files "$@" ;;
  install-package) need $# 2 "$ksb_cmd"; cmd_install_package "$@" ;;
  write-file) need $# 7 "$ksb_cmd"; cmd_write_file "$@" ;;
  remove) need $# 2 "$ksb_cmd"; cmd_remove "$@" ;;
  remove-dir) need $# 1 "$ksb_cmd"; cmd_remove_dir "$@" ;;
  remove-package) need $# 1 "$ksb_cmd"; cmd_remove_package "$@" ;;
  restart) need $# 2 "$ksb_cmd"; cmd_restart "$@" ;;
  health) need $# 3 "$ksb_cmd"; cmd_health "$@" ;;
  verify) need $# 5 "$ksb_cmd"; cmd_verify "$@" ;;
  container) need $# 2 "$ksb_cmd"; cmd_container "$@" ;;
  dump) need $# 2 "$ksb_cmd"; cmd_dump "$@" ;;
  *) die usage "unknown subcommand $ksb_cmd" ;;
esac
`;
