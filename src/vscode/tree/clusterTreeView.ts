import * as vscode from 'vscode';
import type { ClusterSessions } from '../cluster/clusterSessions';
import type { ManifestClusterSource } from '../cluster/manifestCluster';
import type { ContextKeys } from '../contextKeys';
import { ClusterTreeModel } from './clusterTreeModel';
import type { ClusterTreeNode } from './clusterTreeNodes';
import { ClusterTreeProvider } from './clusterTreeProvider';

export const CLUSTERS_VIEW_ID = 'kubeSandbox.clusters';

/**
 * The Clusters view: its model, provider and TreeView, and what ties them to the rest. A
 * collapsed cluster releases its session (calls and watches end); the view's description names
 * the cluster chosen for manifest checks.
 */
export class ClusterTreeView implements vscode.Disposable {
  readonly model: ClusterTreeModel;
  readonly provider: ClusterTreeProvider;
  private readonly view: vscode.TreeView<ClusterTreeNode>;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(sessions: ClusterSessions, contextKeys: ContextKeys, private readonly checks: ManifestClusterSource) {
    this.model = new ClusterTreeModel(sessions, contextKeys);
    this.provider = new ClusterTreeProvider(this.model, () => ({ checksCluster: checks.contextName }));
    this.view = vscode.window.createTreeView(CLUSTERS_VIEW_ID, {
      treeDataProvider: this.provider,
      showCollapseAll: true,
      // Install and Uninstall gVisor take a multi-selection of nodes (clicked, selected[]).
      canSelectMany: true,
    });
    this.view.onDidCollapseElement((event) => this.model.collapsed(event.element), null, this.subscriptions);
    this.view.onDidExpandElement((event) => this.model.expanded(event.element), null, this.subscriptions);
    checks.onDidChange(({ previous, current }) => {
      this.updateDescription();
      for (const name of [previous, current]) {
        const element = name === undefined ? undefined : this.model.clusterElement(name);
        if (element) this.model.changedElement(element);
      }
    }, null, this.subscriptions);
    vscode.workspace.onDidGrantWorkspaceTrust(() => this.model.changedElement(undefined), null, this.subscriptions);
    this.updateDescription();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.view.dispose();
    this.model.dispose();
  }

  private updateDescription(): void {
    const name = this.checks.contextName;
    this.view.description = name === undefined ? undefined : `manifest checks: ${name}`;
  }
}
