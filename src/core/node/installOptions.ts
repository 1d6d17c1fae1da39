// What an install (or uninstall) is asked to do, and the node paths that follow from it.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { CRIO_DROP_IN_PATH } from './crioConfig';
import type { ReleaseArch } from './gvisorRelease';

export type InstallMethod = 'release' | 'apt' | 'distro' | 'upload';
export const INSTALL_METHODS: readonly InstallMethod[] = ['release', 'apt', 'distro', 'upload'];
export type RequestedPlatform = 'systrap' | 'kvm';

export interface LocalFile {
  /** Path on this machine. */
  readonly path: string;
  /** Lower-case hex SHA-256, computed here before the upload. */
  readonly sha256: string;
}

export interface LocalBinary extends LocalFile {
  /** From the ELF header (gvisorRelease.elfArch). */
  readonly arch: ReleaseArch | 'other' | 'not-elf';
}

export interface UploadSet {
  readonly runsc: LocalBinary;
  readonly shim?: LocalBinary;
  /** The files of a `gvisor-bin/` folder that sits next to the local runsc (newer releases). */
  readonly gvisorBin?: ReadonlyArray<LocalFile & { readonly name: string }>;
}

export interface InstallOptions {
  readonly method: InstallMethod;
  /** release: latest, YYYYMMDD or YYYYMMDD.N; apt: latest (the release channel) or YYYYMMDD. */
  readonly version?: string;
  /** A mirror of https://storage.googleapis.com/gvisor/releases (https:// or file:///). */
  readonly releaseBaseUrl?: string;
  readonly upload?: UploadSet;
  /** Default /etc/containerd/config.toml. */
  readonly containerdConfig?: string;
  /** Add the runtime in this drop-in file (loaded through the main config's `imports`)
   * instead of editing the main config's CRI section; containerd 2.0 and later only. */
  readonly containerdDropIn?: string;
  /** Default runsc.toml next to the containerd config. */
  readonly runscConfig?: string;
  /** Where release and upload binaries go. Default /usr/local/bin. */
  readonly binDir?: string;
  /** Where the record of what was installed is kept. Default /var/lib/kube-sandbox. */
  readonly stateDir?: string;
  /** Restarts the runtime instead of systemd/OpenRC (an argument vector run as root). */
  readonly restartCommand?: readonly string[];
  readonly platform?: RequestedPlatform;
  /** The runtime name, which is a RuntimeClass's `handler`. Default runsc. */
  readonly runtimeName?: string;
  /** The Kubernetes node to label; found by address or host name when omitted. */
  readonly nodeName?: string;
  /** How long the runtime may take to answer after a restart. Default 60 s. */
  readonly healthTimeoutMs?: number;
  /** Test hooks: never set by the CLI or the editor. */
  readonly testing?: {
    /** Applied to the edited containerd config, to make a config the daemon refuses. */
    readonly transformContainerdConfig?: (text: string) => string;
    /** The containerd version the drop-in decision uses, instead of the node's. */
    readonly containerdVersion?: string;
  };
}

export const DEFAULT_CONTAINERD_CONFIG = '/etc/containerd/config.toml';
export const DEFAULT_BIN_DIR = '/usr/local/bin';
export const DEFAULT_STATE_DIR = '/var/lib/kube-sandbox';
export const DEFAULT_HEALTH_TIMEOUT_MS = 60_000;
export const BACKUP_SUFFIX = '.kube-sandbox.bak';

export interface InstallPaths {
  readonly config: string;
  readonly runscToml: string;
  readonly crioDropIn: string;
  readonly containerdDropIn?: string;
  readonly binDir: string;
  readonly stateFile: string;
}

export function installPaths(o: Pick<InstallOptions, 'containerdConfig' | 'containerdDropIn' | 'runscConfig' | 'binDir' | 'stateDir'>): InstallPaths {
  const config = o.containerdConfig ?? DEFAULT_CONTAINERD_CONFIG;
  // One record per containerd config, so several runtimes on one machine keep theirs apart.
  const key = createHash('sha256').update(config).digest('hex').slice(0, 12);
  return {
    config,
    runscToml: o.runscConfig ?? posix.join(posix.dirname(config), 'runsc.toml'),
    crioDropIn: CRIO_DROP_IN_PATH,
    ...(o.containerdDropIn ? { containerdDropIn: o.containerdDropIn } : {}),
    binDir: (o.binDir ?? DEFAULT_BIN_DIR).replace(/(.)\/+$/, '$1'),
    stateFile: posix.join(o.stateDir ?? DEFAULT_STATE_DIR, `gvisor-${key}.state`),
  };
}

export const backupOf = (path: string): string => `${path}${BACKUP_SUFFIX}`;

/** The files `detect` reports, by the names the plan reads them under. */
export function detectFiles(p: InstallPaths): Record<string, string> {
  return {
    containerd_config: p.config,
    containerd_config_backup: backupOf(p.config),
    runsc_toml: p.runscToml,
    runsc_toml_backup: backupOf(p.runscToml),
    crio_dropin: p.crioDropIn,
    crio_dropin_backup: backupOf(p.crioDropIn),
    ...(p.containerdDropIn ? { containerd_dropin: p.containerdDropIn, containerd_dropin_backup: backupOf(p.containerdDropIn) } : {}),
    state: p.stateFile,
  };
}

/** Checks options that do not need the node; returns problems in plain sentences. */
export function checkInstallOptions(o: InstallOptions): string[] {
  const problems: string[] = [];
  const absolute = (v: string | undefined, what: string): void => {
    if (v !== undefined && !v.startsWith('/')) problems.push(`${what} must be an absolute path on the node, got "${v}".`);
  };
  absolute(o.containerdConfig, '--containerd-config');
  absolute(o.containerdDropIn, '--containerd-drop-in');
  if (o.containerdDropIn !== undefined && o.containerdDropIn === (o.containerdConfig ?? DEFAULT_CONTAINERD_CONFIG)) problems.push('--containerd-drop-in must be another file than the containerd config itself.');
  absolute(o.runscConfig, 'The runsc.toml path');
  absolute(o.binDir, '--bin-dir');
  absolute(o.stateDir, '--state-dir');
  if (o.method === 'upload' && !o.upload) problems.push('--method upload needs --runsc-binary (and --shim-binary for pods to use it).');
  if (o.method !== 'upload' && o.upload) problems.push('--runsc-binary and --shim-binary go with --method upload.');
  if (o.runtimeName !== undefined && !/^[A-Za-z0-9_-]+$/.test(o.runtimeName)) problems.push(`The runtime name "${o.runtimeName}" may hold only letters, digits, "-" and "_".`);
  if (o.restartCommand !== undefined && o.restartCommand.length === 0) problems.push('The restart command is empty.');
  return problems;
}
