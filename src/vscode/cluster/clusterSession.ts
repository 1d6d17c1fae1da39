import * as vscode from 'vscode';
import type { KubeApi, WatchOptions } from '../../adapters/kube/kubeApi';
import type { KubeContextInfo } from '../../core/cluster/kubeconfigMerge';
import type { NodeJson, PodJson, RuntimeClassJson } from '../../core/cluster/kubeObjects';
import { podCountsByNode, sandboxedClassNames, type PodCounts } from '../../core/cluster/podSandboxCounts';
import type { Config } from '../config';
import { ResourceList, type ListState, type WatchStart } from './resourceList';

export type ListName = 'nodes' | 'pods' | 'runtimeClasses';

/** Who keeps a session open: the tree while the cluster is expanded, manifest checks while it is chosen. */
export type SessionHolder = 'tree' | 'manifestChecks';

/** Pods per node and their sandbox counts, computed once per change of the pod or class list. */
export interface PodIndex {
  readonly byNode: ReadonlyMap<string, readonly PodJson[]>;
  readonly counts: ReadonlyMap<string, PodCounts>;
  /** Names of the cluster's classes whose handler sandboxes. */
  readonly sandboxedClasses: ReadonlySet<string>;
  /** Handler of each class, by class name. */
  readonly handlers: ReadonlyMap<string, string>;
}

/**
 * One cluster (kubeconfig context) while something shows or uses it: its KubeApi and its lists
 * of nodes, pods and RuntimeClasses, each kept current by a watch. Disposing it ends them all.
 */
export class ClusterSession implements vscode.Disposable {
  readonly nodes: ResourceList<NodeJson>;
  readonly pods: ResourceList<PodJson>;
  readonly runtimeClasses: ResourceList<RuntimeClassJson>;
  readonly holders = new Set<SessionHolder>();
  private readonly changed = new vscode.EventEmitter<ListName>();
  /** Fires with the list whose state changed. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private index: { pods: ListState<PodJson>; classes: ListState<RuntimeClassJson>; value: PodIndex } | undefined;

  constructor(
    readonly context: KubeContextInfo,
    /** Undefined when the context cannot be used; `problem` says why. */
    readonly api: KubeApi | undefined,
    readonly problem: unknown,
    private readonly config: Config,
  ) {
    this.nodes = this.track('nodes', new ResourceList<NodeJson>(this.watchStart((a, l, o) => a.watchNodes(l, o))));
    this.pods = this.track('pods', new ResourceList<PodJson>(this.watchStart((a, l, o) => a.watchPods(l, o))));
    this.runtimeClasses = this.track('runtimeClasses', new ResourceList<RuntimeClassJson>(this.watchStart((a, l, o) => a.watchRuntimeClasses(l, o))));
  }

  get name(): string {
    return this.context.name;
  }

  /** The deadline from the settings applies to each list page and each watch connection. */
  private watchStart<T>(start: (api: KubeApi, listener: Parameters<WatchStart<T>>[0], options: WatchOptions) => ReturnType<WatchStart<T>>): WatchStart<T> {
    return (listener) => start(this.requireApi(), listener, { timeoutMs: this.config.requestTimeoutMs() });
  }

  requireApi(): KubeApi {
    if (!this.api) throw this.problem instanceof Error ? this.problem : new Error(String(this.problem));
    return this.api;
  }

  list(name: ListName): ResourceList<NodeJson> | ResourceList<PodJson> | ResourceList<RuntimeClassJson> {
    return name === 'nodes' ? this.nodes : name === 'pods' ? this.pods : this.runtimeClasses;
  }

  /** Reloads every list that was asked for; lists nobody showed stay idle. Watches start over. */
  reloadLoaded(): void {
    for (const list of [this.nodes, this.pods, this.runtimeClasses]) {
      if (list.state.kind !== 'idle') list.reload();
    }
  }

  /** The pod index, or undefined while pods or classes are not loaded. */
  podIndex(): PodIndex | undefined {
    const pods = this.pods.state;
    const classes = this.runtimeClasses.state;
    if (pods.kind !== 'loaded' || classes.kind !== 'loaded') return undefined;
    if (this.index?.pods === pods && this.index.classes === classes) return this.index.value;
    const byNode = new Map<string, PodJson[]>();
    for (const pod of pods.items) {
      const node = pod.spec?.nodeName;
      const phase = pod.status?.phase;
      // The same pods podCountsByNode counts: scheduled and not finished.
      if (!node || phase === 'Succeeded' || phase === 'Failed') continue;
      const list = byNode.get(node);
      if (list) list.push(pod);
      else byNode.set(node, [pod]);
    }
    const handlers = new Map<string, string>();
    for (const rc of classes.items) if (rc.metadata?.name) handlers.set(rc.metadata.name, rc.handler ?? '');
    const value: PodIndex = {
      byNode,
      counts: podCountsByNode(pods.items, classes.items),
      sandboxedClasses: sandboxedClassNames(classes.items),
      handlers,
    };
    this.index = { pods, classes, value };
    return value;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.nodes.dispose();
    this.pods.dispose();
    this.runtimeClasses.dispose();
    this.changed.dispose();
  }

  private track<T extends { readonly onDidChange: vscode.Event<void> }>(name: ListName, list: T): T {
    this.subscriptions.push(list.onDidChange(() => this.changed.fire(name)));
    return list;
  }
}
