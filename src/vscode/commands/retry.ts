import { isClusterTreeNode } from '../tree/clusterTreeNodes';
import { requireTrust } from './clusterTarget';
import type { CommandDeps } from './index';

/** Retry, the inline action of an error element: loads again what failed. */
export function retry({ clusters }: CommandDeps) {
  return (node?: unknown): void => {
    if (!requireTrust('Retry')) return;
    if (isClusterTreeNode(node) && node.kind === 'error') clusters.tree.model.retry(node.retry);
    else clusters.tree.model.refresh(undefined);
  };
}
