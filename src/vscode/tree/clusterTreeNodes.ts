// The elements of the Clusters view, as a union the model builds and the provider renders.
// Plain data: a command receives the element it was invoked on and reads what it needs.
import type { KubeContextInfo } from '../../core/cluster/kubeconfigMerge';
import type { NodeSystemInfo, RuntimeClassJson } from '../../core/cluster/kubeObjects';
import type { NodeSandboxStatus } from '../../core/cluster/nodeSandboxStatus';
import type { PodCounts } from '../../core/cluster/podSandboxCounts';
import type { ListName } from '../cluster/clusterSession';

/** What a Retry on an error element loads again. */
export type RetryTarget =
  | { readonly kind: 'kubeconfig' }
  | { readonly kind: 'lists'; readonly context: string; readonly lists: readonly ListName[] };

export interface ClusterElement {
  readonly kind: 'cluster';
  readonly id: string;
  readonly context: KubeContextInfo;
}

export interface NodesFolderElement {
  readonly kind: 'nodesFolder';
  readonly id: string;
  readonly context: string;
}

export interface RuntimeClassesFolderElement {
  readonly kind: 'runtimeClassesFolder';
  readonly id: string;
  readonly context: string;
}

export interface NodeElement {
  readonly kind: 'node';
  readonly id: string;
  readonly context: string;
  readonly name: string;
  readonly status: NodeSandboxStatus;
  readonly nodeInfo: NodeSystemInfo;
  readonly labels: Readonly<Record<string, string>>;
  /** Undefined while the pods or classes are not known (see `podsProblem`). */
  readonly pods: PodCounts | undefined;
  /** Why the pod counts are missing, when they failed to load. */
  readonly podsProblem?: string;
}

export interface PodElement {
  readonly kind: 'pod';
  readonly id: string;
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string;
  readonly phase: string;
  readonly runtimeClassName?: string;
  /** The class's handler; undefined when the pod has no class or the class is unknown. */
  readonly handler?: string;
  /** Undefined when the cluster's classes could not be read. */
  readonly sandboxed: boolean | undefined;
}

export interface RuntimeClassElement {
  readonly kind: 'runtimeClass';
  readonly id: string;
  readonly context: string;
  readonly name: string;
  readonly runtimeClass: RuntimeClassJson;
}

export interface ErrorElement {
  readonly kind: 'error';
  readonly id: string;
  readonly message: string;
  readonly retry: RetryTarget;
}

export interface LoadingElement {
  readonly kind: 'loading';
  readonly id: string;
  readonly message: string;
}

export interface InfoElement {
  readonly kind: 'info';
  readonly id: string;
  readonly message: string;
  readonly tooltip?: string;
}

export type ClusterTreeNode =
  | ClusterElement
  | NodesFolderElement
  | RuntimeClassesFolderElement
  | NodeElement
  | PodElement
  | RuntimeClassElement
  | ErrorElement
  | LoadingElement
  | InfoElement;

/** Whether `value` is an element of the Clusters view (commands get `unknown` arguments). */
export function isClusterTreeNode(value: unknown): value is ClusterTreeNode {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, id } = value as { kind?: unknown; id?: unknown };
  return typeof id === 'string' && typeof kind === 'string' &&
    ['cluster', 'nodesFolder', 'runtimeClassesFolder', 'node', 'pod', 'runtimeClass', 'error', 'loading', 'info'].includes(kind);
}

/** The kubeconfig context an element belongs to, if any. */
export function contextOf(node: ClusterTreeNode): string | undefined {
  switch (node.kind) {
    case 'cluster':
      return node.context.name;
    case 'nodesFolder':
    case 'runtimeClassesFolder':
    case 'node':
    case 'pod':
    case 'runtimeClass':
      return node.context;
    case 'error':
      return node.retry.kind === 'lists' ? node.retry.context : undefined;
    default:
      return undefined;
  }
}
