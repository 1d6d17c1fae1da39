// Plain-text plans and results for the CLI and the editor's output channel.
import { unifiedDiff } from '../text/unifiedDiff';
import type { InstallReport } from './installer';
import type { InstallPlan } from './installPlan';
import { textOf } from './installPlan';
import type { UninstallReport } from './uninstaller';
import type { UninstallPlan } from './uninstallPlan';

const bullet = (lines: readonly string[], mark = '-'): string[] => lines.map((l) => `  ${mark} ${l}`);

export function renderInstallPlan(target: string, plan: InstallPlan): string {
  const out = [`Node ${target}: ${plan.node}`, 'Plan:'];
  let n = 0;
  for (const s of plan.steps) out.push(s.startsWith('  ') ? `      ${s.trim()}` : `  ${String(++n).padStart(2)}. ${s}`);
  if (plan.blockers.length > 0) out.push('Cannot install:', ...bullet(plan.blockers));
  if (plan.warnings.length > 0) out.push('Warnings:', ...bullet(plan.warnings));
  if (plan.notes.length > 0) out.push('Notes:', ...bullet(plan.notes));
  return `${out.join('\n')}\n`;
}

/** Unified diffs of every file the plan writes (a new file diffs against nothing). */
export function renderPlanDiffs(plan: Pick<InstallPlan, 'writes'>): string {
  return plan.writes.map((w) => unifiedDiff(textOf(w.before) ?? '', w.after, {
    oldLabel: w.before.exists ? `a${w.path}` : '/dev/null', newLabel: `b${w.path}`,
  })).join('');
}

export function renderUninstallPlan(target: string, plan: UninstallPlan): string {
  const out = [`Node ${target}: ${plan.node}`];
  if (plan.nothingRecorded) out.push(`Nothing recorded: Kube Sandbox has no record of installing gVisor for ${plan.paths.config} here (${plan.paths.stateFile}).`);
  else out.push('Plan:', ...plan.steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s}`));
  if (plan.blockers.length > 0) out.push('Cannot uninstall:', ...bullet(plan.blockers));
  if (plan.warnings.length > 0) out.push('Warnings:', ...bullet(plan.warnings));
  return `${out.join('\n')}\n`;
}

export function renderUninstallDiffs(plan: UninstallPlan): string {
  return plan.restores.map((r) => unifiedDiff(r.before.text ?? '', r.after ?? '', {
    oldLabel: `a${r.path}`, newLabel: r.after === undefined ? '/dev/null' : `b${r.path}`,
  })).join('');
}

const HEADLINE: Record<InstallReport['outcome'], string> = {
  'installed': 'gVisor installed',
  'already-installed': 'gVisor was already installed; nothing changed',
  'dry-run': 'Dry run: nothing was changed',
  'declined': 'Not installed: the plan was not approved; nothing was changed',
  'blocked': 'Not installed: the plan cannot run; nothing was changed',
  'failed': 'Install failed',
  'rolled-back': 'Install failed and was rolled back',
};

export function renderInstallReport(r: InstallReport): string {
  const out = [`${HEADLINE[r.outcome]} on ${r.target} (${(r.durationMs / 1000).toFixed(1)} s).`];
  if (r.error) out.push(`  Why: ${r.error}`);
  if (r.runscVersion && (r.outcome === 'installed' || r.outcome === 'already-installed')) {
    out.push(`  runsc ${r.runscVersion}, platform ${r.platform ?? '?'}.`);
  }
  if (r.changed.length > 0) out.push(`  Changed: ${r.changed.join(', ')}.`);
  if (r.outcome === 'installed' || r.outcome === 'rolled-back') out.push(`  Runtime restarted: ${r.restarted ? 'yes' : 'no'}.`);
  if (r.evidence && (r.outcome === 'installed' || r.outcome === 'already-installed')) {
    const e = r.evidence;
    out.push(`  Verified: a sandbox booted gVisor ("${e.dmesg.find((l) => /gVisor/.test(l))?.replace(/^\[[^\]]*\]\s*/, '') ?? 'Starting gVisor...'}") and reports kernel ${e.guestKernel}; the node's is ${e.nodeKernel}.`);
    if (e.dumpRuntimeType) out.push(`  containerd's config lists the runtime with runtime_type ${e.dumpRuntimeType}.`);
    if (e.container?.ran) out.push(`  containerd ran a throwaway container with that runtime: it booted gVisor and reports kernel ${e.container.kernel}.`);
  }
  if (r.label) out.push(`  Labelled node ${r.label.node} ${r.label.key}=${r.label.value}.`);
  if (r.labelProblem) out.push(`  ${r.labelProblem}`);
  for (const m of r.messages) out.push(`  Note: ${m}`);
  return `${out.join('\n')}\n`;
}

const UNINSTALL_HEADLINE: Record<UninstallReport['outcome'], string> = {
  'uninstalled': 'gVisor uninstalled',
  'nothing-recorded': 'Nothing to uninstall',
  'dry-run': 'Dry run: nothing was changed',
  'declined': 'Not uninstalled: the plan was not approved; nothing was changed',
  'blocked': 'Not uninstalled: the plan cannot run; nothing was changed',
  'failed': 'Uninstall failed',
};

export function renderUninstallReport(r: UninstallReport): string {
  const out = [`${UNINSTALL_HEADLINE[r.outcome]} on ${r.target} (${(r.durationMs / 1000).toFixed(1)} s).`];
  if (r.error) out.push(`  Why: ${r.error}`);
  if (r.changed.length > 0) out.push(`  Removed or restored: ${r.changed.join(', ')}.`);
  if (r.restarted) out.push('  Runtime restarted.');
  if (r.labelRemoved) out.push(`  Removed the label kube-sandbox.dev/gvisor from node ${r.labelRemoved}.`);
  if (r.labelProblem) out.push(`  ${r.labelProblem}`);
  for (const m of r.messages) out.push(`  Note: ${m}`);
  return `${out.join('\n')}\n`;
}
