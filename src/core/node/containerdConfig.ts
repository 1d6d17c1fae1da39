// Adds gVisor's runsc runtime to a containerd config.toml without clobbering anything.
//
// Which table the runtime goes in depends on the file's `version`:
// - absent (= 1): containerd 1.x reads plugin sections by short id (`[plugins.cri]`) and
//   ignores long ones; containerd 2.x loads such a file as version 1 and migrates `cri` to
//   its long id (containerd's TestDecodePluginInV1Config). So `plugins.cri` works on both.
// - 2 (containerd 1.3+, still read and migrated by 2.x): plugins."io.containerd.grpc.v1.cri".
// - 3 (containerd 2.0+) and 4 (2.3+, which only moved the gRPC/TTRPC/debug listeners):
//   plugins."io.containerd.cri.v1.runtime"; runtimes left under the old id are ignored.
// The runtime itself follows gVisor's containerd guide (g3doc/user_guide/containerd/
// configuration.md): runtime_type io.containerd.runsc.v1, options TypeUrl + ConfigPath.
//
// An existing runsc entry with other values is updated in place (only those values); its
// other keys stay. Each update is listed in the summary so the plan shows it before it runs.

import { ensureValues, parseToml, type ConfigEditResult } from './configEdit';
import { formatPath, isTable, lookup, type DesiredTable } from './tomlTree';

export const RUNSC_RUNTIME_TYPE = 'io.containerd.runsc.v1';
export const RUNSC_OPTIONS_TYPE_URL = 'io.containerd.runsc.v1.options';
export const DEFAULT_RUNSC_CONFIG_PATH = '/etc/containerd/runsc.toml';
export const LATEST_KNOWN_CONFIG_VERSION = 4;

export interface ContainerdRuntime {
  readonly name: string;
  readonly runtimeType?: string;
}

export interface ContainerdConfigInfo {
  /** The file's `version`; 1 when it has none. */
  readonly version: number;
  readonly versionDeclared: boolean;
  /** The plugin id the CRI runtimes live under for this version. */
  readonly criPluginId: string;
  readonly runtimesPath: readonly string[];
  readonly runtimes: readonly ContainerdRuntime[];
  /** `default_runtime_name` as written; containerd uses "runc" when it is absent. */
  readonly defaultRuntimeName?: string;
  readonly imports: readonly string[];
  readonly disabledPlugins: readonly string[];
  /** Disabled plugins that switch Kubernetes support (the CRI) off. */
  readonly criDisabledBy: readonly string[];
  /** The file sets no key at all (empty, or comments only). */
  readonly empty: boolean;
  /** Facts worth showing in a plan (not errors). */
  readonly notes: readonly string[];
}

export type InspectResult =
  | { readonly kind: 'ok'; readonly info: ContainerdConfigInfo; readonly parsed: Record<string, unknown> }
  | { readonly kind: 'error'; readonly message: string };

export interface RunscRuntimeOptions {
  /** The runtime's name: what a RuntimeClass puts in `handler`. Default "runsc". */
  readonly runtimeName?: string;
  /** Where runsc.toml is on the node. Default /etc/containerd/runsc.toml. */
  readonly configPath?: string;
  /** containerd's version on the node ("1.6.20", "v2.0.4"), when known: picks the layout of an empty file. */
  readonly containerdVersion?: string;
  /** Label for messages, e.g. the file's path on the node. */
  readonly fileLabel?: string;
  /**
   * A runtime of that name with other settings: 'update' corrects just those values (the
   * default; the summary lists each one), 'refuse' returns an error that lists them.
   */
  readonly onDifferentRuntime?: 'update' | 'refuse';
  /**
   * A file that says it is generated ("DO NOT EDIT", as k3s writes) is refused by default:
   * the next regeneration would drop the runtime. 'edit' is for callers that save the result
   * as the generator's template instead (k3s: config.toml.tmpl next to config.toml).
   */
  readonly generatedFile?: 'refuse' | 'edit';
}

/** The major version of a containerd version string ("v1.7.2", "containerd 2.0.0"), if any. */
export function containerdMajor(version: string | undefined): number | undefined {
  const m = version ? /(\d+)\.\d+/.exec(version) : null;
  return m ? Number(m[1]) : undefined;
}

export function criPluginIdFor(version: number): string {
  if (version <= 1) return 'cri';
  return version === 2 ? 'io.containerd.grpc.v1.cri' : 'io.containerd.cri.v1.runtime';
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function inspectContainerdConfig(text: string, fileLabel = 'config.toml'): InspectResult {
  const parsedResult = parseToml(text, fileLabel);
  if (parsedResult.kind === 'error') return parsedResult;
  const parsed = parsedResult.value;
  const declared = parsed['version'];
  if (declared !== undefined && (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1)) {
    return { kind: 'error', message: `${fileLabel} has version = ${JSON.stringify(declared)}, which containerd does not accept (it must be a whole number such as 2 or 3). Fix the version line, then run again.` };
  }
  const version = declared ?? 1;
  if (version > LATEST_KNOWN_CONFIG_VERSION) {
    return { kind: 'error', message: `${fileLabel} uses config version ${version}, newer than the versions Kube Sandbox knows (1 to ${LATEST_KNOWN_CONFIG_VERSION}). Add the runsc runtime by hand, following your containerd's documentation.` };
  }
  const criPluginId = criPluginIdFor(version);
  const runtimesPath = ['plugins', criPluginId, 'containerd', 'runtimes'];
  const found = lookup(parsed, runtimesPath);
  const runtimes: ContainerdRuntime[] = [];
  if (found.kind === 'found' && isTable(found.value)) {
    for (const [name, entry] of Object.entries(found.value)) {
      const type = isTable(entry) ? entry['runtime_type'] : undefined;
      runtimes.push(typeof type === 'string' ? { name, runtimeType: type } : { name });
    }
  }
  const defaultName = lookup(parsed, ['plugins', criPluginId, 'containerd', 'default_runtime_name']);
  const disabledPlugins = stringList(parsed['disabled_plugins']);
  const criIds = new Set(['cri', 'io.containerd.grpc.v1.cri', 'io.containerd.cri.v1.runtime']);
  const notes: string[] = [];
  if (version >= 3 && lookup(parsed, ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes']).kind === 'found') {
    notes.push(`This file is version ${version}, so containerd ignores the runtimes under plugins."io.containerd.grpc.v1.cri"; it reads them from plugins."io.containerd.cri.v1.runtime".`);
  }
  for (const r of runtimes) {
    if (r.runtimeType === RUNSC_RUNTIME_TYPE) notes.push(`Runtime "${r.name}" already uses gVisor (${RUNSC_RUNTIME_TYPE}).`);
  }
  return {
    kind: 'ok',
    parsed,
    info: {
      version,
      versionDeclared: declared !== undefined,
      criPluginId,
      runtimesPath,
      runtimes,
      ...(defaultName.kind === 'found' && typeof defaultName.value === 'string' ? { defaultRuntimeName: defaultName.value } : {}),
      imports: stringList(parsed['imports']),
      disabledPlugins,
      criDisabledBy: disabledPlugins.filter((p) => criIds.has(p)),
      empty: Object.keys(parsed).length === 0,
      notes,
    },
  };
}

/** What the runsc runtime entry must contain. */
export function runscRuntimeEntry(configPath: string): DesiredTable {
  return { runtime_type: RUNSC_RUNTIME_TYPE, options: { TypeUrl: RUNSC_OPTIONS_TYPE_URL, ConfigPath: configPath } };
}

/** A whole config for a node whose config file is missing or has no settings. */
export function freshContainerdConfig(options: RunscRuntimeOptions = {}, eol = '\n'): string {
  const version = (containerdMajor(options.containerdVersion) ?? 1) >= 2 ? 3 : 2;
  const runtimes = `plugins.${JSON.stringify(criPluginIdFor(version))}.containerd.runtimes`;
  const name = options.runtimeName ?? 'runsc';
  const key = /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
  return [
    `version = ${version}`,
    '',
    `[${runtimes}.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `[${runtimes}.${key}]`,
    `  runtime_type = "${RUNSC_RUNTIME_TYPE}"`,
    '',
    `[${runtimes}.${key}.options]`,
    `  TypeUrl = "${RUNSC_OPTIONS_TYPE_URL}"`,
    `  ConfigPath = ${JSON.stringify(options.configPath ?? DEFAULT_RUNSC_CONFIG_PATH)}`,
    '',
  ].join(eol);
}

/** Adds (or corrects) the runsc runtime in a containerd config, editing the text minimally. */
export function addRunscRuntime(text: string, options: RunscRuntimeOptions = {}): ConfigEditResult {
  const label = options.fileLabel ?? 'config.toml';
  const name = options.runtimeName ?? 'runsc';
  const configPath = options.configPath ?? DEFAULT_RUNSC_CONFIG_PATH;
  const inspected = inspectContainerdConfig(text, label);
  if (inspected.kind === 'error') return inspected;
  const { info, parsed } = inspected;
  const generated = /^#.*(generated|managed) by ([^\n]*?)\.?\s*DO NOT EDIT/im.exec(text);
  if (generated && options.generatedFile !== 'edit') {
    return {
      kind: 'error',
      message: `${label} says it is generated by ${generated[2]} ("DO NOT EDIT"), so a direct edit would be lost the next time it is regenerated. Add the runtime to the template it is generated from instead (for k3s: save the edited config as config.toml.tmpl in the same folder), then restart.`,
    };
  }
  if (info.criDisabledBy.length > 0) {
    return {
      kind: 'error',
      message: `${label} disables containerd's CRI plugin (disabled_plugins = ${JSON.stringify(info.disabledPlugins)}), as Docker's containerd package ships it. Kubernetes cannot use this containerd at all, so a runsc runtime would not help. Remove ${info.criDisabledBy.map((p) => `"${p}"`).join(' and ')} from disabled_plugins (if nothing on the node relies on that), restart containerd, and run again.`,
    };
  }
  if (info.version === 1 && lookup(parsed, ['plugins', 'io.containerd.grpc.v1.cri']).kind === 'found') {
    return {
      kind: 'error',
      message: `${label} has no "version" line, so containerd 1.x reads it as version 1 and ignores its plugins."io.containerd.grpc.v1.cri" section (containerd 2.x reads it: the file means different things to each). Add "version = 2" as the first line, check the rest of the file against containerd's version 2 layout, and run again.`,
    };
  }
  if (info.empty) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const sep = text === '' || text.endsWith('\n') ? '' : eol;
    const fresh = freshContainerdConfig({ ...options, configPath, runtimeName: name }, eol);
    return {
      kind: 'changed',
      text: text + sep + fresh,
      edits: [{ start: text.length, end: text.length, newText: sep + fresh }],
      summary: [`${label} has no settings yet: wrote a config with the default runtime "runc" and the gVisor runtime "${name}" (ConfigPath ${configPath}).`],
      changes: [],
    };
  }
  const desired: Record<string, DesiredTable> = {};
  // containerd 1.x replaces its built-in runtime list with the file's (seen with 1.6.20's
  // `config dump`), so adding only runsc would drop "runc" and the CRI plugin would fail to
  // start when runc is the default. Write the default runc entry out in that case.
  const defaultName = info.defaultRuntimeName ?? 'runc';
  if (defaultName === 'runc' && !info.runtimes.some((r) => r.name === 'runc')) desired['runc'] = { runtime_type: 'io.containerd.runc.v2' };
  desired[name] = runscRuntimeEntry(configPath);
  const where = formatPath(info.runtimesPath);
  const outcome = ensureValues(text, parsed, info.runtimesPath, desired, label);
  if (outcome.kind === 'error') return outcome;
  const existed = info.runtimes.some((r) => r.name === name);
  const updates = outcome.kind === 'changed' ? outcome.changes.filter((c) => existed && c.path[info.runtimesPath.length] === name) : [];
  if (updates.length > 0 && options.onDifferentRuntime === 'refuse') {
    const list = updates.map((c) => `${formatPath(c.path.slice(info.runtimesPath.length))} is ${c.before ?? 'not set'}, wanted ${c.after}`).join('; ');
    return { kind: 'error', message: `${label} already has a runtime "${name}" with other settings (${list}). Nothing was changed: remove or rename that runtime, or allow Kube Sandbox to update it.` };
  }
  if (outcome.kind === 'unchanged') {
    return { kind: 'unchanged', summary: [`${label} already has the gVisor runtime "${name}" (${RUNSC_RUNTIME_TYPE}, ConfigPath ${configPath}) under [${where}]; nothing to change.`] };
  }
  const summary: string[] = [];
  if (!existed) summary.push(`Add the gVisor runtime "${name}" (${RUNSC_RUNTIME_TYPE}, ConfigPath ${configPath}) under [${where}].`);
  if (desired['runc']) summary.push(`Also write out the default runtime "runc" (io.containerd.runc.v2): containerd 1.x would otherwise forget its built-in runc once the file lists any runtime.`);
  for (const c of outcome.changes) {
    if (c.action === 'updated') summary.push(`Change ${formatPath(c.path.slice(info.runtimesPath.length))} from ${c.before ?? '?'} to ${c.after}.`);
    else if (existed && c.path[info.runtimesPath.length] === name) summary.push(`Add ${formatPath(c.path.slice(info.runtimesPath.length))} = ${c.after}.`);
  }
  const oldOptions = lookup(parsed, [...info.runtimesPath, name, 'options']);
  if (oldOptions.kind === 'found' && isTable(oldOptions.value)) {
    const others = Object.keys(oldOptions.value).filter((k) => k !== 'TypeUrl' && k !== 'ConfigPath');
    if (others.length > 0) summary.push(`Keep ${others.map((k) => `${name}.options.${k}`).join(', ')} as written: Kube Sandbox never removes settings; check they still make sense for the runsc shim.`);
  }
  return { kind: 'changed', text: outcome.text, edits: outcome.edits, summary, changes: outcome.changes };
}
