// A real node in the test cluster (shared TESTBED.md §4): the kubelet built by
// scripts/testbed/install-kube.sh, on a private containerd with CRI (test/harness/
// containerdNode.ts), registered as node "localhost" so that the apiserver, which prefers the
// Hostname address, reaches its kubelet on loopback for exec. No registry is reachable: the one
// image (busybox-static, also used as the pod sandbox image) is built here and imported with ctr.
//
// What it changes outside its temp folder, and puts back: the kubelet sets three kernel
// tunables (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops), writes pod logs under the
// fixed /var/log/pods and /var/log/containers, and its device-plugin socket under the fixed
// /var/lib/kubelet/device-plugins; stop() restores the tunables and removes those files.
// Pods should use `hostNetwork: true`: then no network namespace or bridge is made on the host
// (the CNI config is there only so that the runtime reports its network ready).
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startContainerdNode, type ContainerdNode } from './containerdNode';
import type { KubeCluster } from './kubeCluster';
import { delay, freePort, logTail, startDaemon, stopDaemon, type Daemon } from './kubeProcess';

const run = promisify(execFile);

export const NODE_NAME = 'localhost';
export const BUSYBOX_IMAGE = 'kube-sandbox.local/busybox:1';
const PAUSE_IMAGE = 'kube-sandbox.local/pause:1';
const BUSYBOX = '/bin/busybox';
const CNI_BIN = '/usr/lib/cni';
const TUNABLES = ['vm/overcommit_memory', 'kernel/panic', 'kernel/panic_on_oops'];

export interface KubeNode {
  readonly name: string;
  readonly containerd: ContainerdNode;
  readonly kubelet: Daemon;
  /** Stops the kubelet and containerd (and their containers) and restores the kernel tunables. */
  stop(): Promise<void>;
}

/** Why a kubelet node cannot run here, or undefined when it can. */
export function kubeNodeMissing(cluster: Pick<KubeCluster, 'binaries'>): string | undefined {
  if (process.getuid?.() !== 0) return 'a kubelet node needs root';
  const kubelet = path.join(cluster.binaries.binDir, 'kubelet');
  const missing = [kubelet, '/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc', BUSYBOX, path.join(CNI_BIN, 'bridge'), path.join(CNI_BIN, 'host-local')].filter(
    (f) => !fs.existsSync(f),
  );
  if (missing.length === 0) return undefined;
  return `kubelet node test bed not installed: missing ${missing.join(', ')}. Run scripts/testbed/install-kube.sh (kubelet) and scripts/testbed/install-node.sh (containerd, runc, busybox-static); the CNI plugins come from Debian's containernetworking-plugins.`;
}

function criConfig(dir: string, subnet: string, bridge: string): string {
  fs.writeFileSync(
    path.join(dir, 'cni', '10-kube-sandbox.conflist'),
    JSON.stringify({
      cniVersion: '0.4.0',
      name: 'kube-sandbox-test',
      plugins: [{ type: 'bridge', bridge, isGateway: true, ipMasq: false, ipam: { type: 'host-local', ranges: [[{ subnet }]], dataDir: path.join(dir, 'ipam') } }],
    }),
  );
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"

[grpc]
  address = "${dir}/containerd.sock"

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "${PAUSE_IMAGE}"
    # root here lacks CAP_SYS_RESOURCE (TESTBED.md §4)
    restrict_oom_score_adj = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "${CNI_BIN}"
      conf_dir = "${dir}/cni"
  [plugins."io.containerd.internal.v1.opt"]
    path = "${dir}/opt"
`;
}

function goArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[process.arch] ?? process.arch;
}

/** A docker-archive of a busybox-static rootfs whose default command sleeps (so it can be the pause image). */
async function buildImage(dir: string): Promise<string> {
  const rootfs = path.join(dir, 'rootfs');
  fs.mkdirSync(path.join(rootfs, 'bin'), { recursive: true });
  for (const d of ['proc', 'sys', 'dev', 'tmp', 'etc']) fs.mkdirSync(path.join(rootfs, d));
  fs.copyFileSync(BUSYBOX, path.join(rootfs, 'bin', 'busybox'));
  fs.chmodSync(path.join(rootfs, 'bin', 'busybox'), 0o755);
  for (const applet of ['sh', 'sleep', 'uname', 'dmesg', 'cat', 'ls']) fs.symlinkSync('busybox', path.join(rootfs, 'bin', applet));
  const layer = path.join(dir, 'layer.tar');
  await run('tar', ['-C', rootfs, '--numeric-owner', '-cf', layer, '.']);
  const diffId = crypto.createHash('sha256').update(fs.readFileSync(layer)).digest('hex');
  const config = JSON.stringify({
    architecture: goArch(),
    os: 'linux',
    config: { Cmd: ['/bin/sleep', '2147483647'], Env: ['PATH=/bin'] },
    rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
  });
  const configName = `${crypto.createHash('sha256').update(config).digest('hex')}.json`;
  fs.writeFileSync(path.join(dir, configName), config);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [BUSYBOX_IMAGE, PAUSE_IMAGE], Layers: ['layer.tar'] }]));
  const archive = path.join(dir, 'image.tar');
  await run('tar', ['-C', dir, '-cf', archive, 'manifest.json', configName, 'layer.tar']);
  return archive;
}

/** Removes what the kubelet wrote to fixed paths for the pods of this node. */
async function removeHostFiles(cluster: KubeCluster, created: readonly string[]): Promise<void> {
  const res = await cluster.admin('GET', `/api/v1/pods?fieldSelector=spec.nodeName%3D${NODE_NAME}`).catch(() => undefined);
  const pods = (res?.body as { items?: { metadata?: { name?: string; namespace?: string; uid?: string } }[] } | undefined)?.items ?? [];
  for (const { metadata: m } of pods) {
    if (!m?.name || !m.namespace || !m.uid) continue;
    fs.rmSync(`/var/log/pods/${m.namespace}_${m.name}_${m.uid}`, { recursive: true, force: true });
    const prefix = `${m.name}_${m.namespace}_`;
    for (const link of fs.existsSync('/var/log/containers') ? fs.readdirSync('/var/log/containers') : []) {
      if (link.startsWith(prefix)) fs.rmSync(path.join('/var/log/containers', link), { force: true });
    }
  }
  // The folders themselves, when this node made them: device-plugins holds only the kubelet's
  // socket; the log folders only when no one else's logs went there meanwhile.
  if (created.includes('/var/lib/kubelet')) fs.rmSync('/var/lib/kubelet', { recursive: true, force: true });
  for (const dir of created.filter((d) => d.startsWith('/var/log/'))) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
}

function readTunables(): Map<string, string> {
  return new Map(TUNABLES.map((t) => [t, fs.readFileSync(`/proc/sys/${t}`, 'utf8').trim()]));
}

function restoreTunables(saved: ReadonlyMap<string, string>): void {
  for (const [t, value] of saved) {
    try {
      if (fs.readFileSync(`/proc/sys/${t}`, 'utf8').trim() !== value) fs.writeFileSync(`/proc/sys/${t}`, value);
    } catch {
      // best effort: the value is only a kernel default
    }
  }
}

export async function startKubeNode(cluster: KubeCluster): Promise<KubeNode> {
  const missing = kubeNodeMissing(cluster);
  if (missing) throw new Error(missing);
  const tunables = readTunables();
  const created = ['/var/lib/kubelet', '/var/log/pods', '/var/log/containers'].filter((d) => !fs.existsSync(d));
  const suffix = crypto.randomBytes(2).toString('hex');
  const subnet = `10.${200 + (parseInt(suffix, 16) % 50)}.${parseInt(suffix.slice(0, 2), 16)}.0/24`;
  const containerd = await startContainerdNode({ config: (dir) => criConfig(dir, subnet, `ksb${suffix}`) });
  const dir = containerd.dir;
  let kubelet: Daemon | undefined;
  const stop = async (): Promise<void> => {
    if (kubelet) await stopDaemon(kubelet);
    // Containers first, so that containerd's shims do not outlive it.
    await run('/usr/bin/ctr', ['--address', containerd.socket, '-n', 'k8s.io', 'tasks', 'ls', '-q'])
      .then(async ({ stdout }) => {
        for (const id of stdout.split('\n').filter(Boolean)) {
          await run('/usr/bin/ctr', ['--address', containerd.socket, '-n', 'k8s.io', 'tasks', 'kill', '-s', 'SIGKILL', id]).catch(() => undefined);
        }
        await delay(300);
      })
      .catch(() => undefined);
    // Unmount what the kubelet and containerd mounted under the folder before removing it.
    await run('/bin/sh', ['-c', `grep -o " ${dir}/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]).catch(() => undefined);
    await containerd.stop();
    restoreTunables(tunables);
    await removeHostFiles(cluster, created);
  };
  try {
    const archive = await buildImage(fs.mkdtempSync(path.join(dir, 'image-')));
    await run('/usr/bin/ctr', ['--address', containerd.socket, '-n', 'k8s.io', 'images', 'import', archive]);
    const port = await freePort();
    const kubeletDir = path.join(dir, 'kubelet');
    fs.mkdirSync(kubeletDir);
    const configFile = path.join(dir, 'kubelet.yaml');
    fs.writeFileSync(
      configFile,
      stringify({
        apiVersion: 'kubelet.config.k8s.io/v1beta1',
        kind: 'KubeletConfiguration',
        address: '127.0.0.1',
        port,
        readOnlyPort: 0,
        healthzPort: 0,
        authentication: { anonymous: { enabled: true }, webhook: { enabled: false }, x509: {} },
        authorization: { mode: 'AlwaysAllow' },
        cgroupDriver: 'cgroupfs',
        cgroupsPerQOS: false,
        enforceNodeAllocatable: [],
        failSwapOn: false,
        makeIPTablesUtilChains: false,
        volumePluginDir: path.join(dir, 'volume-plugins'),
        // A test node never evicts for disk or memory.
        evictionHard: { 'memory.available': '1Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
        imageGCHighThresholdPercent: 100,
        imageGCLowThresholdPercent: 99,
        serializeImagePulls: false,
        // Report status often, so that the node turns Ready in seconds rather than tens of seconds.
        nodeStatusUpdateFrequency: '1s',
        nodeStatusReportFrequency: '1s',
        syncFrequency: '5s',
      }),
    );
    kubelet = startDaemon(
      'kubelet',
      path.join(cluster.binaries.binDir, 'kubelet'),
      [
        `--config=${configFile}`,
        `--kubeconfig=${cluster.kubeconfigPath}`,
        '--container-runtime=remote',
        `--container-runtime-endpoint=unix://${containerd.socket}`,
        `--hostname-override=${NODE_NAME}`,
        `--root-dir=${kubeletDir}`,
        `--cert-dir=${path.join(kubeletDir, 'pki')}`,
        '--v=1',
      ],
      path.join(dir, 'kubelet.log'),
    );
    const started = kubelet;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await cluster.admin('GET', `/api/v1/nodes/${NODE_NAME}`).catch(() => undefined);
      const conditions = (res?.body as { status?: { conditions?: { type: string; status: string }[] } } | undefined)?.status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Ready' && c.status === 'True')) break;
      if (started.child.exitCode !== null) throw new Error(`kubelet exited:\n${logTail(started.logFile)}`);
      if (Date.now() > deadline) throw new Error(`node ${NODE_NAME} not Ready within 60 s. kubelet log:\n${logTail(started.logFile)}\ncontainerd log:\n${logTail(containerd.logPath)}`);
      await delay(250);
    }
    return { name: NODE_NAME, containerd, kubelet: started, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Creates a host-network busybox pod on the node and waits until its container runs. */
export async function startBusyboxPod(cluster: KubeCluster, namespace: string, name: string, timeoutMs = 60_000): Promise<void> {
  await cluster.admin('POST', `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      nodeName: NODE_NAME,
      hostNetwork: true,
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['/bin/sleep', '3600'] }],
    },
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await cluster.admin('GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
    const status = (res.body as { status?: { containerStatuses?: { state?: { running?: object; waiting?: { reason?: string; message?: string } } }[] } }).status;
    const state = status?.containerStatuses?.[0]?.state;
    if (state?.running) return;
    if (Date.now() > deadline) throw new Error(`pod ${namespace}/${name} not running within ${timeoutMs} ms: ${JSON.stringify(state ?? status ?? {})}`);
    await delay(250);
  }
}
