// A private containerd for node tests (TESTBED.md §2): its own root, state, gRPC socket and
// config under a temp folder, nothing in /etc touched, no systemd. The config looks like a
// real node's (SystemdCgroup, a sandbox image, registry mirrors), so a config merge that drops
// a key shows.
//
// containerd runs detached (setsid) from small scripts in the folder: `restart.sh` is what an
// install plan can use as its "restart command" — over SSH as root, too — and `stop()` ends
// the process through the pid file, checking first that the pid is this containerd.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CONTAINERD = '/usr/bin/containerd';
const CTR = '/usr/bin/ctr';

export interface ContainerdNode {
  dir: string;
  configPath: string;
  socket: string;
  logPath: string;
  pidFile: string;
  /** Restarts this containerd and waits (up to 15 s) until it answers; exit 0 when healthy. */
  restartCommand: string[];
  /** `ctr --address SOCK version` succeeds. */
  isHealthy(): Promise<boolean>;
  waitHealthy(timeoutMs?: number): Promise<void>;
  restart(): Promise<void>;
  pid(): number | undefined;
  stop(): Promise<void>;
}

export function containerdNodeMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'a private containerd needs root';
  const missing = [CONTAINERD, CTR, '/usr/bin/setsid'].filter((p) => !existsSync(p));
  return missing.length ? `missing ${missing.join(', ')}: run scripts/testbed/install-node.sh` : undefined;
}

/** A containerd 1.6/1.7 (`version = 2`) config as found on kubeadm-style nodes. */
export function realisticContainerdConfig(dir: string): string {
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
oom_score = 0

[grpc]
  address = "${dir}/containerd.sock"

[ttrpc]
  address = ""

[debug]
  level = "info"

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.9"
    # root here lacks CAP_SYS_RESOURCE (TESTBED.md §4)
    restrict_oom_score_adj = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"
          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            SystemdCgroup = true
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "${dir}/cni"
    [plugins."io.containerd.grpc.v1.cri".registry]
      [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
        [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
          endpoint = ["https://mirror.gcr.io", "https://registry-1.docker.io"]
  [plugins."io.containerd.internal.v1.opt"]
    path = "${dir}/opt"
`;
}

export async function startContainerdNode(opts: { config?: (dir: string) => string } = {}): Promise<ContainerdNode> {
  const missing = containerdNodeMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'ksb-containerd-'));
  for (const d of ['root', 'state', 'cni', 'opt']) mkdirSync(join(dir, d));
  const configPath = join(dir, 'config.toml');
  const socket = join(dir, 'containerd.sock');
  const logPath = join(dir, 'containerd.log');
  const pidFile = join(dir, 'containerd.pid');
  writeFileSync(configPath, (opts.config ?? realisticContainerdConfig)(dir));
  writeScripts(dir, { configPath, socket, logPath, pidFile });
  const script = (name: string): Promise<unknown> => run('/bin/sh', [join(dir, name)]);

  const node: ContainerdNode = {
    dir, configPath, socket, logPath, pidFile,
    restartCommand: ['/bin/sh', join(dir, 'restart.sh')],
    isHealthy: async () => {
      try {
        await run(CTR, ['--address', socket, '--timeout', '2s', 'version']);
        return true;
      } catch {
        return false;
      }
    },
    waitHealthy: async (timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await node.isHealthy()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`containerd (${configPath}) did not answer on ${socket} within ${timeoutMs} ms:\n${tail(logPath)}`);
    },
    restart: async () => {
      await script('restart.sh').catch((err: Error) => {
        throw new Error(`restarting containerd failed: ${err.message}\n${tail(logPath)}`);
      });
    },
    pid: () => {
      const text = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : '';
      return /^\d+$/.test(text) ? Number(text) : undefined;
    },
    stop: async () => {
      await script('stop.sh');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await script('start.sh');
  try {
    await node.waitHealthy();
  } catch (err) {
    await node.stop().catch(() => undefined);
    throw err;
  }
  return node;
}

function writeScripts(dir: string, p: { configPath: string; socket: string; logPath: string; pidFile: string }): void {
  // Only this containerd: the pid must belong to a containerd started with this config.
  const ours = `pid=$(cat '${p.pidFile}' 2>/dev/null) && [ -n "$pid" ] && tr '\\0' ' ' < /proc/$pid/cmdline 2>/dev/null | grep -qF -- '--config ${p.configPath}'`;
  writeFileSync(join(dir, 'start.sh'), `#!/bin/sh
# Starts the test containerd detached from the caller's session.
set -e
if ${ours}; then exit 0; fi
# containerd finds shims on its PATH; bin/ here is where the installer tests put theirs, as
# /usr/local/bin is on a real node's.
PATH='${dir}/bin':$PATH setsid ${CONTAINERD} --config '${p.configPath}' >>'${p.logPath}' 2>&1 </dev/null &
echo $! > '${p.pidFile}'
`, { mode: 0o755 });
  writeFileSync(join(dir, 'stop.sh'), `#!/bin/sh
# Stops the test containerd (TERM, then KILL after 10 s).
if ${ours}; then
  kill "$pid"
  i=0; while [ $i -lt 100 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
  kill -9 "$pid" 2>/dev/null || true
fi
rm -f '${p.pidFile}'
`, { mode: 0o755 });
  writeFileSync(join(dir, 'restart.sh'), `#!/bin/sh
# Restarts the test containerd and waits until it answers, like "systemctl restart containerd".
here=$(dirname "$0")
/bin/sh "$here/stop.sh"
/bin/sh "$here/start.sh"
i=0
while [ $i -lt 150 ]; do
  ${CTR} --address '${p.socket}' --connect-timeout 1s --timeout 1s version >/dev/null 2>&1 && exit 0
  ${ours} || { echo "containerd exited; see ${p.logPath}" >&2; exit 1; }
  sleep 0.1; i=$((i+1))
done
echo "containerd did not answer on ${p.socket} within 15 s; see ${p.logPath}" >&2
exit 1
`, { mode: 0o755 });
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '';
}
