// What Kube Sandbox did on a node, kept on the node (a small key=value file under
// /var/lib/kube-sandbox) so that an uninstall undoes exactly that and nothing else: files it
// installed (with their SHA-256, so a file someone replaced since is left alone), config files
// it created or edited (with the backup of the original and the SHA-256 of what it wrote), and
// a package it installed.

export interface TrackedFile {
  readonly path: string;
  /** SHA-256 of what was written; undefined for folders. */
  readonly sha256?: string;
}

/** A config file edited (backup holds the original) or created (no backup). */
export interface TrackedConfig {
  readonly path: string;
  readonly backup?: string;
  readonly created: boolean;
  readonly sha256: string;
}

export interface InstallState {
  readonly method?: string;
  readonly version?: string;
  /** SHA-512 of the installed release (tarball, or runsc in the per-file layout). */
  readonly releaseSha512?: string;
  readonly files: readonly TrackedFile[];
  readonly dirs: readonly string[];
  readonly configs: readonly TrackedConfig[];
  /** A package this tool installed (removed on uninstall). */
  readonly package?: string;
  /** apt source list and keyring this tool added. */
  readonly aptFiles: readonly string[];
  /** The containerd drop-in written instead of editing the main config (uninstall looks there). */
  readonly containerdDropIn?: string;
}

export const EMPTY_STATE: InstallState = { files: [], dirs: [], configs: [], aptFiles: [] };

export function parseInstallState(text: string | undefined): InstallState {
  if (!text) return EMPTY_STATE;
  let method: string | undefined;
  let version: string | undefined;
  let releaseSha512: string | undefined;
  let pkg: string | undefined;
  let dropIn: string | undefined;
  const files: TrackedFile[] = [];
  const dirs: string[] = [];
  const configs: TrackedConfig[] = [];
  const aptFiles: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z_0-9]+)=(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    switch (key) {
      case 'method': method = value; break;
      case 'version': version = value; break;
      case 'release_sha512': releaseSha512 = value; break;
      case 'package': pkg = value; break;
      case 'containerd_drop_in': dropIn = value; break;
      case 'apt_file': aptFiles.push(value); break;
      case 'dir': dirs.push(value); break;
      case 'file': {
        const f = /^([0-9a-f]{64}) (.+)$/.exec(value);
        if (f) files.push({ sha256: f[1], path: f[2] as string });
        break;
      }
      case 'config': {
        // config=<sha256> <created|backup path> <path>, the backup given as "created" when
        // the file did not exist before.
        const c = /^([0-9a-f]{64}) (created|backup:\S+) (.+)$/.exec(value);
        if (!c) break;
        const how = c[2] as string;
        configs.push({
          sha256: c[1] as string, path: c[3] as string, created: how === 'created',
          ...(how === 'created' ? {} : { backup: how.slice('backup:'.length) }),
        });
        break;
      }
    }
  }
  return {
    ...(method ? { method } : {}), ...(version ? { version } : {}), ...(releaseSha512 ? { releaseSha512 } : {}),
    ...(pkg ? { package: pkg } : {}), files, dirs, configs, aptFiles, ...(dropIn ? { containerdDropIn: dropIn } : {}),
  };
}

/** The state file's text; the same state always renders to the same bytes. */
export function renderInstallState(state: InstallState, about: string): string {
  const lines = [
    `# Kube Sandbox: what install-gvisor changed on this node (${about}).`,
    '# Used by uninstall; edit only if you know what you are doing.',
  ];
  if (state.method) lines.push(`method=${state.method}`);
  if (state.version) lines.push(`version=${state.version}`);
  if (state.releaseSha512) lines.push(`release_sha512=${state.releaseSha512}`);
  if (state.package) lines.push(`package=${state.package}`);
  for (const f of state.aptFiles) lines.push(`apt_file=${f}`);
  if (state.containerdDropIn) lines.push(`containerd_drop_in=${state.containerdDropIn}`);
  for (const f of state.files) if (f.sha256) lines.push(`file=${f.sha256} ${f.path}`);
  for (const d of state.dirs) lines.push(`dir=${d}`);
  for (const c of state.configs) lines.push(`config=${c.sha256} ${c.created ? 'created' : `backup:${c.backup ?? ''}`} ${c.path}`);
  return `${lines.join('\n')}\n`;
}

export function isEmptyState(s: InstallState): boolean {
  return s.files.length === 0 && s.dirs.length === 0 && s.configs.length === 0 && s.aptFiles.length === 0 && s.package === undefined;
}

/** Adds or replaces (by path) tracked files and configs. */
export function withFiles(s: InstallState, files: readonly TrackedFile[], dirs: readonly string[]): InstallState {
  const paths = new Set(files.map((f) => f.path));
  return {
    ...s,
    files: [...s.files.filter((f) => !paths.has(f.path)), ...files],
    dirs: [...new Set([...s.dirs, ...dirs])],
  };
}

export function withConfig(s: InstallState, config: TrackedConfig): InstallState {
  const old = s.configs.find((c) => c.path === config.path);
  // The first record keeps its meaning: a file created by us stays "created", and the
  // backup named first (the original) stays the one to restore.
  const merged: TrackedConfig = old ? { ...config, created: old.created, ...(old.backup ? { backup: old.backup } : {}) } : config;
  return { ...s, configs: [...s.configs.filter((c) => c.path !== config.path), merged] };
}
