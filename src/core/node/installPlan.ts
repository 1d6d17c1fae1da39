// The install plan: from what the node reported (nodeFacts) and what was asked
// (installOptions), every step that will run, every file that will change (with its new
// text), and — before anything runs — what stops the install and what the user should know.
// Pure: the same facts and options always give the same plan.
import { parseToml, wholeFileResult, type ConfigEditResult } from './configEdit';
import { addRunscRuntime, inspectContainerdConfig, RUNSC_RUNTIME_TYPE } from './containerdConfig';
import { addImport, planContainerdDropIn } from './containerdDropIn';
import { ensureCrioDropIn } from './crioConfig';
import { parseReleaseVersion, releaseArch, checkReleaseBaseUrl, type ReleaseArch } from './gvisorRelease';
import { planBinaries, type BinaryPlan } from './installBinaries';
import { backupOf, installPaths, type InstallOptions, type InstallPaths } from './installOptions';
import { parseInstallState, type InstallState } from './installState';
import type { NodeFacts, NodeFile } from './nodeFacts';
import { ensureRunscToml, type RunscPlatform } from './runscToml';

export const DEFAULT_CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
export const DEFAULT_CRIO_SOCKET = '/var/run/crio/crio.sock';

export type RuntimeTarget =
  | { readonly kind: 'containerd'; readonly bin: string; readonly version?: string; readonly configVersion?: number; readonly socket: string }
  | { readonly kind: 'crio'; readonly bin: string; readonly version?: string; readonly socket: string };

export type RestartPlan =
  | { readonly kind: 'command'; readonly argv: readonly string[] }
  | { readonly kind: 'service'; readonly service: string; readonly init: 'systemd' | 'openrc' };

export interface PlannedWrite {
  readonly path: string;
  readonly role: 'runsc-config' | 'containerd-config' | 'containerd-drop-in' | 'crio-drop-in';
  /** The file as the plan saw it; the write refuses to go on if it changed since. */
  readonly before: NodeFile;
  readonly after: string;
  readonly summary: readonly string[];
  /** Where the original is kept (made once, never overwritten); none for a new file. */
  readonly backup?: string;
  /** containerd must load the candidate before it replaces the file. */
  readonly check: boolean;
  /** The runtime restarts when this file changes. */
  readonly restarts: boolean;
}

export interface InstallPlan {
  readonly node: string;
  readonly paths: InstallPaths;
  readonly runtime?: RuntimeTarget;
  readonly binaries: BinaryPlan;
  readonly platform: RunscPlatform;
  readonly writes: readonly PlannedWrite[];
  /** Files that already hold what they need. */
  readonly unchanged: readonly string[];
  readonly restart?: RestartPlan;
  readonly runtimeName: string;
  /** Steps in order, one sentence each. */
  readonly steps: readonly string[];
  readonly warnings: readonly string[];
  readonly notes: readonly string[];
  /** Reasons the install cannot run; nothing runs when there is one. */
  readonly blockers: readonly string[];
  /** Nothing to install and no file to change. */
  readonly nothingToDo: boolean;
  /** Pods can use gVisor through the runtime (the shim is, or will be, there). */
  readonly shimReady: boolean;
  readonly state: InstallState;
}

export const textOf = (f: NodeFile | undefined): string | undefined => (f && f.exists && f.text !== undefined ? f.text : undefined);

export function describeNode(f: NodeFacts): string {
  const os = f.os.name ?? f.os.id ?? 'unknown OS';
  const rt = f.containerd ? `containerd ${f.containerd.version ?? '(version unknown)'}` : f.crio ? `CRI-O ${f.crio.version ?? ''}`.trim() : 'no container runtime';
  return `${os}, ${f.arch}, kernel ${f.kernel}, init ${f.init}, ${rt}`;
}

/** containerd's socket from its config ([grpc] address), or the default. */
export function socketOf(configText: string | undefined): string {
  if (!configText) return DEFAULT_CONTAINERD_SOCKET;
  const parsed = parseToml(configText, 'config');
  const grpc = parsed.kind === 'ok' ? parsed.value['grpc'] : undefined;
  const address = typeof grpc === 'object' && grpc !== null ? (grpc as Record<string, unknown>)['address'] : undefined;
  return typeof address === 'string' && address !== '' ? address.replace(/^unix:\/\//, '') : DEFAULT_CONTAINERD_SOCKET;
}

function choosePlatform(facts: NodeFacts, o: InstallOptions, bin: BinaryPlan, out: { warnings: string[]; notes: string[]; blockers: string[] }): RunscPlatform {
  const requested = o.platform ?? 'systrap';
  if (requested === 'kvm' && !facts.kvm) {
    out.blockers.push('--platform kvm needs /dev/kvm, which this node does not have (no hardware virtualisation, or the kvm module is not loaded). Use the default platform, systrap.');
  }
  const probe = facts.platformProbe;
  const probedTheRightRunsc = probe !== undefined && probe.platform === requested && facts.runsc?.path === bin.runscPath && bin.kind === 'none';
  if (!probedTheRightRunsc) {
    if (bin.kind !== 'none') out.notes.push(`The ${requested} platform is checked with the installed runsc before runsc.toml is written.`);
    return requested;
  }
  if (probe.ok) return requested;
  const said = probe.error ? ` (it said: ${probe.error})` : '';
  if (requested === 'kvm') {
    out.blockers.push(`runsc at ${bin.runscPath} cannot use the kvm platform on this node${said}. Use the default platform, systrap.`);
    return requested;
  }
  out.warnings.push(`runsc ${facts.runsc?.release ?? ''} at ${bin.runscPath} does not support the systrap platform${said}, so runsc.toml selects ptrace, which works everywhere but is slower. Install a newer gVisor (--method release) to get systrap.`.replace(/ {2,}/g, ' '));
  return 'ptrace';
}

function restartPlan(facts: NodeFacts, o: InstallOptions, service: string): RestartPlan | undefined {
  if (o.restartCommand && o.restartCommand.length > 0) return { kind: 'command', argv: o.restartCommand };
  if (facts.init === 'systemd' || facts.init === 'openrc') return { kind: 'service', service, init: facts.init };
  return undefined;
}

export function describeRestart(r: RestartPlan): string {
  if (r.kind === 'command') return `the restart command: ${r.argv.map((a) => (/^[\w@%+:,./=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')}`;
  return r.init === 'systemd' ? `systemctl restart ${r.service}` : `rc-service ${r.service} restart`;
}

/** The runtime in a drop-in (written first, so the main config's check sees it), and an
 * `imports` entry in the main config when nothing there loads it yet. */
function planDropInWrites(
  facts: NodeFacts, o: InstallOptions, paths: InstallPaths, configText: string | undefined, runtimeName: string,
  out: { blockers: string[]; notes: string[]; unchanged: string[]; writes: PlannedWrite[] },
): void {
  const dropInPath = paths.containerdDropIn ?? '';
  const files = facts.files;
  const fileOf = (name: string): NodeFile => files[name] ?? { exists: false };
  if (configText === undefined) {
    out.blockers.push(`containerd has no config file at ${paths.config}, so nothing would import ${dropInPath}. Leave out --containerd-drop-in: Kube Sandbox then writes ${paths.config} itself.`);
    return;
  }
  const containerdVersion = o.testing?.containerdVersion ?? facts.containerd?.version;
  const dropIn = planContainerdDropIn(configText, {
    mainConfigPath: paths.config, dropInPath, runtimeName, configPath: paths.runscToml, ...(containerdVersion ? { containerdVersion } : {}),
  });
  if (dropIn.kind === 'error') {
    out.blockers.push(dropIn.message);
    return;
  }
  if (dropIn.mergeSafe !== true) {
    out.blockers.push(`${dropIn.notes[0] ?? ''} Leave out --containerd-drop-in to add the runtime to ${paths.config} itself (backed up, nothing dropped).`);
    return;
  }
  const inline = inspectContainerdConfig(configText, paths.config);
  if (inline.kind === 'ok' && inline.info.runtimes.some((r) => r.name === runtimeName)) {
    out.blockers.push(`${paths.config} itself already defines the runtime "${runtimeName}", so a drop-in would only shadow it. Leave out --containerd-drop-in, or remove that runtime from ${paths.config} first.`);
    return;
  }
  out.notes.push(`containerd ${containerdVersion ?? ''} merges imported files into the main config key by key, so the drop-in adds the runtime without hiding any setting of ${paths.config}.`);
  const before = fileOf('containerd_dropin');
  const content: ConfigEditResult = textOf(before) === dropIn.content
    ? { kind: 'unchanged', summary: [`${dropInPath} already holds the gVisor runtime "${runtimeName}".`] }
    : wholeFileResult(textOf(before), dropIn.content, `${before.exists ? 'Rewrite' : 'Write'} the drop-in ${dropInPath} with the gVisor runtime "${runtimeName}" (${RUNSC_RUNTIME_TYPE}, ConfigPath ${paths.runscToml}).`);
  writeFor('containerd-drop-in', dropInPath, before, content, true, fileOf('containerd_dropin_backup'), out);
  if (dropIn.coveredBy !== undefined) out.notes.push(`${paths.config} already imports it (${JSON.stringify(dropIn.coveredBy)}), so it stays as it is.`);
  else writeFor('containerd-config', paths.config, fileOf('containerd_config'), addImport(configText, dropInPath, paths.config), true, fileOf('containerd_config_backup'), out, o.testing?.transformContainerdConfig);
}

function writeFor(
  role: PlannedWrite['role'], path: string, before: NodeFile, result: ConfigEditResult, restarts: boolean,
  backupFile: NodeFile | undefined, out: { blockers: string[]; unchanged: string[]; writes: PlannedWrite[] }, transform?: (t: string) => string,
): void {
  if (result.kind === 'error') {
    out.blockers.push(result.message);
    return;
  }
  if (result.kind === 'unchanged') {
    out.unchanged.push(...result.summary);
    return;
  }
  const after = transform ? transform(result.text) : result.text;
  if (before.exists && before.text === after) {
    out.unchanged.push(`${path} already has what it needs.`);
    return;
  }
  const backup = before.exists ? backupOf(path) : undefined;
  const summary = [...result.summary];
  if (backup) summary.push(backupFile?.exists ? `The backup ${backup} from an earlier run is kept as it is.` : `The original is kept as ${backup}.`);
  out.writes.push({ role, path, before, after, summary, ...(backup ? { backup } : {}), check: role === 'containerd-config' || role === 'containerd-drop-in', restarts });
}

/** `binariesInstalled`: the plan made again after this run installed the binaries, from
 * what the node now reports (the new runsc's platform support, whether the shim is there). */
export function planInstall(facts: NodeFacts, o: InstallOptions, stage: { readonly binariesInstalled?: boolean } = {}): InstallPlan {
  const paths = installPaths(o);
  const warnings: string[] = [];
  const notes: string[] = [];
  const blockers: string[] = [];
  const unchanged: string[] = [];
  const writes: PlannedWrite[] = [];
  const state = parseInstallState(textOf(facts.files['state']));
  const runtimeName = o.runtimeName ?? 'runsc';
  const arch: ReleaseArch | undefined = releaseArch(facts.arch);
  if (!arch) blockers.push(`gVisor runs on x86_64 and arm64 (aarch64) nodes only; this node is ${facts.arch || 'of an unknown architecture'}.`);
  if (o.method === 'release') {
    const v = parseReleaseVersion(o.version);
    if (!v.ok) blockers.push(v.message);
    const badBase = o.releaseBaseUrl === undefined ? undefined : checkReleaseBaseUrl(o.releaseBaseUrl);
    if (badBase) blockers.push(badBase);
  }
  for (const [name, f] of Object.entries(facts.files)) {
    if (f.exists && f.text === undefined) blockers.push(`${name.replace(/_/g, ' ')} on the node is not a regular file; Kube Sandbox will not touch it.`);
  }

  const planned = planBinaries(facts, o, paths, state, arch, { warnings, notes, blockers });
  const bin: BinaryPlan = stage.binariesInstalled
    ? { ...planned, kind: 'none', summary: `runsc was installed in this run (${facts.runsc?.path ?? planned.runscPath}).`, shimExpected: facts.shim !== undefined }
    : planned;
  const platform = choosePlatform(facts, o, bin, { warnings, notes, blockers });

  let runtime: RuntimeTarget | undefined;
  let restart: RestartPlan | undefined;
  const files = facts.files;
  const fileOf = (name: string): NodeFile => files[name] ?? { exists: false };
  if (facts.containerd) {
    const configText = textOf(fileOf('containerd_config'));
    if (facts.k3s && !o.containerdConfig) {
      notes.push('This looks like a k3s node: k3s runs its own containerd with a generated config under /var/lib/rancher/k3s/agent/etc/containerd/. Point --containerd-config at config.toml.tmpl there to change it.');
    }
    const runscToml = ensureRunscToml(textOf(fileOf('runsc_toml')), { platform, binaryName: bin.runscPath }, paths.runscToml);
    writeFor('runsc-config', paths.runscToml, fileOf('runsc_toml'), runscToml, false, fileOf('runsc_toml_backup'), { blockers, unchanged, writes });
    if (state.containerdDropIn && state.containerdDropIn !== paths.containerdDropIn) {
      blockers.push(`An earlier install put the runtime in the drop-in ${state.containerdDropIn}. Run again with --containerd-drop-in ${state.containerdDropIn}, or uninstall first.`);
    } else if (paths.containerdDropIn) {
      planDropInWrites(facts, o, paths, configText, runtimeName, { blockers, notes, unchanged, writes });
    } else {
      const edited = addRunscRuntime(configText ?? '', {
        runtimeName, configPath: paths.runscToml, fileLabel: paths.config,
        ...(facts.containerd.version ? { containerdVersion: facts.containerd.version } : {}),
      });
      if (configText === undefined && edited.kind === 'changed') {
        notes.push(`containerd has no config file at ${paths.config} (it runs on built-in defaults): a new one is written with the runtimes runc and ${runtimeName}.`);
      }
      writeFor('containerd-config', paths.config, fileOf('containerd_config'), edited, true, fileOf('containerd_config_backup'),
        { blockers, unchanged, writes }, o.testing?.transformContainerdConfig);
    }
    const finalText = writes.find((w) => w.role === 'containerd-config')?.after ?? configText;
    const parsedVersion = finalText ? parseToml(finalText, paths.config) : undefined;
    const configVersion = parsedVersion?.kind === 'ok' && typeof parsedVersion.value['version'] === 'number' ? parsedVersion.value['version'] : undefined;
    runtime = {
      kind: 'containerd', bin: facts.containerd.bin, socket: socketOf(finalText),
      ...(facts.containerd.version ? { version: facts.containerd.version } : {}), ...(configVersion !== undefined ? { configVersion } : {}),
    };
    if (!facts.tools.has('ctr')) warnings.push('ctr (containerd\'s client) is not on the node\'s PATH, so the health check after a restart cannot ask containerd whether it answers.');
    restart = restartPlan(facts, o, 'containerd');
  } else if (facts.crio) {
    const dropIn = ensureCrioDropIn(textOf(fileOf('crio_dropin')), { runtimeName, runtimePath: bin.runscPath, mode: 'oci', fileLabel: paths.crioDropIn });
    writeFor('crio-drop-in', paths.crioDropIn, fileOf('crio_dropin'), dropIn, true, fileOf('crio_dropin_backup'), { blockers, unchanged, writes });
    notes.push('CRI-O runs runsc directly as an OCI runtime, with runsc\'s default platform (CRI-O passes no runsc flags in that mode).');
    runtime = { kind: 'crio', bin: facts.crio.bin, socket: DEFAULT_CRIO_SOCKET, ...(facts.crio.version ? { version: facts.crio.version } : {}) };
    restart = restartPlan(facts, o, 'crio');
  } else {
    blockers.push('Neither containerd nor CRI-O is installed on the node (looked on PATH as root). gVisor is added to the container runtime Kubernetes uses: install one first, or run on a Kubernetes node.');
  }

  const needsRestart = writes.some((w) => w.restarts);
  if (needsRestart && !restart && runtime) {
    blockers.push(`The node has neither systemd nor OpenRC, so Kube Sandbox cannot restart ${runtime.kind} by itself after changing its config. Pass the command that restarts it (--restart-command).`);
  }
  const shimReady = runtime?.kind === 'crio' || bin.shimExpected;
  if (runtime?.kind === 'containerd' && !bin.shimExpected) {
    warnings.push(
      `containerd-shim-runsc-v1 will be missing: ${bin.kind === 'upload' || (bin.kind === 'none' && o.method === 'upload') ? 'no --shim-binary was given' : 'the distribution\'s runsc package brings only runsc (as Debian 12\'s does)'}. ` +
      `containerd starts gVisor pods through that shim, so pods with a gVisor RuntimeClass would fail to start on this node. Use --method release (the official release brings the shim) or --method upload with --shim-binary. ` +
      'The runtime config and the runsc check still run, but the node is not labelled as ready for gVisor.');
  }

  const steps: string[] = [bin.summary];
  for (const w of writes) steps.push(...w.summary.map((s, i) => (i === 0 ? s : `  ${s}`)));
  for (const u of unchanged) steps.push(u);
  if (runtime?.kind === 'containerd' && writes.some((w) => w.role === 'containerd-config' || w.role === 'containerd-drop-in')) {
    steps.push('Compare containerd\'s effective config (containerd config dump) before and after the edit: if any setting would be lost or changed, put every file back without restarting.');
  }
  if (needsRestart && restart && runtime) {
    steps.push(`Restart ${runtime.kind} (${describeRestart(restart)}), wait up to ${Math.round((o.healthTimeoutMs ?? 60_000) / 1000)} s for it to answer with its CRI plugin running; if it does not, put the config back as it was, restart again and say so.`);
  } else if (runtime) {
    steps.push(`No restart: ${runtime.kind}'s config does not change.`);
  }
  steps.push(`Verify: run a throwaway sandbox (runsc --platform=${platform} --network=none do uname -r; dmesg) and compare its kernel with the node's${runtime?.kind === 'containerd' ? '; check that containerd\'s config dump lists the runsc runtime' : ''}${runtime?.kind === 'containerd' && shimReady ? '; then have containerd run a throwaway container with the runsc runtime (through containerd-shim-runsc-v1; no image is pulled: the node\'s own /usr, read-only, is its root) and check that it booted gVisor' : ''}.`);
  if (shimReady) steps.push(`Label the Kubernetes node kube-sandbox.dev/gvisor=<runsc version>${o.nodeName ? ` (node ${o.nodeName})` : ' (when a cluster is given)'}.`);
  return {
    node: describeNode(facts), paths, ...(runtime ? { runtime } : {}), binaries: bin, platform, writes, unchanged,
    ...(restart ? { restart } : {}), runtimeName, steps, warnings, notes, blockers,
    nothingToDo: bin.kind === 'none' && writes.length === 0, shimReady, state,
  };
}
