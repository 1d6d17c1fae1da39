// kubectl's rules for finding and merging kubeconfig files, without touching the file system:
// the adapter reads and parses the files, this decides which ones and what they add up to.
// Rules from client-go's clientcmd loader (and `kubectl config view` behaviour):
//   - an explicit path (the `kubeSandbox.kubeconfig` setting, `--kubeconfig`) is the only file;
//   - else KUBECONFIG, split on the platform's list delimiter, empty entries ignored, files that
//     do not exist skipped; the first file to define a cluster, user or context name wins, and
//     the first file to set current-context wins;
//   - else ~/.kube/config;
//   - relative file references are relative to the file that holds them.

export type KubeconfigOrigin = 'explicit' | 'KUBECONFIG' | 'default';

export interface KubeconfigChoice {
  readonly origin: KubeconfigOrigin;
  readonly files: readonly string[];
  /** Whether a missing file is an error (explicit path) or skipped (KUBECONFIG, default). */
  readonly missingIsError: boolean;
}

export function chooseKubeconfigFiles(input: {
  readonly explicit?: string | undefined;
  readonly envValue?: string | undefined;
  readonly defaultPath: string;
  readonly delimiter: string;
}): KubeconfigChoice {
  const explicit = input.explicit?.trim();
  if (explicit) return { origin: 'explicit', files: [explicit], missingIsError: true };
  const fromEnv = (input.envValue ?? '').split(input.delimiter).filter((f) => f.length > 0);
  if (fromEnv.length > 0) {
    return { origin: 'KUBECONFIG', files: [...new Set(fromEnv)], missingIsError: false };
  }
  return { origin: 'default', files: [input.defaultPath], missingIsError: false };
}

type Json = Record<string, unknown>;

export interface NamedEntry {
  readonly name: string;
  readonly [key: string]: unknown;
}

/** A merged kubeconfig in the file format (kebab-case keys), ready for a client to load. */
export interface MergedKubeconfig {
  readonly apiVersion: 'v1';
  readonly kind: 'Config';
  readonly 'current-context'?: string;
  readonly clusters: readonly NamedEntry[];
  readonly users: readonly NamedEntry[];
  readonly contexts: readonly NamedEntry[];
}

export interface ParsedKubeconfigFile {
  readonly file: string;
  /** The parsed YAML document; null or undefined for an empty file. */
  readonly doc: unknown;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rewrites the file references in one parsed kubeconfig with `resolve` (which makes a path
 * absolute against the file's folder). An exec command is resolved only when it names a path
 * (`./bin/helper`), not a program found on PATH (`aws`), as client-go does.
 */
export function resolveFileReferences(doc: unknown, resolve: (ref: string) => string): unknown {
  if (!isObject(doc)) return doc;
  const mapEntries = (list: unknown, key: string, fix: (inner: Json) => Json): unknown =>
    Array.isArray(list)
      ? list.map((entry: unknown) => (isObject(entry) && isObject(entry[key]) ? { ...entry, [key]: fix(entry[key]) } : entry))
      : list;
  const fixFields = (inner: Json, fields: readonly string[]): Json => {
    const out: Json = { ...inner };
    for (const f of fields) {
      const v = out[f];
      if (typeof v === 'string' && v !== '') out[f] = resolve(v);
    }
    return out;
  };
  return {
    ...doc,
    clusters: mapEntries(doc.clusters, 'cluster', (c) => fixFields(c, ['certificate-authority'])),
    users: mapEntries(doc.users, 'user', (u) => {
      const out = fixFields(u, ['client-certificate', 'client-key', 'tokenFile']);
      const exec = out.exec;
      if (isObject(exec) && typeof exec.command === 'string' && /[\\/]/.test(exec.command)) {
        out.exec = { ...exec, command: resolve(exec.command) };
      }
      return out;
    }),
  };
}

export interface MergeResult {
  readonly config: MergedKubeconfig;
  /** Plain sentences about entries that were left out (not fatal: the rest still loads). */
  readonly problems: readonly string[];
}

export function mergeKubeconfigs(files: readonly ParsedKubeconfigFile[]): MergeResult {
  const problems: string[] = [];
  const sections = { clusters: new Map<string, NamedEntry>(), users: new Map<string, NamedEntry>(), contexts: new Map<string, NamedEntry>() };
  let current: string | undefined;
  for (const { file, doc } of files) {
    if (doc === null || doc === undefined) continue;
    if (!isObject(doc)) {
      problems.push(`${file} is not a kubeconfig (expected a YAML mapping with clusters, users and contexts); it was ignored.`);
      continue;
    }
    const cc = doc['current-context'];
    if (current === undefined && typeof cc === 'string' && cc !== '') current = cc;
    for (const section of ['clusters', 'users', 'contexts'] as const) {
      const list = doc[section];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        problems.push(`${file}: "${section}" is not a list; it was ignored.`);
        continue;
      }
      for (const entry of list as unknown[]) {
        if (!isObject(entry) || typeof entry.name !== 'string' || entry.name === '') {
          problems.push(`${file}: an entry in "${section}" has no name; it was ignored.`);
          continue;
        }
        if (!sections[section].has(entry.name)) sections[section].set(entry.name, entry as NamedEntry);
      }
    }
  }
  return {
    config: {
      apiVersion: 'v1',
      kind: 'Config',
      ...(current === undefined ? {} : { 'current-context': current }),
      clusters: [...sections.clusters.values()],
      users: [...sections.users.values()],
      contexts: [...sections.contexts.values()],
    },
    problems,
  };
}

export interface KubeContextInfo {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace: string;
  /** The cluster's server URL, empty when the context names a cluster that is not defined. */
  readonly server: string;
  readonly current: boolean;
}

export function listContexts(config: MergedKubeconfig): KubeContextInfo[] {
  const servers = new Map<string, string>();
  for (const c of config.clusters) {
    const inner = c.cluster;
    if (isObject(inner) && typeof inner.server === 'string') servers.set(c.name, inner.server);
  }
  return config.contexts.map((ctx) => {
    const inner = isObject(ctx.context) ? ctx.context : {};
    const str = (v: unknown): string => (typeof v === 'string' ? v : '');
    const cluster = str(inner.cluster);
    return {
      name: ctx.name,
      cluster,
      user: str(inner.user),
      namespace: str(inner.namespace) || 'default',
      server: servers.get(cluster) ?? '',
      current: ctx.name === config['current-context'],
    };
  });
}
