// Uninstalls what installGvisor recorded on a node (uninstallPlan.ts), restarting the runtime
// when a config goes back, and putting Kube Sandbox's config back if the runtime does not
// come up healthy with the restored one. Then removes the node label.
import { GVISOR_NODE_LABEL } from '../cluster/kubeObjects';
import { findClusterNode } from './clusterNode';
import { checkInstallOptions, DEFAULT_HEALTH_TIMEOUT_MS, installPaths } from './installOptions';
import { detectNode, errText, type InstallDeps, type InstallProgress, type InstallRequest, type InstallStep } from './installer';
import { textOf } from './installPlan';
import { parseInstallState } from './installState';
import { dropState, restartAndWait, restoreFile, sha256Hex } from './installSteps';
import type { NodeFacts } from './nodeFacts';
import { ScriptSession } from './scriptSession';
import { planUninstall, type UninstallPlan } from './uninstallPlan';

export type UninstallOutcome = 'uninstalled' | 'nothing-recorded' | 'dry-run' | 'declined' | 'blocked' | 'failed';

export interface UninstallReport {
  readonly target: string;
  readonly outcome: UninstallOutcome;
  readonly facts?: NodeFacts;
  readonly plan?: UninstallPlan;
  readonly changed: readonly string[];
  readonly restarted: boolean;
  readonly messages: readonly string[];
  readonly labelRemoved?: string;
  readonly labelProblem?: string;
  readonly error?: string;
  readonly durationMs: number;
}

export type UninstallDeps = Omit<InstallDeps, 'onPlan'> & {
  readonly onPlan?: (plan: UninstallPlan) => boolean | void | Promise<boolean | void>;
};

export async function uninstallGvisor(deps: UninstallDeps, request: InstallRequest): Promise<UninstallReport> {
  const onPlan = deps.onPlan;
  const started = Date.now();
  const emit = (step: InstallStep, kind: InstallProgress['kind'], message: string): void => deps.onProgress?.({ step, kind, message });
  const changed: string[] = [];
  const messages: string[] = [];
  let restarted = false;
  let facts: NodeFacts | undefined;
  let plan: UninstallPlan | undefined;
  const finish = (outcome: UninstallOutcome, extra: Partial<UninstallReport> = {}): UninstallReport => ({
    target: deps.shell.label, outcome, changed, messages, restarted, durationMs: Date.now() - started,
    ...(facts ? { facts } : {}), ...(plan ? { plan } : {}), ...extra,
  });
  const problems = checkInstallOptions({ ...request, method: request.method === 'upload' && !request.upload ? 'release' : request.method });
  if (problems.length > 0) return finish('blocked', { error: problems.join(' ') });
  const paths = installPaths(request);
  let session: ScriptSession | undefined;
  try {
    emit('detect', 'start', `Connecting the node script to ${deps.shell.label}`);
    session = await ScriptSession.open(deps.shell, { log: (l) => emit('uninstall', 'log', l), ...(deps.signal ? { signal: deps.signal } : {}) });
    facts = await detectNode(session, request, paths.binDir, false);
    // An install through a drop-in recorded where it is: look at it too, even unasked.
    const recordedDropIn = parseInstallState(textOf(facts.files['state'])).containerdDropIn;
    const effective = recordedDropIn && recordedDropIn !== request.containerdDropIn ? { ...request, containerdDropIn: recordedDropIn } : request;
    if (effective !== request) facts = await detectNode(session, effective, paths.binDir, false);
    plan = planUninstall(facts, effective);
    emit('detect', 'done', plan.node);
    messages.push(...plan.warnings);
    const go = await onPlan?.(plan);
    if (plan.blockers.length > 0) return finish('blocked', { error: plan.blockers.join(' ') });
    if (request.dryRun) return finish('dry-run');
    if (go === false) return finish('declined');
    const label = await removeLabel(deps, request.nodeName, facts, emit);
    if (plan.nothingRecorded) {
      messages.push(`Kube Sandbox has no record of installing gVisor for ${paths.config} on this node (${paths.stateFile}); nothing to undo there.`);
      return finish('nothing-recorded', label);
    }

    const restored: Array<{ path: string; ours: string; sha256: string }> = [];
    for (const r of plan.restores) {
      emit('uninstall', 'start', r.summary);
      await restoreFile(session, r.path, r.after === undefined ? { exists: false } : { exists: true, sha256: '', text: r.after }, r.before.sha256);
      restored.push({ path: r.path, ours: r.before.text ?? '', sha256: r.after === undefined ? '' : sha256Hex(r.after) });
      changed.push(r.path);
    }
    if (plan.restart && plan.runtime && plan.restores.some((r) => r.restarts)) {
      emit('restart', 'start', `Restarting ${plan.runtime.kind}`);
      const health = await restartAndWait(session, plan.restart, plan.runtime, request.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, { signal: null });
      restarted = true;
      if (!health.healthy) {
        // The original config does not bring the runtime up: put ours back rather than leave it down.
        for (const r of [...restored].reverse()) {
          await restoreFile(session, r.path, { exists: true, sha256: '', text: r.ours }, r.sha256 || 'absent');
        }
        const again = await restartAndWait(session, plan.restart, plan.runtime, request.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, { signal: null });
        messages.push(`${plan.runtime.kind} did not come back healthy with the restored config (${health.detail ?? 'no answer'}), so Kube Sandbox's config was put back${again.healthy ? ' and it is healthy again' : `, and it is still not healthy (${again.detail ?? 'no answer'})`}. Nothing else was removed.`);
        return finish('failed', { ...label, error: `${plan.runtime.kind} was unhealthy with the restored config.` });
      }
      emit('restart', 'done', `${plan.runtime.kind} restarted and healthy`);
    }
    for (const r of plan.restores) {
      if (r.backup) await session.run(`Removing ${r.backup.path}`, { sub: 'remove', path: r.backup.path, expectSha256: r.backup.sha256 }, 60_000, { signal: null });
    }
    for (const f of plan.removals) {
      const kv = f.kind === 'dir'
        ? await session.run(`Removing ${f.path}`, { sub: 'remove-dir', path: f.path }, 60_000, { signal: null })
        : await session.run(`Removing ${f.path}`, { sub: 'remove', path: f.path, ...(f.sha256 ? { expectSha256: f.sha256 } : {}) }, 60_000, { signal: null });
      if (kv.yes('removed')) changed.push(f.path);
      if (kv.has('kept_changed')) messages.push(`${f.path} changed since Kube Sandbox installed it, so it was left in place.`);
    }
    if (plan.removePackage) {
      emit('uninstall', 'start', `Removing the ${plan.removePackage} package`);
      await session.run(`Removing the ${plan.removePackage} package`, { sub: 'remove-package', name: plan.removePackage }, 600_000, { signal: null });
      changed.push(`${plan.removePackage} package`);
    }
    await dropState(session, paths.stateFile);
    emit('uninstall', 'done', changed.length > 0 ? `Removed or restored ${changed.join(', ')}` : 'Nothing left to remove');
    return finish('uninstalled', label);
  } catch (err) {
    return finish('failed', { error: errText(err) });
  } finally {
    await session?.close();
  }
}

async function removeLabel(
  deps: UninstallDeps, nodeName: string | undefined, facts: NodeFacts, emit: (s: InstallStep, k: InstallProgress['kind'], m: string) => void,
): Promise<Partial<UninstallReport>> {
  if (!deps.cluster) return {};
  try {
    let name = nodeName;
    if (!name) {
      const match = findClusterNode(await deps.cluster.listNodes(deps.signal ? { signal: deps.signal } : {}), deps.address, facts.hostname);
      if (match.kind !== 'found') return { labelProblem: `Could not tell which Kubernetes node this is (pass --node NAME); its ${GVISOR_NODE_LABEL} label was left.` };
      name = match.name;
    }
    emit('label', 'start', `Removing ${GVISOR_NODE_LABEL} from node ${name}`);
    await deps.cluster.labelNode(name, GVISOR_NODE_LABEL, null, deps.signal ? { signal: deps.signal } : {});
    return { labelRemoved: name };
  } catch (err) {
    return { labelProblem: `Removing the ${GVISOR_NODE_LABEL} label failed: ${errText(err)}` };
  }
}
