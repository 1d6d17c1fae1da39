// Finds the test-bed binaries that scripts/testbed/install-kube.sh puts in the cache, and turns
// their absence into a skip (or, under KUBE_SANDBOX_REQUIRE_TESTBED=1, a failure).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const KUBE_INSTALLER = 'scripts/testbed/install-kube.sh';

export interface KubeBinaries {
  /** Folder holding kube-apiserver (and kubelet etc. when they were built). */
  readonly binDir: string;
  readonly apiserver: string;
  readonly etcd: string;
}

/** Thrown when the test bed is not installed; tests turn it into a skip. */
export class KubeTestbedMissingError extends Error {
  override readonly name = 'KubeTestbedMissingError';
}

export function testbedRequired(): boolean {
  return process.env.KUBE_SANDBOX_REQUIRE_TESTBED === '1';
}

function cacheRoot(): string {
  return process.env.KUBE_SANDBOX_CACHE || '/var/cache/kube-sandbox';
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Compares Debian-ish version strings by their numeric runs, enough to pick the newest build. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[^0-9]+/).filter(Boolean).map(Number);
  const pb = b.split(/[^0-9]+/).filter(Boolean).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function findBinDir(): string | undefined {
  const override = process.env.KUBE_SANDBOX_KUBE_BIN;
  if (override) return override;
  let entries: string[];
  try {
    entries = fs.readdirSync(cacheRoot());
  } catch {
    return undefined;
  }
  const builds = entries
    .filter((e) => e.startsWith('kubernetes-') && isExecutable(path.join(cacheRoot(), e, 'bin', 'kube-apiserver')))
    .sort((a, b) => compareVersions(b, a));
  return builds[0] === undefined ? undefined : path.join(cacheRoot(), builds[0], 'bin');
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** The binaries, or a sentence saying what is missing and which installer to run. */
export function locateKubeBinaries(): KubeBinaries | string {
  const binDir = findBinDir();
  const etcd = findOnPath('etcd') ?? (isExecutable('/usr/bin/etcd') ? '/usr/bin/etcd' : undefined);
  const missing: string[] = [];
  if (!binDir || !isExecutable(path.join(binDir, 'kube-apiserver'))) {
    missing.push(`kube-apiserver (looked in ${process.env.KUBE_SANDBOX_KUBE_BIN ?? `${cacheRoot()}/kubernetes-*/bin`})`);
  }
  if (!etcd) missing.push('etcd (Debian package etcd-server)');
  if (missing.length > 0 || !binDir || !etcd) {
    return `Kubernetes test bed not installed: missing ${missing.join(' and ')}. Run \`sudo bash ${KUBE_INSTALLER}\` (about 7 minutes on 2 cores the first time, then cached).`;
  }
  return { binDir, apiserver: path.join(binDir, 'kube-apiserver'), etcd };
}

/**
 * For `describe(name, { skip: kubeTestbedSkip() }, …)`: false when the test bed is there, the
 * reason to skip when it is not. Under KUBE_SANDBOX_REQUIRE_TESTBED=1 a missing test bed throws,
 * so CI fails instead of passing on skipped tests.
 */
export function kubeTestbedSkip(): string | false {
  const found = locateKubeBinaries();
  if (typeof found !== 'string') return false;
  if (testbedRequired()) throw new KubeTestbedMissingError(`${found} (KUBE_SANDBOX_REQUIRE_TESTBED=1)`);
  return found;
}
