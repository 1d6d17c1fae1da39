// Builds the elements of the Clusters view from API objects and list states. Plain data in,
// plain data out: the model decides what to show, this says how each element reads.
import type { NodeJson, PodJson, RuntimeClassJson } from '../../core/cluster/kubeObjects';
import { nodeSandboxStatus } from '../../core/cluster/nodeSandboxStatus';
import type { PodIndex } from '../cluster/clusterSession';
import type { ListState } from '../cluster/resourceList';
import { errorMessage } from '../output';
import type {
  ClusterTreeNode, ErrorElement, NodeElement, NodesFolderElement, PodElement, RetryTarget,
  RuntimeClassElement, RuntimeClassesFolderElement,
} from './clusterTreeNodes';

export function nodeElement(folder: NodesFolderElement, node: NodeJson, index: PodIndex | undefined, podsProblem: string | undefined): NodeElement {
  const status = nodeSandboxStatus(node);
  return {
    kind: 'node',
    id: `${folder.id}/${status.name}`,
    context: folder.context,
    name: status.name,
    status,
    nodeInfo: node.status?.nodeInfo ?? {},
    labels: node.metadata?.labels ?? {},
    pods: index ? (index.counts.get(status.name) ?? { total: 0, sandboxed: 0 }) : undefined,
    ...(podsProblem ? { podsProblem } : {}),
  };
}

/** A pod on `node`; whether it is sandboxed is unknown (undefined) without the cluster's classes. */
export function podElement(node: NodeElement, pod: PodJson, index: PodIndex | undefined): PodElement {
  const runtimeClassName = pod.spec?.runtimeClassName || undefined;
  const handler = runtimeClassName === undefined ? undefined : index?.handlers.get(runtimeClassName);
  const namespace = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  return {
    kind: 'pod',
    id: `${node.id}/${namespace}/${name}`,
    context: node.context,
    namespace,
    name,
    nodeName: node.name,
    phase: pod.status?.phase ?? '',
    ...(runtimeClassName === undefined ? {} : { runtimeClassName }),
    ...(handler === undefined ? {} : { handler }),
    sandboxed: index ? runtimeClassName !== undefined && index.sandboxedClasses.has(runtimeClassName) : undefined,
  };
}

export function runtimeClassElement(folder: RuntimeClassesFolderElement, rc: RuntimeClassJson): RuntimeClassElement {
  const name = rc.metadata?.name ?? '';
  return { kind: 'runtimeClass', id: `${folder.id}/${name}`, context: folder.context, name, runtimeClass: rc };
}

/** A loading or error child for a list that is not loaded; undefined once it is. */
export function pending(state: ListState<unknown>, parentId: string, what: string, retry: RetryTarget): ClusterTreeNode[] | undefined {
  switch (state.kind) {
    case 'idle':
    case 'loading':
      return [loadingElement(parentId, what)];
    case 'failed':
      return [errorElement(parentId, state.error, retry)];
    case 'loaded':
      return undefined;
  }
}

/** An error element above items the watch can no longer keep current (shown as last seen). */
export function staleError(state: ListState<unknown>, parentId: string, retry: RetryTarget): ClusterTreeNode[] {
  if (state.kind !== 'loaded' || state.stale === undefined) return [];
  return [{ kind: 'error', id: `${parentId}/error`, message: `${errorMessage(state.stale)} (showing what was last seen)`, retry }];
}

export function loadingElement(parentId: string, what: string): ClusterTreeNode {
  return { kind: 'loading', id: `${parentId}/loading`, message: `Loading ${what}…` };
}

export function errorElement(parentId: string, error: unknown, retry: RetryTarget): ErrorElement {
  return { kind: 'error', id: `${parentId}/error`, message: errorMessage(error), retry };
}
