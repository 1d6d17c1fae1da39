// A node's sandbox readiness as the tree and `kube-sandbox nodes` show it.
import { GVISOR_NODE_LABEL, type NodeJson } from './kubeObjects';

export type SandboxState = 'ready' | 'unknown' | 'absent';

export interface NodeSandboxStatus {
  readonly name: string;
  readonly ready: boolean;
  /** e.g. `containerd://1.7.2`; empty when the node has not reported it. */
  readonly containerRuntime: string;
  readonly kernelVersion: string;
  readonly osImage: string;
  readonly architecture: string;
  readonly sandbox: { readonly gvisor: SandboxState };
}

/**
 * gVisor is *ready* when the kubelet offers the `runsc` handler (`status.runtimeHandlers`,
 * Kubernetes 1.30+) or the node carries our label from an install; *absent* when the node lists
 * its handlers and runsc is not among them; *unknown* when the node does not say (older
 * kubelets): the runtime may still have runsc configured.
 */
export function gvisorState(node: NodeJson): SandboxState {
  const labels = node.metadata?.labels ?? {};
  if (Object.prototype.hasOwnProperty.call(labels, GVISOR_NODE_LABEL)) return 'ready';
  const handlers = node.status?.runtimeHandlers;
  if (handlers === undefined) return 'unknown';
  return handlers.some((h) => h.name === 'runsc') ? 'ready' : 'absent';
}

export function nodeIsReady(node: NodeJson): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function nodeSandboxStatus(node: NodeJson): NodeSandboxStatus {
  const info = node.status?.nodeInfo ?? {};
  return {
    name: node.metadata?.name ?? '',
    ready: nodeIsReady(node),
    containerRuntime: info.containerRuntimeVersion ?? '',
    kernelVersion: info.kernelVersion ?? '',
    osImage: info.osImage ?? '',
    architecture: info.architecture ?? '',
    sandbox: { gvisor: gvisorState(node) },
  };
}
