// A stand-in for containerd-shim-runsc-v1, which nothing on these machines provides (Debian's
// runsc package has no shim, and gVisor's release cannot be downloaded here; TESTBED.md §2).
//
// It is containerd's own runc v2 shim with Debian's real runsc as its OCI runtime: runsc
// speaks runc's command line, so a container that containerd starts with the
// io.containerd.runsc.v1 runtime really boots gVisor, and the installer's check sees real
// "Starting gVisor" from a container, not from `runsc do`. How it differs from gVisor's shim:
// it reads no runtime options (a ConfigPath to runsc.toml makes it fail), so it serves
// containers started without options — the installer's throwaway check — and not CRI pods
// whose runtime entry has options; and runsc runs with --network=none, because the runc shim
// leaves it in a network namespace it will not network.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RUNC_SHIM = '/usr/bin/containerd-shim-runc-v2';
const RUNSC = '/usr/bin/runsc';

export function standInShimMissing(): string | undefined {
  const missing = [RUNC_SHIM, RUNSC].filter((p) => !existsSync(p));
  return missing.length ? `missing ${missing.join(', ')}: run scripts/testbed/install-node.sh` : undefined;
}

/** Writes the stand-in's helper (a `runc` that is runsc) under `dir` and returns the text of
 * the shim script, to be installed as containerd-shim-runsc-v1 by the code under test. */
export function standInShim(dir: string): string {
  const helpers = join(dir, 'stand-in-shim');
  mkdirSync(helpers, { recursive: true });
  writeFileSync(join(helpers, 'runc'), `#!/bin/sh\nexec ${RUNSC} --network=none "$@"\n`, { mode: 0o755 });
  return `#!/bin/sh
# Test stand-in for containerd-shim-runsc-v1 (test/harness/standInShim.ts): containerd's runc
# v2 shim driving Debian's runsc. Not gVisor's shim.
PATH='${helpers}':$PATH exec ${RUNC_SHIM} "$@"
`;
}

/** A shim that cannot start anything: what a broken or wrong-architecture shim looks like. */
export const BROKEN_SHIM = '#!/bin/sh\necho "stand-in for a broken containerd-shim-runsc-v1" >&2\nexit 1\n';
