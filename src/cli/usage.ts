// Help texts: `kube-sandbox --help`, `kube-sandbox help <command>`, `kube-sandbox <command> --help`.

export const MAIN_USAGE = `Usage: kube-sandbox <command> [options]

Finds Kubernetes workloads that would share the node's kernel, and puts them
in a gVisor or Kata Containers sandbox (runtimeClassName).

Commands:
  lint [PATH...]    Check manifests; exit 1 when a workload needs attention
  fix [PATH...]     Add runtimeClassName to every unsandboxed workload

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
