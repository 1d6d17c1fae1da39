// Help texts: `kube-sandbox --help`, `kube-sandbox help <command>`, `kube-sandbox <command> --help`.

export const MAIN_USAGE = `Usage: kube-sandbox <command> [options]

Finds Kubernetes workloads that would share the node's kernel, and puts them
in a gVisor or Kata Containers sandbox (runtimeClassName).

Commands:
  lint [PATH...]    Check manifests; exit 1 when a workload needs attention
  fix [PATH...]     Add runtimeClassName to every unsandboxed workload
  install-gvisor    Install gVisor on a node over SSH (or --uninstall it)
  nodes             List a cluster's nodes with their sandbox readiness
  runtimeclass create gvisor|kata-qemu|kata-clh|kata-fc
                    Create or update a sandbox RuntimeClass
  verify POD        Prove whether a pod runs sandboxed (gVisor or a VM)

Options:
  -h, --help        Show this help
  -v, --version     Print the version

Run 'kube-sandbox <command> --help' for a command's options.
`;

export const LINT_USAGE = `Usage: kube-sandbox lint [PATH...] [options]

Checks Kubernetes manifests (*.yaml, *.yml, *.json) in the given files and
folders; no PATH checks the current folder. Folders are searched recursively,
skipping node_modules and folders whose names start with a dot; files there that
are not Kubernetes manifests are ignored. Helm templates are skipped, and each
skip is named on stderr.

Options:
  --format FORMAT          text (default), json or sarif (SARIF 2.1.0 for
                           GitHub code scanning)
  --runtime-class NAME     A RuntimeClass that counts as sandboxed; repeat for
                           more; '*' globs allowed. Replaces the default list:
                           gvisor, kata, kata-*
  --exempt-namespace NS    Workloads in this namespace need no sandbox; repeat
                           for more. Replaces the default: kube-system
  -h, --help               Show this help

Findings have a code: unsandboxed-workload, sandbox-host-namespace,
sandbox-privileged, sandbox-host-path, and syntax-error for a document that
cannot be parsed. Silence unsandboxed-workload for one workload with the
annotation kube-sandbox.dev/unsandboxed-reason: "<why>".

Exit status: 0 when nothing at warning or error severity was found, 1 when
something was (syntax errors included), 2 on bad usage or when a file could not
be read.
`;

export const FIX_USAGE = `Usage: kube-sandbox fix [PATH...] --runtime-class NAME [options]

Sets runtimeClassName: NAME in every unsandboxed, non-exempt workload of the
Kubernetes manifests in the given files and folders (no PATH: the current
folder; folders are searched as by 'lint'). Only the inserted or replaced text
changes; comments, indentation, line endings and every other byte stay as they
were. Files are replaced atomically and keep their permissions.

Options:
  --runtime-class NAME     The RuntimeClass to run workloads in, e.g. gvisor
                           (required)
  --dry-run                Print a unified diff of the changes; write nothing
  --exempt-namespace NS    Leave workloads in this namespace alone; repeat for
                           more. Replaces the default: kube-system
  -h, --help               Show this help

Exit status: 0 on success (also when nothing needed fixing), 2 on bad usage or
when a file could not be read or written.
`;

export const INSTALL_GVISOR_USAGE = `Usage: kube-sandbox install-gvisor --host HOST [options]

Installs gVisor on one Kubernetes node over SSH: detects the node, shows the
plan, installs runsc and containerd-shim-runsc-v1, adds the runsc runtime to
containerd's config (or a CRI-O drop-in) without dropping any existing key,
restarts the runtime and checks it is healthy (putting the config back if it
is not), runs a throwaway gVisor sandbox to prove it works, and labels the node
kube-sandbox.dev/gvisor=<runsc version>. Running it again changes nothing.

Connection (the host key must already be in known_hosts; nothing is asked):
  --host HOST              The node's address or name (required)
  --port PORT              SSH port (default 22)
  --user USER              Login user (default: yours); a non-root user needs
                           sudo; a sudo password is read from the environment
                           variable KUBE_SANDBOX_SUDO_PASSWORD
  --identity FILE          Private key (repeatable; default: ssh-agent, then
                           ~/.ssh/id_ed25519, id_ecdsa, id_rsa)
  --known-hosts FILE       known_hosts to check the host key against
                           (default ~/.ssh/known_hosts)

What to install:
  --method METHOD          release (default: official gVisor release, SHA-512
                           checked), apt (gVisor's apt repository), distro (the
                           distribution's runsc package; Debian's has no shim),
                           upload (binaries from this machine, for air-gapped
                           nodes)
  --version V              release: latest (default), YYYYMMDD or YYYYMMDD.N;
                           apt: latest or YYYYMMDD
  --release-mirror URL     A mirror of storage.googleapis.com/gvisor/releases
                           (https:// or file:///path on the node)
  --runsc-binary FILE      upload: the runsc to install (a gvisor-bin/ folder
                           next to it is uploaded too)
  --shim-binary FILE       upload: the containerd-shim-runsc-v1 to install
  --bin-dir DIR            Where release and upload binaries go on the node
                           (default /usr/local/bin)
  --platform P             systrap (default; ptrace when the installed runsc
                           is too old for systrap) or kvm (needs /dev/kvm)

Where:
  --containerd-config PATH containerd's config (default
                           /etc/containerd/config.toml); runsc.toml goes next
                           to it; the original is kept as
                           config.toml.kube-sandbox.bak
  --containerd-drop-in PATH
                           Put the runtime in this drop-in instead (e.g.
                           /etc/containerd/conf.d/99-kube-sandbox-runsc.toml),
                           added to the config's imports if needed;
                           containerd 2.0+ only (1.x would drop settings)
  --restart-command CMD    How to restart the runtime, run by the node's shell
                           as root (default: systemctl or rc-service)
  --state-dir DIR          Where the record of what was installed is kept
                           (default /var/lib/kube-sandbox)

Cluster (to label the node):
  --node NAME              The Kubernetes node (default: found by address or
                           host name when --kubeconfig or --context is given)
  --kubeconfig FILE        Kubeconfig file (default: KUBECONFIG, ~/.kube/config)
  --context NAME           Kubeconfig context (default: the current one)

  --dry-run                Print the plan and the config diffs; change nothing
  --uninstall              Undo what install-gvisor recorded: restore the
                           original config, remove installed files, remove
                           the node label
  -h, --help               Show this help

Exit status: 0 on success (also when gVisor was already installed), 1 when
the install failed (after putting the config back) or could not start, 2 on
bad usage.
`;

const CLUSTER_FLAGS = `  --kubeconfig FILE        The kubeconfig (default: KUBECONFIG, then
                           ~/.kube/config)
  --context NAME           A context of the kubeconfig (default: the current
                           one)
  --timeout SECONDS        Deadline for each request to the cluster (default 10)`;

export const NODES_USAGE = `Usage: kube-sandbox nodes [options]

Lists the cluster's nodes: readiness, container runtime, kernel, architecture,
whether gVisor is ready there, and how many of the node's pods run sandboxed.

gVisor is "ready" when the node offers the runsc handler (status.runtimeHandlers,
Kubernetes 1.30+) or carries the label kube-sandbox.dev/gvisor; "absent" when it
lists its handlers without runsc; "unknown" when it does not say. A pod counts as
sandboxed when its RuntimeClass's handler is runsc or kata*.

Options:
  -o, --output FORMAT      text (default) or json: an array of {name, ready,
                           containerRuntime, kernelVersion, osImage,
                           architecture, sandbox: {gvisor}, pods: {total,
                           sandboxed}}
${CLUSTER_FLAGS}
  -h, --help               Show this help

Exit status: 0 on success, 2 on bad usage or when the cluster could not be
asked (unreachable, timed out, refused).
`;

export const RUNTIMECLASS_USAGE = `Usage: kube-sandbox runtimeclass create SANDBOX [options]

Creates the RuntimeClass for a sandbox, or updates it to match (saying what
changed), or reports that it already matches. SANDBOX is one of:
  gvisor      handler runsc
  kata-qemu   handler kata-qemu, overhead 160Mi memory, 250m CPU (as kata-deploy)
  kata-clh    handler kata-clh, overhead 130Mi memory, 250m CPU
  kata-fc     handler kata-fc, overhead 130Mi memory, 250m CPU

Options:
  --name NAME              The class name (default: SANDBOX)
  --node-selector KEY=VALUE
                           Run the class's pods only on nodes with this label
                           (repeat for more), e.g.
                           kube-sandbox.dev/gvisor=20221219
  --dry-run                Print the RuntimeClass as YAML; contact no cluster
${CLUSTER_FLAGS}
  -h, --help               Show this help

Exit status: 0 when the class was created, updated or already matched; 2 on
bad usage or when the cluster refused or could not be reached.
`;

export const VERIFY_USAGE = `Usage: kube-sandbox verify POD [options]

Proves whether a running pod is sandboxed: runs 'uname -r' and 'dmesg' in its
container and compares with the kernel its node reports. gVisor's kernel log
starts with "Starting gVisor..." and its kernel differs from the node's; a VM
sandbox (Kata) shows a kernel of its own; a plain container shows the node's.

Options:
  -n, --namespace NS       The pod's namespace (default: the context's, else
                           default)
  -c, --container NAME     The container to check (default: the pod's default
                           container, else its first)
  -o, --output FORMAT      text (default) or json
${CLUSTER_FLAGS}
  -h, --help               Show this help

Exit status: 0 sandboxed (gVisor or VM), 1 not sandboxed, 2 when it could not
be told, on bad usage, or when the cluster could not be asked.
`;
