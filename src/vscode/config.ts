import * as vscode from 'vscode';
import type { AnalysisOptions } from '../core/manifest';

// The one typed view of the `kubeSandbox.*` settings. Every read goes through `read()` and a
// pure normaliser, so a hand-edited settings.json with a wrong type degrades to the default
// instead of reaching the core as `undefined` or a number where a list belongs.

const SECTION = 'kubeSandbox';

/** The keys under `kubeSandbox.`, exactly as package.json declares them. */
export type SettingKey =
  | 'sandboxRuntimeClasses'
  | 'defaultRuntimeClass'
  | 'exemptNamespaces'
  | 'manifestChecks.enabled'
  | 'manifestChecks.debounceMs'
  | 'codeLens.enabled'
  | 'kubeconfig'
  | 'sshConfigFile'
  | 'nodes'
  | 'knownHostsFile'
  | 'install.method'
  | 'install.version'
  | 'install.platform'
  | 'install.concurrency'
  | 'install.containerdConfig'
  | 'install.containerdDropIn'
  | 'install.restartCommand'
  | 'install.runscBinary'
  | 'install.shimBinary'
  | 'requestTimeoutSeconds';

export interface ConfigChange {
  /** Whether the change touches `kubeSandbox.<key>` (for `scope`, when given). */
  affects(key: SettingKey, scope?: vscode.ConfigurationScope): boolean;
}

/** How to reach one node over SSH; every field optional, the SSH config fills the rest. */
export interface NodeSshSettings {
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  readonly jumpHost?: string;
  /** Node-specific install paths and restart command (override `kubeSandbox.install.*`). */
  readonly containerdConfig?: string;
  readonly containerdDropIn?: string;
  readonly restartCommand?: string;
  readonly binDir?: string;
  readonly stateDir?: string;
}

/** `kubeSandbox.install.*`: how Install gVisor on Node… installs. */
export interface InstallSettings {
  readonly method: 'release' | 'apt' | 'distro' | 'upload';
  /** Empty: the method's default (the latest release). */
  readonly version?: string;
  readonly platform: 'systrap' | 'kvm';
  readonly concurrency: number;
  readonly containerdConfig?: string;
  /** Add the runtime in this drop-in (containerd 2.0+) instead of the main config. */
  readonly containerdDropIn?: string;
  /** Run by the node's shell as root (`sh -c`); empty: systemd or OpenRC. */
  readonly restartCommand?: string;
  readonly runscBinary?: string;
  readonly shimBinary?: string;
}

export const DEFAULT_SANDBOX_CLASSES: readonly string[] = ['gvisor', 'kata', 'kata-*'];
export const DEFAULT_RUNTIME_CLASS = 'gvisor';
export const DEFAULT_EXEMPT_NAMESPACES: readonly string[] = ['kube-system'];
export const DEFAULT_DEBOUNCE_MS = 300;
const MAX_DEBOUNCE_MS = 5000;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;
export const DEFAULT_INSTALL_CONCURRENCY = 4;
const MAX_INSTALL_CONCURRENCY = 32;
const MAX_REQUEST_TIMEOUT_SECONDS = 300;

/** The cluster chosen for live manifest checks and its RuntimeClasses (name → handler). */
export interface ManifestCluster {
  readonly name: string;
  readonly classes: ReadonlyMap<string, string>;
}

export class Config implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ConfigChange>();
  /** Fires once per settings change that touches `kubeSandbox.*`. */
  readonly onDidChange = this.changed.event;
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration(SECTION)) return;
    this.changed.fire({ affects: (key, scope) => event.affectsConfiguration(`${SECTION}.${key}`, scope) });
  });
  private manifestCluster: ManifestCluster | undefined;

  sandboxRuntimeClasses(scope?: vscode.ConfigurationScope): readonly string[] {
    return normaliseSandboxClasses(this.read(scope).get('sandboxRuntimeClasses'));
  }

  defaultRuntimeClass(scope?: vscode.ConfigurationScope): string {
    return normaliseClassName(this.read(scope).get('defaultRuntimeClass'), DEFAULT_RUNTIME_CLASS);
  }

  exemptNamespaces(scope?: vscode.ConfigurationScope): readonly string[] {
    return normaliseStringList(this.read(scope).get('exemptNamespaces'), DEFAULT_EXEMPT_NAMESPACES);
  }

  manifestChecksEnabled(scope?: vscode.ConfigurationScope): boolean {
    return normaliseBoolean(this.read(scope).get('manifestChecks.enabled'), true);
  }

  debounceMs(scope?: vscode.ConfigurationScope): number {
    return normaliseDebounce(this.read(scope).get('manifestChecks.debounceMs'));
  }

  codeLensEnabled(scope?: vscode.ConfigurationScope): boolean {
    return normaliseBoolean(this.read(scope).get('codeLens.enabled'), true);
  }

  kubeconfig(scope?: vscode.ConfigurationScope): string | undefined {
    return normalisePath(this.read(scope).get('kubeconfig'));
  }

  sshConfigFile(scope?: vscode.ConfigurationScope): string | undefined {
    return normalisePath(this.read(scope).get('sshConfigFile'));
  }

  nodes(scope?: vscode.ConfigurationScope): ReadonlyMap<string, NodeSshSettings> {
    return normaliseNodes(this.read(scope).get('nodes'));
  }

  /** known_hosts file for node connections; undefined: the SSH config's, else ~/.ssh/known_hosts. */
  knownHostsFile(scope?: vscode.ConfigurationScope): string | undefined {
    return normalisePath(this.read(scope).get('knownHostsFile'));
  }

  install(scope?: vscode.ConfigurationScope): InstallSettings {
    const c = this.read(scope);
    return normaliseInstall({
      method: c.get('install.method'), version: c.get('install.version'), platform: c.get('install.platform'),
      concurrency: c.get('install.concurrency'), containerdConfig: c.get('install.containerdConfig'), containerdDropIn: c.get('install.containerdDropIn'),
      restartCommand: c.get('install.restartCommand'), runscBinary: c.get('install.runscBinary'), shimBinary: c.get('install.shimBinary'),
    });
  }

  /** Deadline of each cluster request, in milliseconds. */
  requestTimeoutMs(scope?: vscode.ConfigurationScope): number {
    return normaliseTimeoutSeconds(this.read(scope).get('requestTimeoutSeconds')) * 1000;
  }

  /** What manifest analysis needs, for the document (or folder) in `scope`. */
  analysisOptions(scope?: vscode.ConfigurationScope): AnalysisOptions {
    const options = { sandboxClasses: this.sandboxRuntimeClasses(scope), exemptNamespaces: this.exemptNamespaces(scope) };
    const cluster = this.manifestCluster;
    return cluster ? { ...options, clusterName: cluster.name, clusterClasses: cluster.classes } : options;
  }

  /**
   * Not a setting but an input of every manifest check: the RuntimeClasses of the cluster chosen
   * for live checks (undefined: none chosen, or its classes are not known). Fires `onDidChange`
   * as a change of which classes count as sandboxed, so open manifests are checked again.
   */
  setManifestCluster(cluster: ManifestCluster | undefined): void {
    this.manifestCluster = cluster ? { name: cluster.name, classes: new Map(cluster.classes) } : undefined;
    this.changed.fire({ affects: (key) => key === 'sandboxRuntimeClasses' });
  }

  get manifestClusterName(): string | undefined {
    return this.manifestCluster?.name;
  }

  /** Classes a user can pick for `runtimeClassName`: the default first, then the configured non-glob ones. */
  classChoices(scope?: vscode.ConfigurationScope): readonly string[] {
    return classChoices(this.sandboxRuntimeClasses(scope), this.defaultRuntimeClass(scope));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private read(scope: vscode.ConfigurationScope | undefined): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION, scope);
  }
}

// ---- pure normalisers (no vscode calls; exported for tests) ----

/** Trimmed, non-empty, de-duplicated strings; anything that is not an array gives `fallback`. */
export function normaliseStringList(raw: unknown, fallback: readonly string[]): readonly string[] {
  if (!Array.isArray(raw)) return fallback;
  const seen = new Set<string>();
  for (const item of raw) {
    if (typeof item === 'string' && item.trim() !== '') seen.add(item.trim());
  }
  return [...seen];
}

/**
 * An empty list would make every workload unfixable (no class counts as a sandbox), which is
 * far more likely a half-edited setting than an intent, so it falls back to the defaults.
 */
export function normaliseSandboxClasses(raw: unknown): readonly string[] {
  const list = normaliseStringList(raw, DEFAULT_SANDBOX_CLASSES);
  return list.length > 0 ? list : DEFAULT_SANDBOX_CLASSES;
}

/** A RuntimeClass name is a DNS subdomain (RFC 1123); anything else cannot be inserted into a manifest. */
export function normaliseClassName(raw: unknown, fallback: string): string {
  if (typeof raw !== 'string') return fallback;
  const name = raw.trim();
  return isDnsSubdomain(name) ? name : fallback;
}

export function isDnsSubdomain(name: string): boolean {
  return name.length > 0 && name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

export function normaliseBoolean(raw: unknown, fallback: boolean): boolean {
  return typeof raw === 'boolean' ? raw : fallback;
}

export function normaliseTimeoutSeconds(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw <= 0) return DEFAULT_REQUEST_TIMEOUT_SECONDS;
  return Math.min(MAX_REQUEST_TIMEOUT_SECONDS, Math.max(1, raw));
}

export function normaliseDebounce(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return DEFAULT_DEBOUNCE_MS;
  return Math.min(MAX_DEBOUNCE_MS, Math.max(0, Math.round(raw)));
}

/** Empty means "use the tool's usual default", which the adapters know; so it becomes undefined. */
export function normalisePath(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
}

export function normaliseNodes(raw: unknown): ReadonlyMap<string, NodeSshSettings> {
  const nodes = new Map<string, NodeSshSettings>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return nodes;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const entry = value as Record<string, unknown>;
    const port = entry['port'];
    nodes.set(name, {
      host: normalisePath(entry['host']),
      port: typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
      user: normalisePath(entry['user']),
      identityFile: normalisePath(entry['identityFile']),
      jumpHost: normalisePath(entry['jumpHost']),
      containerdConfig: normalisePath(entry['containerdConfig']),
      containerdDropIn: normalisePath(entry['containerdDropIn']),
      restartCommand: normalisePath(entry['restartCommand']),
      binDir: normalisePath(entry['binDir']),
      stateDir: normalisePath(entry['stateDir']),
    });
  }
  return nodes;
}

/** The default class first, then every configured class that is a plain name (globs cannot be inserted). */
export function classChoices(sandboxClasses: readonly string[], defaultClass: string): readonly string[] {
  const choices = [defaultClass];
  for (const name of sandboxClasses) {
    if (!name.includes('*') && isDnsSubdomain(name) && !choices.includes(name)) choices.push(name);
  }
  return choices;
}

/** Unknown values fall back to the defaults: release, systrap, 4 at a time. */
export function normaliseInstall(raw: Record<keyof InstallSettings, unknown>): InstallSettings {
  const methods = ['release', 'apt', 'distro', 'upload'] as const;
  const method = methods.find((m) => m === raw.method) ?? 'release';
  const platform = raw.platform === 'kvm' ? 'kvm' : 'systrap';
  const n = raw.concurrency;
  const concurrency = typeof n === 'number' && Number.isFinite(n) ? Math.min(MAX_INSTALL_CONCURRENCY, Math.max(1, Math.round(n))) : DEFAULT_INSTALL_CONCURRENCY;
  const optional = (key: 'version' | 'containerdConfig' | 'containerdDropIn' | 'restartCommand' | 'runscBinary' | 'shimBinary'): Partial<InstallSettings> => {
    const v = normalisePath(raw[key]);
    return v === undefined ? {} : { [key]: v };
  };
  return {
    method, platform, concurrency,
    ...optional('version'), ...optional('containerdConfig'), ...optional('containerdDropIn'), ...optional('restartCommand'), ...optional('runscBinary'), ...optional('shimBinary'),
  };
}
