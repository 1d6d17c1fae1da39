import type * as vscode from 'vscode';
import { treeItemFor, type ItemContext } from './clusterTreeItems';
import type { ClusterTreeModel } from './clusterTreeModel';
import type { ClusterTreeNode } from './clusterTreeNodes';

/** The Clusters view's TreeDataProvider: the model's children, drawn by clusterTreeItems. */
export class ClusterTreeProvider implements vscode.TreeDataProvider<ClusterTreeNode> {
  readonly onDidChangeTreeData: vscode.Event<ClusterTreeNode | undefined>;

  constructor(
    private readonly model: ClusterTreeModel,
    private readonly itemContext: () => ItemContext,
  ) {
    this.onDidChangeTreeData = model.onDidChange;
  }

  getTreeItem(node: ClusterTreeNode): vscode.TreeItem {
    return treeItemFor(node, this.itemContext());
  }

  getChildren(node?: ClusterTreeNode): Promise<ClusterTreeNode[]> {
    return this.model.getChildren(node);
  }
}
