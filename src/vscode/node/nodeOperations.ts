// What differs between Install gVisor on Node… and Uninstall gVisor from Node…: the core call,
// how its plan and result read, and when a plan changes something (and so needs a "yes").
import { installGvisor, type InstallDeps, type InstallReport, type InstallRequest } from '../../core/node/installer';
import type { InstallPlan } from '../../core/node/installPlan';
import {
  renderInstallPlan, renderInstallReport, renderPlanDiffs, renderUninstallDiffs, renderUninstallPlan, renderUninstallReport,
} from '../../core/node/installText';
import { uninstallGvisor, type UninstallReport } from '../../core/node/uninstaller';
import type { UninstallPlan } from '../../core/node/uninstallPlan';

export type OperationDeps<P> = Omit<InstallDeps, 'onPlan'> & { readonly onPlan?: (plan: P) => boolean | void | Promise<boolean | void> };

export interface NodeOperation<P, R extends { readonly outcome: string; readonly error?: string; readonly labelProblem?: string; readonly target: string }> {
  readonly kind: 'install' | 'uninstall';
  /** "Install", for the confirmation button. */
  readonly verb: string;
  /** "Installing gVisor on", for progress titles. */
  readonly doing: string;
  run(deps: OperationDeps<P>, request: InstallRequest): Promise<R>;
  renderPlan(target: string, plan: P): string;
  renderDiffs(plan: P): string;
  /** Equal keys: the second run would do what the user approved. */
  planKey(plan: P): string;
  /** The plan writes, installs, removes or restarts something. */
  changesSomething(plan: P): boolean;
  warnings(plan: P): readonly string[];
  renderReport(r: R): string;
  succeeded(r: R): boolean;
}

export const INSTALL: NodeOperation<InstallPlan, InstallReport> = {
  kind: 'install',
  verb: 'Install',
  doing: 'Installing gVisor on',
  run: (deps, request) => installGvisor(deps, request),
  renderPlan: renderInstallPlan,
  renderDiffs: renderPlanDiffs,
  planKey: (p) => JSON.stringify([p.binaries.kind, p.binaries.summary, p.writes.map((w) => [w.path, w.after]), p.restart ?? null, p.blockers]),
  changesSomething: (p) => !p.nothingToDo,
  warnings: (p) => p.warnings,
  renderReport: renderInstallReport,
  succeeded: (r) => (r.outcome === 'installed' || r.outcome === 'already-installed') && !r.labelProblem,
};

export const UNINSTALL: NodeOperation<UninstallPlan, UninstallReport> = {
  kind: 'uninstall',
  verb: 'Uninstall',
  doing: 'Uninstalling gVisor from',
  run: (deps, request) => uninstallGvisor(deps, request),
  renderPlan: renderUninstallPlan,
  renderDiffs: renderUninstallDiffs,
  planKey: (p) => JSON.stringify([p.restores.map((r) => [r.path, r.after ?? null]), p.removals, p.removePackage ?? null, p.blockers]),
  changesSomething: (p) => !p.nothingRecorded && (p.restores.length > 0 || p.removals.length > 0 || p.removePackage !== undefined),
  warnings: (p) => p.warnings,
  renderReport: renderUninstallReport,
  succeeded: (r) => (r.outcome === 'uninstalled' || r.outcome === 'nothing-recorded') && !r.labelProblem,
};

/** The report's first line ("gVisor installed on root@10.0.0.12:22 (4.2 s).") without the timing. */
export function headline(reportText: string): string {
  return (reportText.split('\n')[0] ?? '').replace(/ \(\d+(\.\d+)? s\)\.$/, '.');
}
