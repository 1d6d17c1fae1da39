// Runs kubeconfig exec credential plugins ourselves, as kubectl does, instead of letting
// client-node do it: client-node spawns the plugin with no deadline and never kills it, so a
// plugin that waits for a browser login would outlive every call that gave up on it. Here each
// run obeys the call's deadline and cancel signal, and is killed (with its process group: many
// plugins are shell wrappers around another tool) when the last call waiting for it gives up.
//
// client-node only ever sees the result: the KubeConfig used for requests holds a copy of the
// user with the plugin's token (or client certificate) in place of `exec`, refreshed when the
// cached credential expires, so client-node's own ExecAuth never runs.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { KubeConfig, User } from '@kubernetes/client-node';
import { clientNode } from './clientNode';
import {
  cannotRunMessage,
  credentialIsFresh,
  execInfo,
  parseExecCredential,
  pluginCancelledMessage,
  pluginFailedMessage,
  pluginNotStartedMessage,
  pluginTimedOutMessage,
  readExecConfig,
  type ExecClusterInfo,
  type ExecConfig,
  type ExecCredential,
} from '../../core/cluster/execCredential';
import type { CallAuth } from './kubeCall';
import { KubeError } from './kubeErrors';

/** Enough for any credential; a plugin printing more is broken. */
const MAX_OUTPUT_CHARS = 1024 * 1024;

interface Limits {
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
}

// Plugins still running when the editor or CLI exits are killed with it (they run in their own
// process group, so they would not get the terminal's signal).
const livePlugins = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function trackLive(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => livePlugins.forEach(killGroup));
  }
  livePlugins.add(child);
  child.once('close', () => livePlugins.delete(child));
}

/** One run of a plugin, shared by every call that needs its answer while it runs. */
class PluginRun {
  readonly result: Promise<ExecCredential>;
  private child: ChildProcess | undefined;
  private closed = false;
  private stopped = false;
  private waiters = 0;

  constructor(
    private readonly exec: ExecConfig,
    cluster: ExecClusterInfo | undefined,
    private readonly onStopped: () => void,
  ) {
    this.result = new Promise<ExecCredential>((resolve, reject) => this.start(cluster, resolve, reject));
    // Waiters that gave up do not read the result; a failure must not surface as unhandled.
    void this.result.catch(() => undefined);
  }

  private start(cluster: ExecClusterInfo | undefined, resolve: (c: ExecCredential) => void, reject: (e: KubeError) => void): void {
    const exec = this.exec;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const { name, value } of exec.env) env[name] = value;
    env.KUBERNETES_EXEC_INFO = execInfo(exec, cluster);
    let child: ChildProcess;
    try {
      // stdin is never attached: the editor has no terminal to lend (interactive is false).
      child = spawn(exec.command, [...exec.args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32', windowsHide: true });
    } catch (err) {
      reject(new KubeError('config', pluginNotStartedMessage(exec, (err as NodeJS.ErrnoException).code), undefined, err));
      return;
    }
    this.child = child;
    trackLive(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT_CHARS) stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT_CHARS) stderr += chunk;
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      // The command could not be started (a failed kill also lands here, after stop()).
      if (this.stopped) return;
      this.closed = true;
      reject(new KubeError('config', pluginNotStartedMessage(exec, err.code), undefined, err));
    });
    child.once('close', (code, signal) => {
      this.closed = true;
      if (this.stopped) {
        reject(new KubeError('cancelled', pluginCancelledMessage(exec)));
        return;
      }
      if (code !== 0) {
        reject(new KubeError('unauthorized', pluginFailedMessage(exec, { code, signal }, stderr)));
        return;
      }
      const parsed = parseExecCredential(stdout, exec);
      if (parsed.ok) resolve(parsed.value);
      else reject(new KubeError('unauthorized', parsed.message));
    });
  }

  /** Waits for the answer within `limits`; the last waiter to give up stops the plugin. */
  wait(limits: Limits): Promise<ExecCredential> {
    this.waiters++;
    return new Promise<ExecCredential>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        limits.signal?.removeEventListener('abort', onAbort);
        this.waiters--;
        return true;
      };
      const giveUp = (error: KubeError): void => {
        if (!settle()) return;
        if (this.waiters === 0) this.stop();
        reject(error);
      };
      const timer = setTimeout(() => giveUp(new KubeError('timeout', pluginTimedOutMessage(this.exec, limits.timeoutMs))), limits.timeoutMs);
      const onAbort = (): void => giveUp(new KubeError('cancelled', pluginCancelledMessage(this.exec)));
      limits.signal?.addEventListener('abort', onAbort, { once: true });
      if (limits.signal?.aborted) onAbort();
      this.result.then(
        (credential) => {
          if (settle()) resolve(credential);
        },
        (err: KubeError) => {
          if (settle()) reject(err);
        },
      );
    });
  }

  /** Kills the plugin and everything it started; later calls start a new run. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStopped();
    const child = this.child;
    if (!child || this.closed) return;
    killGroup(child);
    // A grandchild that left the group may still hold the pipes; do not wait for it.
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}

/** Credentials per kubeconfig user (and exec entry and server), for the life of the process. */
export class ExecCredentialCache {
  private readonly credentials = new Map<string, ExecCredential>();
  private readonly running = new Map<string, PluginRun>();

  async get(key: string, exec: ExecConfig, cluster: () => ExecClusterInfo | undefined, limits: Limits): Promise<ExecCredential> {
    const cached = this.credentials.get(key);
    if (cached && credentialIsFresh(cached, Date.now())) return cached;
    if (limits.signal?.aborted) throw new KubeError('cancelled', pluginCancelledMessage(exec));
    let run = this.running.get(key);
    if (!run) {
      const started: PluginRun = new PluginRun(exec, cluster(), () => {
        if (this.running.get(key) === started) this.running.delete(key);
      });
      run = started;
      this.running.set(key, started);
      started.result.then(
        (credential) => {
          if (this.running.get(key) !== started) return;
          this.running.delete(key);
          this.credentials.set(key, credential);
        },
        () => {
          if (this.running.get(key) === started) this.running.delete(key);
        },
      );
    }
    return run.wait(limits);
  }

  /** Drops `credential` if it is still the cached one (the server refused it). */
  forget(key: string, credential: ExecCredential | undefined): void {
    if (credential !== undefined && this.credentials.get(key) === credential) this.credentials.delete(key);
  }
}

let sharedCache: ExecCredentialCache | undefined;

function clusterInfoOf(kc: KubeConfig): ExecClusterInfo | undefined {
  const cluster = kc.getCurrentCluster();
  if (!cluster) return undefined;
  let ca = cluster.caData;
  if (!ca && cluster.caFile) {
    try {
      ca = fs.readFileSync(cluster.caFile).toString('base64');
    } catch {
      // The request itself will say the file is missing.
    }
  }
  return {
    server: cluster.server,
    ...(ca ? { certificateAuthorityData: ca } : {}),
    ...(cluster.skipTLSVerify ? { insecureSkipTlsVerify: true } : {}),
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    ...(cluster.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
  };
}

class ExecCredentialAuth implements CallAuth {
  private applied: ExecCredential | undefined;

  constructor(
    private readonly requestKc: KubeConfig,
    private readonly base: User,
    private readonly rawExec: unknown,
    private readonly clusterInfo: () => ExecClusterInfo | undefined,
    private readonly key: string,
    private readonly cache: ExecCredentialCache,
  ) {}

  async prepare(limits: Limits): Promise<void> {
    const checked = readExecConfig(this.rawExec, this.base.name);
    if (!checked.ok) throw new KubeError('config', checked.message);
    const blocked = cannotRunMessage(checked.value);
    if (blocked) throw new KubeError('config', blocked);
    const credential = await this.cache.get(this.key, checked.value, this.clusterInfo, limits);
    if (credential !== this.applied) this.apply(credential);
  }

  rejected(): void {
    this.cache.forget(this.key, this.applied);
  }

  /** Puts the credential where client-node reads it on every request: the current user. */
  private apply(credential: ExecCredential): void {
    const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');
    const cert = credential.clientCertificateData;
    const key = credential.clientKeyData;
    const user: User = {
      ...this.base,
      ...(credential.token ? { token: credential.token } : {}),
      // Data wins only when no file is named, so the files go.
      ...(cert && key ? { certData: b64(cert), certFile: undefined, keyData: b64(key), keyFile: undefined } : {}),
    };
    const kc = this.requestKc;
    kc.loadFromOptions({
      clusters: kc.getClusters(),
      contexts: kc.getContexts(),
      users: kc.getUsers().map((u) => (u.name === user.name ? user : u)),
      currentContext: kc.getCurrentContext(),
    });
    this.applied = credential;
  }
}

export interface RoutedKubeConfig {
  /** The KubeConfig to build clients from: its current user never has `exec`. */
  readonly kc: KubeConfig;
  /** Obtains the credential before each call; absent when the user has no exec plugin. */
  readonly auth?: CallAuth;
}

/**
 * When the current user of `kc` authenticates with an exec plugin, a copy of `kc` for requests
 * plus the CallAuth that runs the plugin and fills in its answer; otherwise `kc` as it is.
 */
export function routeExecCredentials(kc: KubeConfig, cache?: ExecCredentialCache): RoutedKubeConfig {
  const user = kc.getCurrentUser();
  if (!user?.exec) return { kc };
  const base: User = { ...user, exec: undefined };
  const requestKc = new (clientNode().KubeConfig)();
  requestKc.loadFromOptions({
    clusters: kc.getClusters(),
    contexts: kc.getContexts(),
    users: kc.getUsers().map((u) => (u === user ? base : u)),
    currentContext: kc.getCurrentContext(),
  });
  const server = kc.getCurrentCluster()?.server ?? '';
  const key = JSON.stringify([user.name, server, user.exec]);
  const auth = new ExecCredentialAuth(requestKc, base, user.exec, () => clusterInfoOf(kc), key, cache ?? (sharedCache ??= new ExecCredentialCache()));
  return { kc: requestKc, auth };
}
