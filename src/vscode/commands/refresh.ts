import { isClusterTreeNode } from '../tree/clusterTreeNodes';
import { requireTrust } from './clusterTarget';
import type { CommandDeps } from './index';

/**
 * Refresh: on a cluster or one of its elements, lists that cluster's objects again; from the
 * view title or the palette, reads the kubeconfig again and starts every cluster over.
 */
export function refresh({ clusters }: CommandDeps) {
  return (node?: unknown): void => {
    if (!requireTrust('Refresh')) return;
    clusters.tree.model.refresh(isClusterTreeNode(node) ? node : undefined);
  };
}
