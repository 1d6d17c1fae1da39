import * as path from 'node:path';
import * as vscode from 'vscode';
import { createKubeApi, type KubeApi } from '../../adapters/kube/kubeApi';
import { kubeConfigFor, loadKubeconfig, type LoadedKubeconfig } from '../../adapters/kube/kubeconfig';
import { KubeError } from '../../adapters/kube/kubeErrors';
import type { KubeContextInfo } from '../../core/cluster/kubeconfigMerge';
import type { Config } from '../config';
import type { Output } from '../output';
import { ClusterSession, type SessionHolder } from './clusterSession';

/**
 * The kubeconfig as kubectl reads it, and one session per cluster that something holds open.
 * A session lives while it has a holder (the tree while the cluster is expanded, manifest checks
 * while the cluster is chosen for them); the last release disposes it, which cancels its calls
 * and watches. A reload of the kubeconfig ends every session.
 */
export class ClusterSessions implements vscode.Disposable {
  private loaded: Promise<LoadedKubeconfig> | undefined;
  private readonly sessions = new Map<string, ClusterSession>();
  private readonly reset = new vscode.EventEmitter<void>();
  /** Fires after the kubeconfig was forgotten (setting changed, refresh): sessions are gone. */
  readonly onDidReset = this.reset.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Watches the kubeconfig files, so `kubectl config use-context` shows without a Refresh. */
  private fileWatchers: vscode.Disposable[] = [];
  private watchedFiles = '';
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: Config,
    private readonly output: Output,
  ) {
    config.onDidChange((change) => {
      if (change.affects('kubeconfig')) this.reload();
    }, null, this.subscriptions);
  }

  /** The merged kubeconfig; read once and kept until `reload`. Throws a KubeError when it cannot be read. */
  kubeconfig(): Promise<LoadedKubeconfig> {
    if (!this.loaded) {
      const explicitPath = this.config.kubeconfig();
      const loading = loadKubeconfig(explicitPath === undefined ? {} : { explicitPath });
      this.loaded = loading;
      loading.then(
        (loaded) => {
          for (const problem of loaded.problems) this.output.warn(`kubeconfig: ${problem}`);
          if (this.loaded === loading) this.watchFiles([...loaded.files, ...loaded.missingFiles]);
        },
        (error: unknown) => this.output.error('The kubeconfig could not be loaded.', error),
      );
    }
    return this.loaded;
  }

  async contexts(): Promise<readonly KubeContextInfo[]> {
    return (await this.kubeconfig()).contexts;
  }

  /** Forgets the kubeconfig and ends every session; the next request reads the files again. */
  reload(): void {
    clearTimeout(this.reloadTimer);
    this.loaded = undefined;
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.reset.fire();
  }

  /** The open session of `context`, if any. */
  existing(context: string): ClusterSession | undefined {
    return this.sessions.get(context);
  }

  /** Opens (or joins) the session of `context` for `holder`. Contacts nothing by itself. */
  async hold(context: string, holder: SessionHolder): Promise<ClusterSession> {
    let session = this.sessions.get(context);
    if (!session) {
      const created = await this.create(context);
      // Another caller may have opened it while the kubeconfig loaded.
      session = this.sessions.get(context) ?? created;
      if (session === created) this.sessions.set(context, created);
      else created.dispose();
    }
    session.holders.add(holder);
    return session;
  }

  /** Drops `holder`'s claim; the session ends when nobody holds it any more. */
  release(context: string, holder: SessionHolder): void {
    const session = this.sessions.get(context);
    if (!session) return;
    session.holders.delete(holder);
    if (holder === 'tree') {
      // Collapsed in the tree: stop contacting the cluster for what only the tree shows.
      session.nodes.reset();
      session.pods.reset();
    }
    if (session.holders.size === 0) {
      session.dispose();
      this.sessions.delete(context);
    }
  }

  /** A KubeApi for a one-off command (Create RuntimeClass, Verify Sandbox), without a session. */
  async apiFor(context: string): Promise<KubeApi> {
    const session = this.sessions.get(context);
    if (session?.api) return session.api;
    const loaded = await this.kubeconfig();
    return createKubeApi(kubeConfigFor(loaded, context));
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    this.disposeFileWatchers();
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
    this.reset.dispose();
  }

  /**
   * A file that appears, changes or goes triggers one reload (editors and kubectl write in
   * bursts). The watchers outlive reloads while the files stay the same, so no change is missed
   * between a reload and the next read.
   */
  private watchFiles(files: readonly string[]): void {
    const key = JSON.stringify(files);
    if (key === this.watchedFiles) return;
    this.disposeFileWatchers();
    this.watchedFiles = key;
    const schedule = (): void => {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => {
        this.output.info('A kubeconfig file changed; reading the kubeconfig again.');
        this.reload();
      }, 500);
    };
    for (const file of files) {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
      watcher.onDidChange(schedule);
      watcher.onDidCreate(schedule);
      watcher.onDidDelete(schedule);
      this.fileWatchers.push(watcher);
    }
  }

  private disposeFileWatchers(): void {
    for (const watcher of this.fileWatchers) watcher.dispose();
    this.fileWatchers = [];
    this.watchedFiles = '';
  }

  private async create(context: string): Promise<ClusterSession> {
    const loaded = await this.kubeconfig();
    const info = loaded.contexts.find((candidate) => candidate.name === context);
    if (!info) {
      const problem = new KubeError('config', `The kubeconfig has no context "${context}" any more. Refresh the Clusters view or pick another context.`);
      return new ClusterSession(missingContext(context), undefined, problem, this.config);
    }
    try {
      return new ClusterSession(info, createKubeApi(kubeConfigFor(loaded, context)), undefined, this.config);
    } catch (error) {
      this.output.error(`Cluster ${context}: the context cannot be used.`, error);
      return new ClusterSession(info, undefined, error, this.config);
    }
  }
}

function missingContext(name: string): KubeContextInfo {
  return { name, cluster: '', user: '', namespace: 'default', server: '', current: false };
}
