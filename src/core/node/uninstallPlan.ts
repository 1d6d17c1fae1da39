// Undoing an install, from the node's record of it (installState): configs go back to their
// first backup (or away, if Kube Sandbox created them), installed files and packages are
// removed. Anything changed by someone else since it was written is left alone and named.
import { backupOf, detectFiles, installPaths, type InstallOptions, type InstallPaths } from './installOptions';
import { describeNode, describeRestart, DEFAULT_CRIO_SOCKET, socketOf, textOf, type RestartPlan, type RuntimeTarget } from './installPlan';
import { isEmptyState, parseInstallState, type InstallState } from './installState';
import type { NodeFacts, NodeFile } from './nodeFacts';

export interface PlannedRestore {
  readonly path: string;
  readonly before: NodeFile & { readonly exists: true; readonly sha256: string };
  /** The text to put back; undefined removes the file (Kube Sandbox created it). */
  readonly after?: string;
  readonly backup?: { readonly path: string; readonly sha256: string };
  readonly restarts: boolean;
  readonly summary: string;
}

export interface UninstallPlan {
  readonly node: string;
  readonly paths: InstallPaths;
  readonly state: InstallState;
  readonly restores: readonly PlannedRestore[];
  readonly removals: ReadonlyArray<{ readonly path: string; readonly kind: 'file' | 'dir'; readonly sha256?: string }>;
  readonly removePackage?: string;
  readonly runtime?: RuntimeTarget;
  readonly restart?: RestartPlan;
  readonly steps: readonly string[];
  readonly warnings: readonly string[];
  readonly blockers: readonly string[];
  /** The node holds no record of an install for this config. */
  readonly nothingRecorded: boolean;
}

export function planUninstall(facts: NodeFacts, o: InstallOptions): UninstallPlan {
  const paths = installPaths(o);
  const state = parseInstallState(textOf(facts.files['state']));
  const names = detectFiles(paths);
  const byPath = new Map<string, { file: NodeFile; backup: NodeFile }>();
  for (const [name, path] of Object.entries(names)) {
    if (name.endsWith('_backup') || name === 'state') continue;
    byPath.set(path, { file: facts.files[name] ?? { exists: false }, backup: facts.files[`${name}_backup`] ?? { exists: false } });
  }
  const warnings: string[] = [];
  const blockers: string[] = [];
  const restores: PlannedRestore[] = [];
  const restartingPaths = new Set([paths.config, paths.crioDropIn, ...(paths.containerdDropIn ? [paths.containerdDropIn] : [])]);
  for (const c of state.configs) {
    const seen = byPath.get(c.path);
    if (!seen) {
      warnings.push(`${c.path} was changed by an install with other paths; run uninstall with the same --containerd-config to restore it.`);
      continue;
    }
    const cur = seen.file;
    if (!cur.exists || cur.sha256 === undefined) {
      warnings.push(`${c.path} is gone already; nothing to restore.`);
      continue;
    }
    if (cur.sha256 !== c.sha256) {
      warnings.push(`${c.path} was changed after Kube Sandbox wrote it, so it is left as it is${c.backup ? `; the original is in ${c.backup}` : ''}. Remove the runsc runtime from it by hand.`);
      continue;
    }
    const restarts = restartingPaths.has(c.path);
    const current = cur;
    if (c.created) {
      restores.push({ path: c.path, before: current, restarts, summary: `Remove ${c.path} (Kube Sandbox created it).` });
      continue;
    }
    const b = seen.backup;
    if (!b.exists || b.text === undefined || b.sha256 === undefined || (c.backup && c.backup !== backupOf(c.path))) {
      warnings.push(`The backup of ${c.path} (${c.backup ?? backupOf(c.path)}) is missing, so ${c.path} is left as it is. Remove the runsc runtime from it by hand.`);
      continue;
    }
    restores.push({
      path: c.path, before: current, after: b.text, backup: { path: backupOf(c.path), sha256: b.sha256 }, restarts,
      summary: `Restore ${c.path} from ${backupOf(c.path)} (the original, from before the first install), then remove the backup.`,
    });
  }
  const removals: Array<{ path: string; kind: 'file' | 'dir'; sha256?: string }> = [
    ...state.files.map((f) => ({ path: f.path, kind: 'file' as const, ...(f.sha256 ? { sha256: f.sha256 } : {}) })),
    ...state.dirs.map((d) => ({ path: d, kind: 'dir' as const })),
    ...state.aptFiles.map((f) => ({ path: f, kind: 'file' as const })),
  ];
  let runtime: RuntimeTarget | undefined;
  let restart: RestartPlan | undefined;
  const needsRestart = restores.some((r) => r.restarts);
  if (facts.containerd) {
    const after = restores.find((r) => r.path === paths.config);
    runtime = { kind: 'containerd', bin: facts.containerd.bin, socket: socketOf(after ? after.after : textOf(byPath.get(paths.config)?.file)) };
  } else if (facts.crio) {
    runtime = { kind: 'crio', bin: facts.crio.bin, socket: DEFAULT_CRIO_SOCKET };
  }
  const service = runtime?.kind ?? 'containerd';
  if (o.restartCommand?.length) restart = { kind: 'command', argv: o.restartCommand };
  else if (facts.init === 'systemd' || facts.init === 'openrc') restart = { kind: 'service', service, init: facts.init };
  if (needsRestart && !restart) blockers.push(`The node has neither systemd nor OpenRC, so ${service} cannot be restarted after its config is restored. Pass --restart-command.`);

  const steps = [
    ...restores.map((r) => r.summary),
    ...removals.map((r) => `Remove ${r.path}${r.sha256 ? ' (unless it changed since it was installed)' : ''}.`),
    ...(state.package ? [`Remove the ${state.package} package (apt-get remove ${state.package}).`] : []),
    ...(needsRestart && restart ? [`Restart ${service} (${describeRestart(restart)}) and check it answers; if not, put Kube Sandbox's config back and restart again.`] : []),
    `Remove the install record ${paths.stateFile}.`,
    'Remove the node label kube-sandbox.dev/gvisor (when a cluster is given).',
  ];
  return {
    node: describeNode(facts), paths, state, restores, removals, ...(state.package ? { removePackage: state.package } : {}),
    ...(runtime ? { runtime } : {}), ...(restart ? { restart } : {}), steps, warnings, blockers,
    nothingRecorded: isEmptyState(state),
  };
}
