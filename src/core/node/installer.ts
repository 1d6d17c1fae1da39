// Installs gVisor on one node: detect, plan, install binaries, write configs (backed up,
// checked, swapped atomically), restart and health-check the runtime, verify with a real
// sandbox, label the node. Anything that fails after a config changed puts the config back as
// it was, restarts again and says so. A run with nothing to change writes nothing and
// restarts nothing. Side effects come in as parameters (NodeShell, NodeLabeler).
import { GVISOR_NODE_LABEL } from '../cluster/kubeObjects';
import { findClusterNode } from './clusterNode';
import { describeChanges, lostSettings } from './containerdDump';
import { gvisorLabelValue } from './gvisorRelease';
import { PACKAGE_BIN_DIR } from './installBinaries';
import { checkInstallOptions, DEFAULT_HEALTH_TIMEOUT_MS, detectFiles, installPaths, type InstallOptions } from './installOptions';
import { planInstall, type InstallPlan, type PlannedWrite } from './installPlan';
import { withConfig, withFiles, type InstallState } from './installState';
import {
  dropBackup, effectiveConfig, installBinaries, restartAndWait, restoreFile, saveState, verifyProblem, verifySandbox, writePlanned,
} from './installSteps';
import { parseNodeFacts, type NodeFacts, type NodeFile, type VerifyEvidence } from './nodeFacts';
import type { NodeLabeler, NodeShell } from './nodeShell';
import type { RunscPlatform } from './runscToml';
import { ScriptSession } from './scriptSession';

export type InstallStep = 'detect' | 'install' | 'configure' | 'restart' | 'verify' | 'label' | 'rollback' | 'uninstall';

export interface InstallProgress {
  readonly step: InstallStep;
  readonly kind: 'start' | 'done' | 'info' | 'warn' | 'log';
  readonly message: string;
}

export interface InstallDeps {
  readonly shell: NodeShell;
  /** The cluster, to label the node; none: no label. */
  readonly cluster?: NodeLabeler;
  /** The address the shell connected to, to find the Kubernetes node by. */
  readonly address?: string;
  readonly onProgress?: (p: InstallProgress) => void;
  /** Sees the plan before anything changes (also on a dry run); false stops there. */
  readonly onPlan?: (plan: InstallPlan) => boolean | void | Promise<boolean | void>;
  readonly signal?: AbortSignal;
}

export type InstallOutcome = 'installed' | 'already-installed' | 'dry-run' | 'declined' | 'blocked' | 'failed' | 'rolled-back';

export interface InstallReport {
  readonly target: string;
  readonly outcome: InstallOutcome;
  readonly facts?: NodeFacts;
  readonly plan?: InstallPlan;
  /** Files and packages this run changed. */
  readonly changed: readonly string[];
  readonly restarted: boolean;
  readonly runscVersion?: string;
  readonly platform?: RunscPlatform;
  readonly evidence?: VerifyEvidence;
  readonly label?: { readonly node: string; readonly key: string; readonly value: string };
  /** The label could not be set (the install itself worked). */
  readonly labelProblem?: string;
  /** What the user should know about this run, in order. */
  readonly messages: readonly string[];
  readonly error?: string;
  readonly durationMs: number;
}

export type InstallRequest = InstallOptions & { readonly dryRun?: boolean };

/** Uploads the script and detects; used by install and uninstall. */
export async function detectNode(s: ScriptSession, o: InstallOptions, hintDir: string, probe: boolean): Promise<NodeFacts> {
  const files = detectFiles(installPaths(o));
  const kv = await s.run('Detecting the node', {
    sub: 'detect', hintDir, files, ...(probe ? { probePlatform: o.platform ?? 'systrap' } : {}),
  }, 180_000);
  return parseNodeFacts(kv, Object.keys(files));
}

export async function installGvisor(deps: InstallDeps, request: InstallRequest): Promise<InstallReport> {
  const started = Date.now();
  let current: InstallStep = 'detect';
  const emit = (step: InstallStep, kind: InstallProgress['kind'], message: string): void => {
    if (kind === 'start') current = step;
    deps.onProgress?.({ step, kind, message });
  };
  const messages: string[] = [];
  const changed: string[] = [];
  const base = { target: deps.shell.label, changed, messages };
  const problems = checkInstallOptions(request);
  if (problems.length > 0) return { ...base, outcome: 'blocked', restarted: false, error: problems.join(' '), durationMs: Date.now() - started };

  const paths = installPaths(request);
  const hintDir = request.method === 'apt' || request.method === 'distro' ? PACKAGE_BIN_DIR : paths.binDir;
  let session: ScriptSession | undefined;
  let facts: NodeFacts | undefined;
  let plan: InstallPlan | undefined;
  let firstPlan: InstallPlan | undefined;
  let state: InstallState | undefined;
  let stateFile: NodeFile = { exists: false };
  const written: Array<{ write: PlannedWrite; sha256: string; backupCreated: boolean }> = [];
  let restarted = false;
  let restartAttempted = false;
  let evidence: VerifyEvidence | undefined;
  const about = `containerd config ${paths.config}`;
  const finish = (outcome: InstallOutcome, extra: Partial<InstallReport> = {}): InstallReport => ({
    ...base, outcome, restarted, durationMs: Date.now() - started,
    ...(facts ? { facts } : {}), ...(firstPlan ? { plan: firstPlan } : {}), ...(evidence ? { evidence } : {}),
    ...(facts?.runsc?.release ? { runscVersion: facts.runsc.release } : {}), ...(plan ? { platform: plan.platform } : {}),
    ...extra,
  });

  /** Puts back every config this run changed, restarts, and says how that went. */
  const rollback = async (why: string): Promise<InstallReport> => {
    if (!session || written.length === 0) return finish('failed', { error: why });
    emit('rollback', 'start', `Rolling back: ${why}`);
    try {
      const kept: string[] = [];
      for (const w of [...written].reverse()) {
        await restoreFile(session, w.write.path, w.write.before, w.sha256);
        if (!w.write.backup) continue;
        // A backup made by this run is now a copy of the restored file; an older one stays.
        const dropped = w.backupCreated && await dropBackup(session, w.write.backup, w.write.before).then(() => true, () => false);
        if (!dropped) kept.push(w.write.backup);
      }
      messages.push(`Rolled back: ${written.map((w) => w.write.path).join(', ')} ${written.length === 1 ? 'is' : 'are'} back as before this run${kept.length > 0 ? ` (the first backup also stays in ${kept.join(', ')})` : ''}.`);
      const binaries = changed.filter((c) => !written.some((w) => w.write.path === c));
      if (binaries.length > 0) messages.push(`Installed in this run and left in place (uninstall removes them): ${binaries.join(', ')}.`);
      // Until a restart was tried, the runtime still runs with the old config.
      if (restartAttempted && plan?.restart && plan.runtime && written.some((w) => w.write.restarts)) {
        const health = await restartAndWait(session, plan.restart, plan.runtime, request.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, { signal: null });
        restarted = true;
        messages.push(health.healthy
          ? `${plan.runtime.kind} was restarted with the old config and is healthy again.`
          : `${plan.runtime.kind} is still not healthy after the rollback (${health.detail ?? 'no answer'}). Check it on the node now (journalctl -u ${plan.runtime.kind}).`);
      }
      if (state && session) {
        const kept = { ...state, configs: plan?.state.configs ?? [] };
        stateFile = await saveState(session, paths.stateFile, stateFile, kept, about);
      }
      emit('rollback', 'done', 'Rollback finished');
    } catch (err) {
      messages.push(`The rollback itself failed: ${errText(err)}. Restore ${written.map((w) => w.write.backup ?? w.write.path).join(', ')} by hand.`);
    }
    written.length = 0;
    return finish('rolled-back', { error: why });
  };

  try {
    emit('detect', 'start', `Connecting the node script to ${deps.shell.label}`);
    session = await ScriptSession.open(deps.shell, { log: (l) => emit(current, 'log', l), ...(deps.signal ? { signal: deps.signal } : {}) });
    facts = await detectNode(session, request, hintDir, true);
    stateFile = facts.files['state'] ?? { exists: false };
    plan = planInstall(facts, request);
    firstPlan = plan;
    state = plan.state;
    emit('detect', 'done', plan.node);
    const go = await deps.onPlan?.(plan);
    if (plan.blockers.length > 0) return finish('blocked', { error: plan.blockers.join(' ') });
    if (request.dryRun) return finish('dry-run');
    if (go === false) return finish('declined');

    if (plan.binaries.kind !== 'none') {
      emit('install', 'start', plan.binaries.summary);
      const got = await installBinaries(session, plan.binaries, paths);
      changed.push(...got.changed);
      state = withFiles({ ...state, method: request.method, ...(request.version ? { version: request.version } : {}) }, got.files, got.dirs);
      if (got.releaseSha512) state = { ...state, releaseSha512: got.releaseSha512 };
      if (got.packageInstalled) state = { ...state, package: got.packageInstalled };
      if (got.aptFiles.length > 0) state = { ...state, aptFiles: [...new Set([...state.aptFiles, ...got.aptFiles])] };
      // Recorded now, so an uninstall finds them even if a later step fails.
      if (got.changed.length > 0) stateFile = await saveState(session, paths.stateFile, stateFile, state, about);
      emit('install', 'done', got.changed.length > 0 ? `Installed ${got.changed.join(', ')}` : 'The binaries were already up to date');
      // The new runsc decides the platform, and the shim's presence what the plan says.
      facts = await detectNode(session, request, hintDir, true);
      plan = planInstall(facts, request, { binariesInstalled: true });
      if (plan.blockers.length > 0) return finish('failed', { error: `The binaries were installed, but: ${plan.blockers.join(' ')}` });
    }

    const baseline = await effectiveBefore(session, plan, paths.config, emit);
    for (const w of plan.writes) {
      emit('configure', 'start', w.summary[0] ?? `Writing ${w.path}`);
      const r = await writePlanned(session, w, plan.runtime, plan.runtimeName);
      if (!r.changed || !r.sha256) continue;
      written.push({ write: w, sha256: r.sha256, backupCreated: r.backupCreated });
      changed.push(w.path);
      state = withConfig(state, { path: w.path, created: !w.before.exists, sha256: r.sha256, ...(w.backup ? { backup: w.backup } : {}) });
      if (w.role === 'containerd-drop-in') state = { ...state, containerdDropIn: w.path };
      emit('configure', 'done', `Wrote ${w.path}${r.backupCreated ? ` (original kept as ${w.backup ?? ''})` : ''}`);
    }

    if (baseline !== undefined && plan.runtime?.kind === 'containerd' && written.some((w) => w.write.restarts)) {
      const now = await effectiveConfig(session, plan.runtime.bin, paths.config);
      const lost = 'dump' in now ? lostSettings(baseline, now.dump, plan.runtimeName) : now;
      if (!Array.isArray(lost)) return await rollback(`containerd could not print its effective config after the edit (${lost.error}); nothing was restarted.`);
      if (lost.length > 0) return await rollback(`with the edit, containerd's effective config would lose or change settings it has now: ${describeChanges(lost)}. Nothing was restarted.`);
      emit('configure', 'done', 'containerd\'s effective config keeps every setting it had, plus the runtime');
    }

    if (plan.restart && plan.runtime && written.some((w) => w.write.restarts)) {
      emit('restart', 'start', `Restarting ${plan.runtime.kind}`);
      restartAttempted = true;
      const health = await restartAndWait(session, plan.restart, plan.runtime, request.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, deps.signal ? { signal: deps.signal } : {});
      restarted = true;
      if (!health.healthy) return await rollback(`${plan.runtime.kind} did not come back healthy after the restart: ${health.detail ?? 'no answer'}.`);
      emit('restart', 'done', `${plan.runtime.kind} restarted and healthy in ${(health.ms / 1000).toFixed(1)} s`);
    }

    emit('verify', 'start', 'Running a throwaway gVisor sandbox');
    evidence = await verifySandbox(session, plan, paths.config);
    const problem = verifyProblem(evidence, plan.runtime, plan.runtimeName);
    if (problem) {
      return written.length > 0 ? await rollback(`Verification failed: ${problem}.`) : finish('failed', { error: `Verification failed: ${problem}.` });
    }
    emit('verify', 'done', `gVisor works: the sandbox kernel is ${evidence.guestKernel} (the node's is ${evidence.nodeKernel}), dmesg says "${evidence.dmesg.find((l) => /gVisor/.test(l)) ?? 'Starting gVisor...'}"`);
    if (evidence.container?.ran) emit('verify', 'done', `containerd ran a throwaway container with the runsc runtime: it booted gVisor (kernel ${evidence.container.kernel})`);
    else if (evidence.container) {
      emit('verify', 'warn', `No container was run through containerd: ${evidence.container.skipped}`);
      messages.push(`The shim was not tried with a container: ${evidence.container.skipped}.`);
    }
    if (evidence.container?.ran && evidence.container.leftover) messages.push(`The check's temporary folder ${evidence.container.leftover} could not be removed (a mount may still be there); look at it on the node.`);
    written.length = 0; // confirmed: nothing to roll back from here on
    stateFile = await saveState(session, paths.stateFile, stateFile, state, about);

    const labelled = await labelNode(deps, request, facts, plan, emit);
    const outcome = changed.length === 0 && !restarted ? 'already-installed' : 'installed';
    // Warnings the plan shown first did not have (the installed runsc can tell more).
    for (const w of plan.warnings) if (!firstPlan.warnings.includes(w) && !messages.includes(w)) messages.push(w);
    return finish(outcome, labelled);
  } catch (err) {
    if (written.length > 0) return await rollback(`${errText(err)}`);
    return finish('failed', { error: errText(err) });
  } finally {
    await session?.close();
  }
}

/** containerd's effective config before this run's edit, to compare with after it; undefined
 * when there is no containerd config edit, or containerd cannot print it (then only the text-level
 * check applies, and the log says so). */
async function effectiveBefore(
  s: ScriptSession, plan: InstallPlan, config: string, emit: (s: InstallStep, k: InstallProgress['kind'], m: string) => void,
): Promise<string | undefined> {
  if (plan.runtime?.kind !== 'containerd' || !plan.writes.some((w) => w.restarts && (w.role === 'containerd-config' || w.role === 'containerd-drop-in'))) return undefined;
  const main = plan.writes.find((w) => w.role === 'containerd-config');
  if (main && !main.before.exists) return undefined; // a new file: containerd ran on its defaults
  const d = await effectiveConfig(s, plan.runtime.bin, config);
  if ('dump' in d) return d.dump;
  emit('configure', 'warn', `containerd cannot print its effective config now (${d.error}); the edit is checked by Kube Sandbox's own comparison only.`);
  return undefined;
}

async function labelNode(
  deps: InstallDeps, o: InstallOptions, facts: NodeFacts, plan: InstallPlan, emit: (s: InstallStep, k: InstallProgress['kind'], m: string) => void,
): Promise<Partial<InstallReport>> {
  if (!deps.cluster) return {};
  if (!plan.shimReady) return { labelProblem: 'The node was not labelled: without containerd-shim-runsc-v1, gVisor pods cannot start there.' };
  const value = gvisorLabelValue(facts.runsc?.release ?? facts.runsc?.versionLine ?? 'unknown');
  let name = o.nodeName;
  try {
    if (!name) {
      const match = findClusterNode(await deps.cluster.listNodes(deps.signal ? { signal: deps.signal } : {}), deps.address, facts.hostname);
      if (match.kind !== 'found') {
        return { labelProblem: match.kind === 'ambiguous'
          ? `Several Kubernetes nodes match this machine (${match.names.join(', ')}); pass --node NAME to label the right one.`
          : `No Kubernetes node has the address ${deps.address ?? '?'} or the host name ${facts.hostname}; pass --node NAME to label it.` };
      }
      name = match.name;
    }
    emit('label', 'start', `Labelling node ${name} ${GVISOR_NODE_LABEL}=${value}`);
    await deps.cluster.labelNode(name, GVISOR_NODE_LABEL, value, deps.signal ? { signal: deps.signal } : {});
    emit('label', 'done', `Node ${name} labelled`);
    return { label: { node: name, key: GVISOR_NODE_LABEL, value } };
  } catch (err) {
    return { labelProblem: `gVisor is installed and verified, but labelling node ${name ?? '?'} failed: ${errText(err)} Label it by hand: kubectl label node ${name ?? 'NODE'} ${GVISOR_NODE_LABEL}=${value} --overwrite` };
  }
}

export function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
