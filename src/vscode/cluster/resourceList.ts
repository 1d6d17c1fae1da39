import * as vscode from 'vscode';
import type { KubeWatch, WatchListener } from '../../adapters/kube/kubeApi';
import { KubeError } from '../../adapters/kube/kubeErrors';
import type { ObjectMeta } from '../../core/cluster/kubeObjects';

/** What the tree shows for one kind of object in one cluster. */
export type ListState<T> =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  /** `stale`: the watch lost the server; the items are as last seen, and it keeps trying. */
  | { readonly kind: 'loaded'; readonly items: readonly T[]; readonly stale?: unknown }
  | { readonly kind: 'failed'; readonly error: unknown };

/** Starts the list-then-watch of one collection (KubeApi.watchNodes and friends). */
export type WatchStart<T> = (listener: WatchListener<T>) => KubeWatch<T>;

// A busy cluster sends bursts (a rollout, a node pool scaling): one tree update per burst.
const BATCH_MS = 100;

/**
 * Failures that another attempt will not fix (RBAC, credentials, a resource the server does not
 * serve): the watch stops and waits for Retry instead of knocking every 30 s.
 */
function isFinal(error: unknown): boolean {
  return error instanceof KubeError && ['forbidden', 'unauthorized', 'config', 'tls', 'notFound', 'invalid'].includes(error.kind);
}

/**
 * One collection of cluster objects (nodes, pods or RuntimeClasses) with its loading state,
 * kept current by a watch while anyone looks. A failed first list is an error; a watch that
 * loses the server later keeps the last items, marked stale, and recovers by itself when the
 * server is back (the watch retries with backoff). `reload` starts over at once.
 */
export class ResourceList<T extends { readonly metadata?: ObjectMeta }> implements vscode.Disposable {
  private current: ListState<T> = { kind: 'idle' };
  private watch: KubeWatch<T> | undefined;
  private settled: Promise<void> = Promise.resolve();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires whenever `state` changes. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly start: WatchStart<T>) {}

  get state(): ListState<T> {
    return this.current;
  }

  /**
   * Starts loading unless the list is loading, loaded, or failed (a failure waits for a retry).
   * Quietly: the caller is about to show "loading" itself, and a change event now would only
   * make the view ask again while it is still asking.
   */
  ensure(): void {
    if (this.current.kind === 'idle') this.reload(false);
  }

  /** Drops the watch and lists again from scratch. */
  reload(announce = true): void {
    this.watch?.dispose();
    this.watch = undefined;
    let settle: () => void = () => undefined;
    this.settled = new Promise((resolve) => (settle = resolve));
    if (announce) this.set({ kind: 'loading' });
    else this.current = { kind: 'loading' };
    try {
      this.watch = this.startWatch(settle);
    } catch (error) {
      // No API for this context (its kubeconfig entry is broken): nothing to watch.
      this.set({ kind: 'failed', error });
      settle();
    }
  }

  private startWatch(settle: () => void): KubeWatch<T> {
    let flush: NodeJS.Timeout | undefined;
    const publish = (): void => {
      clearTimeout(flush);
      flush = undefined;
      if (this.watch === watch) this.set({ kind: 'loaded', items: watch.items() });
    };
    const watch: KubeWatch<T> = this.start({
      onEvents: () => {
        // The first list arrives as one batch before onSynced; later changes are batched.
        if (watch.synced && flush === undefined) flush = setTimeout(publish, BATCH_MS);
      },
      onSynced: () => {
        publish();
        settle();
      },
      onRecovered: publish,
      onError: (error) => {
        if (this.watch !== watch) return;
        const final = isFinal(error);
        if (final) {
          watch.dispose();
          this.watch = undefined;
        }
        const state = this.current;
        this.set(state.kind === 'loaded' && !final ? { kind: 'loaded', items: state.items, stale: error } : { kind: 'failed', error });
        settle();
      },
    });
    return watch;
  }

  /** Resolves once the load in flight has an outcome (loaded or failed). */
  whenSettled(): Promise<void> {
    return this.settled;
  }

  /** Back to idle: the watch ends, the objects are dropped. Nothing is contacted until `ensure`. */
  reset(): void {
    this.watch?.dispose();
    this.watch = undefined;
    this.set({ kind: 'idle' });
  }

  dispose(): void {
    this.watch?.dispose();
    this.watch = undefined;
    this.changed.dispose();
  }

  private set(state: ListState<T>): void {
    this.current = state;
    this.changed.fire();
  }
}
