import * as vscode from 'vscode';
import type { RuntimeClassJson } from '../../core/cluster/kubeObjects';
import type { Config } from '../config';
import { errorMessage, type Output } from '../output';
import type { ClusterSession } from './clusterSession';
import type { ClusterSessions } from './clusterSessions';
import type { ListState } from './resourceList';

const STATE_KEY = 'kubeSandbox.manifestChecksCluster';

/**
 * The cluster chosen for live manifest checks ("Use for Manifest Checks"), remembered per
 * workspace. Holds that cluster's session open and hands its RuntimeClasses to the manifest
 * analysis through `Config.setManifestCluster`, so `unknown-runtime-class` runs and classes
 * count as sandboxed by their handler. While the classes cannot be read, the check is off
 * (one warning says so): a cluster that does not answer must not make every class "unknown".
 */
export class ManifestClusterSource implements vscode.Disposable {
  private chosen: string | undefined;
  private session: ClusterSession | undefined;
  private sessionSubscription: vscode.Disposable | undefined;
  private classesKey: string | undefined;
  private warned: string | undefined;
  private readonly changed = new vscode.EventEmitter<{ readonly previous: string | undefined; readonly current: string | undefined }>();
  /** Fires when another cluster (or none) is chosen. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly memento: vscode.Memento,
    private readonly sessions: ClusterSessions,
    private readonly config: Config,
    private readonly output: Output,
  ) {
    this.chosen = memento.get<string>(STATE_KEY) || undefined;
    sessions.onDidReset(() => {
      this.detach();
      if (this.chosen && vscode.workspace.isTrusted) void this.attach();
    }, null, this.subscriptions);
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (this.chosen && !this.session) void this.attach();
    }, null, this.subscriptions);
    if (this.chosen && vscode.workspace.isTrusted) void this.attach();
  }

  get contextName(): string | undefined {
    return this.chosen;
  }

  /** The chosen cluster's classes (name → handler) as last read; undefined when not known. */
  get classes(): ReadonlyMap<string, string> | undefined {
    const state = this.session?.runtimeClasses.state;
    return state?.kind === 'loaded' ? classMap(state.items) : undefined;
  }

  /**
   * Chooses `context` (undefined: none) and waits until its classes are read or failed; returns
   * that outcome. Choosing the chosen cluster again reads its classes again.
   */
  async choose(context: string | undefined): Promise<ListState<RuntimeClassJson> | undefined> {
    if (context !== undefined && context === this.chosen && this.session) {
      this.session.runtimeClasses.reload();
      await this.session.runtimeClasses.whenSettled();
      return this.session.runtimeClasses.state;
    }
    const previous = this.chosen;
    this.detach();
    this.chosen = context;
    this.warned = undefined;
    await this.memento.update(STATE_KEY, context);
    this.changed.fire({ previous, current: context });
    if (context === undefined) {
      this.publish(undefined);
      return undefined;
    }
    const session = await this.attach();
    await session?.runtimeClasses.whenSettled();
    return session?.runtimeClasses.state;
  }

  dispose(): void {
    this.detach();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }

  private async attach(): Promise<ClusterSession | undefined> {
    const context = this.chosen;
    if (context === undefined) return undefined;
    let session: ClusterSession;
    try {
      session = await this.sessions.hold(context, 'manifestChecks');
    } catch (error) {
      this.failed(context, error);
      return undefined;
    }
    if (this.chosen !== context) {
      // Another cluster was chosen while this one's kubeconfig loaded.
      this.sessions.release(context, 'manifestChecks');
      return undefined;
    }
    this.session = session;
    this.sessionSubscription = session.onDidChange((list) => {
      if (list === 'runtimeClasses') this.update();
    });
    if (!session.api) {
      this.failed(context, session.problem);
      return session;
    }
    session.runtimeClasses.ensure();
    this.update();
    return session;
  }

  private detach(): void {
    this.sessionSubscription?.dispose();
    this.sessionSubscription = undefined;
    if (this.session && this.chosen !== undefined) this.sessions.release(this.chosen, 'manifestChecks');
    this.session = undefined;
  }

  private update(): void {
    const context = this.chosen;
    const state = this.session?.runtimeClasses.state;
    if (context === undefined || !state) return;
    if (state.kind === 'loaded') {
      this.warned = undefined;
      this.publish({ name: context, classes: classMap(state.items) });
    } else if (state.kind === 'failed') {
      this.failed(context, state.error);
    }
  }

  /** Hands the classes to the analysis, unless they are the ones it already has. */
  private publish(cluster: { name: string; classes: ReadonlyMap<string, string> } | undefined): void {
    const key = cluster ? JSON.stringify([cluster.name, [...cluster.classes].sort()]) : undefined;
    if (key === this.classesKey) return;
    this.classesKey = key;
    this.config.setManifestCluster(cluster);
    if (cluster) this.output.info(`Manifest checks use the ${cluster.classes.size} RuntimeClasses of cluster ${cluster.name}.`);
  }

  private failed(context: string, error: unknown): void {
    this.publish(undefined);
    const message = errorMessage(error);
    this.output.warn(`Manifest checks: the RuntimeClasses of cluster ${context} could not be read: ${message}`);
    if (this.warned === message) return;
    this.warned = message;
    void vscode.window.showWarningMessage(
      `Kube Sandbox could not read the RuntimeClasses of cluster "${context}", so manifests are checked without it ` +
        `(a class the cluster lacks is not reported) until it can. ${message}`,
      'Retry',
    ).then((choice) => {
      if (choice === 'Retry' && this.chosen === context) this.session?.runtimeClasses.reload();
    });
  }
}

export function classMap(items: readonly RuntimeClassJson[]): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  for (const rc of items) if (rc.metadata?.name) map.set(rc.metadata.name, rc.handler ?? '');
  return map;
}
