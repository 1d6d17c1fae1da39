// Shared set-up for the installer tests: a real sshd and a private containerd per test file
// (own ports, own temp folders), and install options that keep every write inside that
// containerd's folder — its config, runsc.toml next to it, binaries, the install record —
// so parallel test files never touch each other's files or the machine's /etc and /usr.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { SshRemoteHost } from '../../../src/adapters/ssh';
import type { InstallRequest } from '../../../src/core/node/installer';
import { containerdNodeMissing, startContainerdNode, type ContainerdNode } from '../../harness/containerdNode';
import { nodeOptions, strictHooks } from '../../harness/sshClient';
import { sshNodeMissing, startSshNode, type SshNode, type TestAccount } from '../../harness/sshNode';
import { standInShimMissing } from '../../harness/standInShim';

export const bedMissing = (): string | undefined =>
  sshNodeMissing() ?? containerdNodeMissing() ?? standInShimMissing() ?? (existsSync('/usr/bin/runsc') ? undefined : 'missing /usr/bin/runsc: run scripts/testbed/install-node.sh');

export interface InstallBed {
  ssh: SshNode;
  dir: string;
  connect(account: TestAccount): Promise<SshRemoteHost>;
  stop(): Promise<void>;
}

export async function startInstallBed(): Promise<InstallBed> {
  const ssh = await startSshNode();
  const dir = mkdtempSync(join(tmpdir(), 'ksb-install-'));
  const open: SshRemoteHost[] = [];
  return {
    ssh, dir,
    connect: async (account) => {
      const host = await SshRemoteHost.connect({ ...nodeOptions(ssh, account, dir), commandTimeoutMs: 300_000 }, {
        ...strictHooks,
        askPassword: (r) => Promise.resolve(r.purpose === 'sudo' && 'password' in account ? account.password : undefined),
      });
      open.push(host);
      return host;
    },
    stop: async () => {
      await Promise.all(open.map((h) => h.close()));
      await ssh.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { startContainerdNode, type ContainerdNode };

/** Runs `body` against a containerd of its own, stopped afterwards whatever happens. */
export async function withFreshContainerd(body: (fresh: ContainerdNode) => Promise<void>): Promise<void> {
  const fresh = await startContainerdNode();
  try {
    await body(fresh);
  } finally {
    await fresh.stop();
  }
}

/** Options that keep every write inside the test containerd's folder. */
export function bedOptions(cd: ContainerdNode, extra: Partial<InstallRequest> = {}): InstallRequest {
  return {
    method: 'distro',
    containerdConfig: cd.configPath,
    binDir: join(cd.dir, 'bin'),
    stateDir: join(cd.dir, 'kube-sandbox-state'),
    restartCommand: cd.restartCommand,
    healthTimeoutMs: 20_000,
    ...extra,
  };
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Every leaf of a TOML document as path → JSON value. */
export function tomlLeaves(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (v: unknown, path: string[]): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
    } else out.set(path.join('.'), JSON.stringify(v));
  };
  walk(parse(text), []);
  return out;
}

/** The files an install may touch, with their bytes (undefined: absent). */
export function nodeFiles(cd: ContainerdNode): Record<string, string | undefined> {
  const read = (p: string): string | undefined => (existsSync(p) ? readFileSync(p, 'utf8') : undefined);
  const stateDir = join(cd.dir, 'kube-sandbox-state');
  return {
    config: read(cd.configPath),
    backup: read(`${cd.configPath}.kube-sandbox.bak`),
    runscToml: read(join(cd.dir, 'runsc.toml')),
    state: existsSync(stateDir) ? JSON.stringify(readdirSync(stateDir).map((f) => [f, read(join(stateDir, f))])) : undefined,
    runsc: existsSync(join(cd.dir, 'bin', 'runsc')) ? sha256(readFileSync(join(cd.dir, 'bin', 'runsc'))) : undefined,
  };
}
