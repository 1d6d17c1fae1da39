// One row per node, as `kube-sandbox nodes` prints it and the tree shows it: the node's sandbox
// status plus how many of its pods run sandboxed.
import type { NodeJson, PodJson, RuntimeClassJson } from './kubeObjects';
import { nodeSandboxStatus, type NodeSandboxStatus } from './nodeSandboxStatus';
import { podCountsByNode, podCountsForNode, type PodCounts } from './podSandboxCounts';

export interface NodeSummary extends NodeSandboxStatus {
  readonly pods: PodCounts;
}

/** Sorted by node name. Pods on nodes not in `nodes` are left out. */
export function summarizeNodes(nodes: Iterable<NodeJson>, pods: Iterable<PodJson>, classes: Iterable<RuntimeClassJson>): NodeSummary[] {
  const counts = podCountsByNode(pods, classes);
  const rows: NodeSummary[] = [];
  for (const node of nodes) {
    const status = nodeSandboxStatus(node);
    rows.push({ ...status, pods: podCountsForNode(counts, status.name) });
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
