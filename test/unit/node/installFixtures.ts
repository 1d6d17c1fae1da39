// Detect output as the node script prints it, for plan tests: a Debian 12 node with
// containerd 1.6 and Debian's runsc (no shim), overridable line by line.
import { detectFiles, installPaths, type InstallOptions } from '../../../src/core/node/installOptions';
import { parseNodeFacts, type NodeFacts } from '../../../src/core/node/nodeFacts';

export const NODE_CONFIG = `version = 2
root = "/var/lib/containerd"

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.9"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            SystemdCgroup = true
`;

const b64 = (t: string): string => Buffer.from(t, 'utf8').toString('base64');

export interface DetectSpec {
  /** Lines replacing (by key) or adding to the defaults; a value of null drops the key. */
  readonly set?: Readonly<Record<string, string | null>>;
  /** Extra repeated lines, e.g. `tool=bzip2`. */
  readonly add?: readonly string[];
  /** File contents by detect name (containerd_config, runsc_toml, state, …); null: absent. */
  readonly files?: Readonly<Record<string, string | null>>;
}

const DEFAULT_TOOLS = ['curl', 'sha512sum', 'sha256sum', 'base64', 'tar', 'apt-get', 'dpkg-query', 'ctr', 'timeout'];

export function detectOutput(spec: DetectSpec = {}, options: Pick<InstallOptions, 'containerdConfig' | 'containerdDropIn' | 'stateDir' | 'binDir'> = {}): string {
  const values: Record<string, string | null> = {
    script_version: '1',
    arch: 'x86_64',
    kernel: '6.1.0-18-amd64',
    hostname: 'worker-1',
    os_id: 'debian',
    os_version_id: '12',
    os_name: 'Debian GNU/Linux 12 (bookworm)',
    init: 'systemd',
    containerd_bin: '/usr/bin/containerd',
    containerd_version: 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3',
    runsc_path: '/usr/bin/runsc',
    runsc_version: 'runsc version 0.0~20221219.0',
    runsc_sha256: 'a'.repeat(64),
    pkg_runsc: '0.0~20221219.0-2+b3',
    platform_probe: 'systrap',
    platform_ok: 'no',
    platform_error: 'unknown platform: systrap',
    ...spec.set,
  };
  const lines = Object.entries(values).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v ?? ''}`);
  lines.push(...DEFAULT_TOOLS.map((t) => `tool=${t}`), ...(spec.add ?? []));
  const names = detectFiles(installPaths(options));
  const files: Record<string, string | null> = { containerd_config: NODE_CONFIG, ...spec.files };
  for (const name of Object.keys(names)) {
    const text = files[name];
    if (text === undefined || text === null) {
      lines.push(`file_${name}_sha256=absent`);
    } else {
      lines.push(`file_${name}_sha256=${'f'.repeat(63)}${name.length % 10}`, `file_${name}_b64=${b64(text)}`);
    }
  }
  lines.push('done=yes');
  return `${lines.join('\n')}\n`;
}

export function facts(spec: DetectSpec = {}, options: Pick<InstallOptions, 'containerdConfig' | 'containerdDropIn' | 'stateDir' | 'binDir'> = {}): NodeFacts {
  return parseNodeFacts(detectOutput(spec, options), Object.keys(detectFiles(installPaths(options))));
}
