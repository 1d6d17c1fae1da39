import * as vscode from 'vscode';
import type { KubeContextInfo } from '../../core/cluster/kubeconfigMerge';
import type { ClusterSession, ListName } from '../cluster/clusterSession';
import type { ClusterSessions } from '../cluster/clusterSessions';
import type { ContextKeys } from '../contextKeys';
import { errorMessage } from '../output';
import {
  errorElement, loadingElement, nodeElement, pending, podElement, runtimeClassElement, staleError,
} from './clusterTreeElements';
import type {
  ClusterElement, ClusterTreeNode, NodeElement, NodesFolderElement, RetryTarget, RuntimeClassesFolderElement,
} from './clusterTreeNodes';

interface Folders {
  readonly nodes: NodesFolderElement;
  readonly runtimeClasses: RuntimeClassesFolderElement;
}

const ALL_LISTS: readonly ListName[] = ['nodes', 'pods', 'runtimeClasses'];

/**
 * What the Clusters view shows, apart from how it is drawn: the children of each element, from
 * the session of the element's cluster. Lists load in the background: an element whose list is
 * still loading gets a "loading" child, and `onDidChange` names the element to ask again. So a
 * slow or dead cluster never holds the view up; every call has the configured deadline.
 *
 * Cluster and folder elements are kept (one object per context) because VS Code matches the
 * element of a change event by identity.
 */
export class ClusterTreeModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ClusterTreeNode | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly clusters = new Map<string, ClusterElement>();
  private readonly folders = new Map<string, Folders>();
  private readonly watched = new Map<ClusterSession, vscode.Disposable>();
  /** Clusters collapsed since the tree last asked for their children. */
  private readonly released = new Set<string>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly sessions: ClusterSessions,
    private readonly contextKeys: ContextKeys,
  ) {
    sessions.onDidReset(() => {
      for (const subscription of this.watched.values()) subscription.dispose();
      this.watched.clear();
      this.clusters.clear();
      this.folders.clear();
      this.changed.fire(undefined);
    }, null, this.subscriptions);
  }

  async getChildren(node?: ClusterTreeNode): Promise<ClusterTreeNode[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'cluster':
        return this.clusterChildren(node);
      case 'nodesFolder':
        return this.nodeElements(node);
      case 'runtimeClassesFolder':
        return this.runtimeClassElements(node);
      case 'node':
        return this.podElements(node);
      default:
        return [];
    }
  }

  /** Asks the view to draw `node` (or everything) again. */
  changedElement(node?: ClusterTreeNode): void {
    this.changed.fire(node);
  }

  /** The element of a cluster, when the view has shown it. */
  clusterElement(context: string): ClusterElement | undefined {
    return this.clusters.get(context);
  }

  /** Reloads what an element shows: the kubeconfig for the root, a cluster's lists for its elements. */
  refresh(node?: ClusterTreeNode): void {
    const context = node && node.kind !== 'error' && node.kind !== 'loading' && node.kind !== 'info'
      ? (node.kind === 'cluster' ? node.context.name : node.context)
      : undefined;
    const session = context === undefined ? undefined : this.sessions.existing(context);
    if (!session) {
      this.sessions.reload();
      return;
    }
    session.reloadLoaded();
  }

  retry(target: RetryTarget): void {
    if (target.kind === 'kubeconfig') {
      this.sessions.reload();
      return;
    }
    const session = this.sessions.existing(target.context);
    if (!session) {
      this.changed.fire(this.clusters.get(target.context));
      return;
    }
    for (const name of target.lists) session.list(name).reload();
  }

  /** The view collapsed `node`: a collapsed cluster is not contacted. */
  collapsed(node: ClusterTreeNode): void {
    if (node.kind !== 'cluster') return;
    const session = this.sessions.existing(node.context.name);
    if (session) this.watched.get(session)?.dispose();
    if (session) this.watched.delete(session);
    this.sessions.release(node.context.name, 'tree');
    this.released.add(node.context.name);
  }

  /**
   * The view expanded `node`. VS Code shows a re-expanded element's children from its cache
   * without asking, so a cluster released on collapse is announced as changed to be loaded again.
   */
  expanded(node: ClusterTreeNode): void {
    if (node.kind === 'cluster' && this.released.delete(node.context.name)) this.changed.fire(node);
  }

  dispose(): void {
    for (const subscription of this.watched.values()) subscription.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const context of this.clusters.keys()) this.sessions.release(context, 'tree');
    this.changed.dispose();
  }

  private async roots(): Promise<ClusterTreeNode[]> {
    // Contacting clusters runs credential plugins named by a kubeconfig: not for untrusted folders.
    if (!vscode.workspace.isTrusted) {
      await this.contextKeys.set('kubeSandbox.noKubeconfig', false);
      return [];
    }
    let contexts: readonly KubeContextInfo[];
    let problems: readonly string[];
    try {
      const loaded = await this.sessions.kubeconfig();
      contexts = loaded.contexts;
      problems = loaded.problems;
    } catch (error) {
      await this.contextKeys.set('kubeSandbox.noKubeconfig', false);
      return [errorElement('kubeconfig', error, { kind: 'kubeconfig' })];
    }
    await this.contextKeys.set('kubeSandbox.noKubeconfig', contexts.length === 0);
    const elements: ClusterTreeNode[] = contexts.map((context) => this.cluster(context));
    if (problems.length > 0) {
      elements.push({
        kind: 'info',
        id: 'kubeconfig-problems',
        message: `${problems.length} kubeconfig ${problems.length === 1 ? 'entry was' : 'entries were'} left out`,
        tooltip: problems.join('\n'),
      });
    }
    return elements;
  }

  private cluster(context: KubeContextInfo): ClusterElement {
    let element = this.clusters.get(context.name);
    if (!element) {
      element = { kind: 'cluster', id: `cluster/${context.name}`, context };
      this.clusters.set(context.name, element);
    }
    return element;
  }

  private folderElements(context: string): Folders {
    let folders = this.folders.get(context);
    if (!folders) {
      folders = {
        nodes: { kind: 'nodesFolder', id: `cluster/${context}/nodes`, context },
        runtimeClasses: { kind: 'runtimeClassesFolder', id: `cluster/${context}/runtimeclasses`, context },
      };
      this.folders.set(context, folders);
    }
    return folders;
  }

  /** The tree's session of `context`, opened (and watched for changes) when needed. */
  private async session(context: string): Promise<ClusterSession> {
    this.released.delete(context);
    const session = await this.sessions.hold(context, 'tree');
    if (!this.watched.has(session)) {
      const folders = this.folderElements(context);
      this.watched.set(session, session.onDidChange((list) => {
        // Node elements show pod counts, which need the pods and the classes.
        this.changed.fire(folders.nodes);
        if (list === 'runtimeClasses') this.changed.fire(folders.runtimeClasses);
      }));
    }
    return session;
  }

  private async clusterChildren(cluster: ClusterElement): Promise<ClusterTreeNode[]> {
    const session = await this.session(cluster.context.name);
    if (!session.api) return [errorElement(cluster.context.name, session.problem, { kind: 'kubeconfig' })];
    const folders = this.folderElements(cluster.context.name);
    return [folders.nodes, folders.runtimeClasses];
  }

  private async nodeElements(folder: NodesFolderElement): Promise<ClusterTreeNode[]> {
    const session = await this.session(folder.context);
    for (const list of [session.nodes, session.pods, session.runtimeClasses]) list.ensure();
    const state = session.nodes.state;
    const retry: RetryTarget = { kind: 'lists', context: folder.context, lists: ALL_LISTS };
    const waiting = pending(state, folder.id, 'nodes', retry);
    if (waiting || state.kind !== 'loaded') return waiting ?? [];
    const stale = staleError(state, folder.id, retry);
    if (state.items.length === 0) return [...stale, { kind: 'info', id: `${folder.id}/none`, message: 'No nodes' }];
    const index = session.podIndex();
    const pods = session.pods.state;
    const classes = session.runtimeClasses.state;
    const podsProblem = pods.kind === 'failed'
      ? errorMessage(pods.error)
      : classes.kind === 'failed' ? `Which classes sandbox is unknown: ${errorMessage(classes.error)}` : undefined;
    const nodes = state.items.map((node) => nodeElement(folder, node, index, podsProblem));
    return [...stale, ...nodes.sort((a, b) => a.name.localeCompare(b.name))];
  }

  private async runtimeClassElements(folder: RuntimeClassesFolderElement): Promise<ClusterTreeNode[]> {
    const session = await this.session(folder.context);
    session.runtimeClasses.ensure();
    const state = session.runtimeClasses.state;
    const retry: RetryTarget = { kind: 'lists', context: folder.context, lists: ['runtimeClasses'] };
    const waiting = pending(state, folder.id, 'RuntimeClasses', retry);
    if (waiting || state.kind !== 'loaded') return waiting ?? [];
    const stale = staleError(state, folder.id, retry);
    if (state.items.length === 0) {
      return [...stale, {
        kind: 'info',
        id: `${folder.id}/none`,
        message: 'No RuntimeClasses yet: use Create RuntimeClass…',
        tooltip: 'Pods name a RuntimeClass to run in a sandbox. Create RuntimeClass… offers gVisor (handler runsc) and Kata Containers.',
      }];
    }
    const classes = state.items.map((rc) => runtimeClassElement(folder, rc)).sort((a, b) => a.name.localeCompare(b.name));
    return [...stale, ...classes];
  }

  private async podElements(node: NodeElement): Promise<ClusterTreeNode[]> {
    const session = await this.session(node.context);
    session.pods.ensure();
    session.runtimeClasses.ensure();
    const pods = session.pods.state;
    const waiting = pending(pods, node.id, 'pods', { kind: 'lists', context: node.context, lists: ['pods', 'runtimeClasses'] });
    if (waiting || pods.kind !== 'loaded') return waiting ?? [];
    const classes = session.runtimeClasses.state;
    if (classes.kind === 'loading' || classes.kind === 'idle') return [loadingElement(node.id, 'RuntimeClasses')];
    const index = session.podIndex();
    const onNode = index?.byNode.get(node.name) ?? pods.items.filter((pod) => pod.spec?.nodeName === node.name);
    if (onNode.length === 0) return [{ kind: 'info', id: `${node.id}/none`, message: 'No pods on this node' }];
    return onNode
      .map((pod) => podElement(node, pod, index))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }
}
