// Fills the test cluster with API objects: Nodes whose status is patched through the status
// subresource (as a kubelet would report it), and Pods bound to them. Used by the adapter tests
// and sized up by the benchmark.
import type { KubeCluster } from './kubeCluster';

export interface SeedNodeStatus {
  readonly ready?: boolean;
  readonly kernelVersion?: string;
  readonly containerRuntimeVersion?: string;
  readonly architecture?: string;
  /** Sent as `status.runtimeHandlers`; servers before 1.30 drop the field. */
  readonly runtimeHandlers?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function nodeStatusPatch(s: SeedNodeStatus): unknown {
  const now = new Date().toISOString();
  return {
    status: {
      conditions: [
        { type: 'Ready', status: s.ready === false ? 'False' : 'True', reason: 'KubeletReady', message: 'seeded by the test', lastHeartbeatTime: now, lastTransitionTime: now },
      ],
      nodeInfo: {
        machineID: '', systemUUID: '', bootID: '',
        kernelVersion: s.kernelVersion ?? '6.1.0-18-amd64',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: s.containerRuntimeVersion ?? 'containerd://1.7.2',
        kubeletVersion: 'v1.20.2', kubeProxyVersion: 'v1.20.2',
        operatingSystem: 'linux',
        architecture: s.architecture ?? 'amd64',
      },
      ...(s.runtimeHandlers ? { runtimeHandlers: s.runtimeHandlers.map((name) => ({ name, features: {} })) } : {}),
    },
  };
}

export async function createNode(cluster: KubeCluster, name: string, s: SeedNodeStatus = {}): Promise<void> {
  await cluster.admin('POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...s.labels } },
  });
  await cluster.admin('PATCH', `/api/v1/nodes/${name}/status`, nodeStatusPatch(s), 'application/merge-patch+json');
}

export async function createNodes(cluster: KubeCluster, names: readonly string[], status: (name: string, i: number) => SeedNodeStatus, concurrency = 16): Promise<void> {
  await inParallel(names, concurrency, (name, i) => createNode(cluster, name, status(name, i)));
}

/** A pod bound to `nodeName` directly (no scheduler runs); it stays Pending, which is enough to list. */
export async function createBoundPod(cluster: KubeCluster, namespace: string, name: string, nodeName: string, runtimeClassName?: string): Promise<void> {
  await cluster.admin('POST', `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      nodeName,
      ...(runtimeClassName ? { runtimeClassName } : {}),
      containers: [{ name: 'main', image: 'busybox:latest', imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
    },
  });
}
