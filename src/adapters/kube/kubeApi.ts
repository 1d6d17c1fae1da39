// The seam between the extension and a cluster: core and vscode/ receive a KubeApi, and this is
// its one implementation, over @kubernetes/client-node. Objects come back in their plain JSON
// shape (core/cluster/kubeObjects). Exec and watches live in kubeExec.ts and kubeWatch.ts.
import type { CoreV1Api, KubeConfig, NodeV1Api, V1Pod, V1RuntimeClass } from '@kubernetes/client-node';
import { clientNode } from './clientNode';
import type { NodeJson, PodJson, RuntimeClassJson } from '../../core/cluster/kubeObjects';
import { runtimeClassChanges, runtimeClassForUpdate, type RuntimeClassChange } from '../../core/cluster/runtimeClassChanges';
import { requestOptions, runCall, type CallAuth, type CallOptions } from './kubeCall';
import { KubeError } from './kubeErrors';
import { routeExecCredentials } from './execCredential';
import { execInContainer, type ExecResult } from './kubeExec';
import { startWatch, type KubeWatch, type ListSnapshot, type WatchListener, type WatchOptions, type WatchTarget } from './kubeWatch';

export type { CallOptions } from './kubeCall';
export type { ExecResult } from './kubeExec';
export type { KubeWatch, WatchEvent, WatchEventType, WatchListener, WatchOptions } from './kubeWatch';

export interface ListOptions<T = unknown> extends CallOptions {
  /** Page size for `limit`/`continue` paging (default 500). The deadline applies per page. */
  readonly pageSize?: number;
  readonly labelSelector?: string;
  /** e.g. `spec.nodeName=node-1`. */
  readonly fieldSelector?: string;
  /** Called with each page as it arrives, for a tree that fills in while a long list loads. */
  readonly onPage?: (items: readonly T[]) => void;
}

export interface PodListOptions extends ListOptions<PodJson> {
  /** All namespaces when omitted. */
  readonly namespace?: string;
}

export type RuntimeClassResult =
  | { readonly outcome: 'created'; readonly runtimeClass: RuntimeClassJson }
  | { readonly outcome: 'unchanged'; readonly runtimeClass: RuntimeClassJson }
  | {
      readonly outcome: 'updated';
      readonly runtimeClass: RuntimeClassJson;
      readonly changes: readonly RuntimeClassChange[];
      /** The handler cannot change in place: the class was deleted and created again. */
      readonly recreated: boolean;
    };

export interface KubeApi {
  /** The server URL and kubeconfig user name, for messages. */
  readonly server: string;
  readonly user: string;
  listNodes(options?: ListOptions<NodeJson>): Promise<NodeJson[]>;
  listPods(options?: PodListOptions): Promise<PodJson[]>;
  listRuntimeClasses(options?: ListOptions<RuntimeClassJson>): Promise<RuntimeClassJson[]>;
  createOrUpdateRuntimeClass(desired: RuntimeClassJson, options?: CallOptions): Promise<RuntimeClassResult>;
  /** Sets a label (or removes it, with `value` null) by a merge patch. */
  labelNode(name: string, key: string, value: string | null, options?: CallOptions): Promise<NodeJson>;
  /** Creates a pod; with `dryRun` the server admits and validates it without storing it. */
  createPod(namespace: string, pod: PodJson, options?: CallOptions & { readonly dryRun?: boolean }): Promise<PodJson>;
  readPod(namespace: string, name: string, options?: CallOptions): Promise<PodJson>;
  readNode(name: string, options?: CallOptions): Promise<NodeJson>;
  /** Runs `command` (no shell) in a container and collects its output and exit code. */
  exec(namespace: string, pod: string, container: string, command: readonly string[], options?: CallOptions): Promise<ExecResult>;
  /** Lists, then keeps the nodes current until the returned watch is disposed. */
  watchNodes(listener: WatchListener<NodeJson>, options?: WatchOptions): KubeWatch<NodeJson>;
  /** As watchNodes; all namespaces unless `namespace` is given. */
  watchPods(listener: WatchListener<PodJson>, options?: WatchOptions & { readonly namespace?: string }): KubeWatch<PodJson>;
  watchRuntimeClasses(listener: WatchListener<RuntimeClassJson>, options?: WatchOptions): KubeWatch<RuntimeClassJson>;
}

interface ListPage<T> {
  readonly items: T[];
  readonly metadata?: { readonly _continue?: string; readonly resourceVersion?: string };
}

type PageRequest<T> = (args: { limit: number; _continue?: string }, signal: AbortSignal) => Promise<ListPage<T>>;

class ClientNodeKubeApi implements KubeApi {
  readonly server: string;
  readonly user: string;
  private readonly core: CoreV1Api;
  private readonly node: NodeV1Api;

  constructor(
    private readonly kc: KubeConfig,
    private readonly auth: CallAuth | undefined,
  ) {
    this.server = kc.getCurrentCluster()?.server ?? '';
    this.user = kc.getCurrentUser()?.name ?? '';
    const { CoreV1Api, NodeV1Api } = clientNode();
    this.core = kc.makeApiClient(CoreV1Api);
    this.node = kc.makeApiClient(NodeV1Api);
  }

  private ctx(verb: string, resource: string, name?: string) {
    return { server: this.server, user: this.user, auth: this.auth, verb, resource, ...(name === undefined ? {} : { name }) };
  }

  /**
   * Every page of a list. A continue token the server has already forgotten (410 Gone, after
   * about five minutes) restarts the list once from the beginning, as client-go's pager does.
   */
  private async listAll<T>(resource: string, options: ListOptions<T> | undefined, page: PageRequest<T>): Promise<T[]> {
    return (await this.listSnapshot(resource, options, page)).items;
  }

  /** All pages, with the resourceVersion of the snapshot they form (a watch starts from it). */
  private async listSnapshot<T>(resource: string, options: ListOptions<T> | undefined, page: PageRequest<T>): Promise<ListSnapshot<T>> {
    const limit = options?.pageSize ?? 500;
    for (let attempt = 0; ; attempt++) {
      const items: T[] = [];
      let token: string | undefined;
      let resourceVersion = '';
      try {
        do {
          const args = token === undefined ? { limit } : { limit, _continue: token };
          const result = await runCall(this.ctx('list', resource), options, (signal) => page(args, signal));
          for (const item of result.items) items.push(item);
          options?.onPage?.(result.items);
          resourceVersion ||= result.metadata?.resourceVersion ?? '';
          token = result.metadata?._continue || undefined;
        } while (token !== undefined);
        return { items, resourceVersion };
      } catch (err) {
        if (!(err instanceof KubeError && err.status === 410 && attempt === 0)) throw err;
      }
    }
  }

  private nodePages(options?: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): PageRequest<NodeJson> {
    return (args, signal) => this.core.listNode({ ...args, ...selectors(options) }, requestOptions(signal));
  }

  private podPages(options?: Pick<PodListOptions, 'labelSelector' | 'fieldSelector' | 'namespace'>): PageRequest<PodJson> {
    const namespace = options?.namespace;
    return (args, signal) =>
      namespace === undefined
        ? this.core.listPodForAllNamespaces({ ...args, ...selectors(options) }, requestOptions(signal))
        : this.core.listNamespacedPod({ namespace, ...args, ...selectors(options) }, requestOptions(signal));
  }

  private runtimeClassPages(options?: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): PageRequest<RuntimeClassJson> {
    return (args, signal) => this.node.listRuntimeClass({ ...args, ...selectors(options) }, requestOptions(signal));
  }

  listNodes(options?: ListOptions<NodeJson>): Promise<NodeJson[]> {
    return this.listAll('nodes', options, this.nodePages(options));
  }

  listPods(options?: PodListOptions): Promise<PodJson[]> {
    return this.listAll('pods', options, this.podPages(options));
  }

  listRuntimeClasses(options?: ListOptions<RuntimeClassJson>): Promise<RuntimeClassJson[]> {
    return this.listAll('runtimeclasses.node.k8s.io', options, this.runtimeClassPages(options));
  }

  readPod(namespace: string, name: string, options?: CallOptions): Promise<PodJson> {
    return runCall(this.ctx('get', 'pods', name), options, (signal) => this.core.readNamespacedPod({ namespace, name }, requestOptions(signal)));
  }

  readNode(name: string, options?: CallOptions): Promise<NodeJson> {
    return runCall(this.ctx('get', 'nodes', name), options, (signal) => this.core.readNode({ name }, requestOptions(signal)));
  }

  exec(namespace: string, pod: string, container: string, command: readonly string[], options?: CallOptions): Promise<ExecResult> {
    return execInContainer(this.kc, { server: this.server, user: this.user, auth: this.auth, namespace, pod, container }, command, options);
  }

  private watch<T extends NodeJson | PodJson | RuntimeClassJson>(
    resource: string,
    path: string,
    pages: PageRequest<T>,
    listener: WatchListener<T>,
    options: WatchOptions | undefined,
  ): KubeWatch<T> {
    const target: WatchTarget<T> = { resource, path, list: (o) => this.listSnapshot(resource, o, pages) };
    return startWatch(this.kc, { server: this.server, user: this.user, auth: this.auth }, target, listener, options);
  }

  watchNodes(listener: WatchListener<NodeJson>, options?: WatchOptions): KubeWatch<NodeJson> {
    return this.watch('nodes', '/api/v1/nodes', this.nodePages(options), listener, options);
  }

  watchPods(listener: WatchListener<PodJson>, options?: WatchOptions & { readonly namespace?: string }): KubeWatch<PodJson> {
    const ns = options?.namespace;
    const path = ns === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
    return this.watch('pods', path, this.podPages(options), listener, options);
  }

  watchRuntimeClasses(listener: WatchListener<RuntimeClassJson>, options?: WatchOptions): KubeWatch<RuntimeClassJson> {
    return this.watch('runtimeclasses.node.k8s.io', '/apis/node.k8s.io/v1/runtimeclasses', this.runtimeClassPages(options), listener, options);
  }

  async createOrUpdateRuntimeClass(desired: RuntimeClassJson, options?: CallOptions): Promise<RuntimeClassResult> {
    const name = desired.metadata?.name;
    if (!name) throw new KubeError('invalid', 'A RuntimeClass needs a name.');
    const resource = 'runtimeclasses.node.k8s.io';
    const body = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', ...desired } as V1RuntimeClass;
    const existing = await this.readRuntimeClass(name, options);
    if (!existing) {
      const created = await runCall(this.ctx('create', resource, name), options, (signal) =>
        this.node.createRuntimeClass({ body }, requestOptions(signal)),
      );
      return { outcome: 'created', runtimeClass: created };
    }
    const changes = runtimeClassChanges(existing, desired);
    if (changes.length === 0) return { outcome: 'unchanged', runtimeClass: existing };
    if (changes.some((c) => c.field === 'handler')) {
      // The API server refuses to change `handler` in place (immutable field). Pods already
      // running keep their sandbox; only new pods read the class.
      await runCall(this.ctx('delete', resource, name), options, (signal) =>
        this.node.deleteRuntimeClass({ name, body: { preconditions: { resourceVersion: existing.metadata?.resourceVersion } } }, requestOptions(signal)),
      );
      const recreated = await runCall(this.ctx('create', resource, name), options, (signal) =>
        this.node.createRuntimeClass({ body: runtimeClassForUpdate({ metadata: { name, labels: existing.metadata?.labels } }, desired) as V1RuntimeClass }, requestOptions(signal)),
      );
      return { outcome: 'updated', runtimeClass: recreated, changes, recreated: true };
    }
    const replaced = await runCall(this.ctx('update', resource, name), options, (signal) =>
      this.node.replaceRuntimeClass({ name, body: runtimeClassForUpdate(existing, desired) as V1RuntimeClass }, requestOptions(signal)),
    );
    // The server normalises quantities ("1024Mi" is "1Gi"): a write that changed nothing keeps
    // the resourceVersion, and is reported as unchanged.
    if (replaced.metadata?.resourceVersion === existing.metadata?.resourceVersion) {
      return { outcome: 'unchanged', runtimeClass: replaced };
    }
    return { outcome: 'updated', runtimeClass: replaced, changes: runtimeClassChanges(existing, replaced), recreated: false };
  }

  private async readRuntimeClass(name: string, options?: CallOptions): Promise<RuntimeClassJson | undefined> {
    try {
      return await runCall(this.ctx('get', 'runtimeclasses.node.k8s.io', name), options, (signal) =>
        this.node.readRuntimeClass({ name }, requestOptions(signal)),
      );
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'notFound') return undefined;
      throw err;
    }
  }

  labelNode(name: string, key: string, value: string | null, options?: CallOptions): Promise<NodeJson> {
    const patch = { metadata: { labels: { [key]: value } } };
    return runCall(this.ctx('patch', 'nodes', name), options, (signal) =>
      this.core.patchNode({ name, body: patch }, requestOptions(signal, { 'Content-Type': 'application/merge-patch+json' })),
    );
  }

  createPod(namespace: string, pod: PodJson, options?: CallOptions & { readonly dryRun?: boolean }): Promise<PodJson> {
    const body = { apiVersion: 'v1', kind: 'Pod', ...pod } as V1Pod;
    return runCall(this.ctx('create', 'pods', pod.metadata?.name), options, (signal) =>
      this.core.createNamespacedPod({ namespace, body, ...(options?.dryRun ? { dryRun: 'All' } : {}) }, requestOptions(signal)),
    );
  }
}

function selectors(options: Pick<ListOptions, 'labelSelector' | 'fieldSelector'> | undefined): { labelSelector?: string; fieldSelector?: string } {
  return {
    ...(options?.labelSelector ? { labelSelector: options.labelSelector } : {}),
    ...(options?.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
  };
}

/**
 * A KubeApi for the current context of `kc` (see kubeconfig.ts: kubeConfigFor). An exec
 * credential plugin is run by execCredential.ts, under each call's deadline, never by client-node.
 */
export function createKubeApi(kc: KubeConfig): KubeApi {
  const routed = routeExecCredentials(kc);
  return new ClientNodeKubeApi(routed.kc, routed.auth);
}
