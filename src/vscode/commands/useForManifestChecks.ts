import * as vscode from 'vscode';
import { isSandboxHandler } from '../../core/cluster/kubeObjects';
import { errorMessage } from '../output';
import { requireTrust, targetContext } from './clusterTarget';
import type { CommandDeps } from './index';

/**
 * Use for Manifest Checks: open manifests are checked against this cluster's RuntimeClasses
 * (a class it lacks is an error; a class counts as sandboxed by its handler). Returns whether
 * the classes could be read.
 */
export function useForManifestChecks({ clusters }: CommandDeps) {
  return async (node?: unknown): Promise<boolean> => {
    if (!requireTrust('Use for Manifest Checks')) return false;
    const context = await targetContext(clusters, node, 'Check manifests against the RuntimeClasses of');
    if (context === undefined) return false;
    const state = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Reading the RuntimeClasses of ${context}` },
      () => clusters.checks.choose(context),
    );
    if (state?.kind !== 'loaded') {
      // The source has already warned, with a Retry; this only says the choice is kept.
      const why = state?.kind === 'failed' ? ` (${errorMessage(state.error)})` : '';
      void vscode.window.showWarningMessage(`Cluster "${context}" is chosen for manifest checks, but its RuntimeClasses could not be read yet${why}.`);
      return false;
    }
    const classes = state.items.map((rc) => `${rc.metadata?.name ?? ''}${isSandboxHandler(rc.handler) ? '' : ' (not a sandbox)'}`);
    void vscode.window.showInformationMessage(
      classes.length === 0
        ? `Manifests are now checked against cluster "${context}", which has no RuntimeClass yet: every runtimeClassName is an error until one is created (Create RuntimeClass…).`
        : `Manifests are now checked against cluster "${context}": a runtimeClassName other than ${classes.join(', ')} is an error, as the API server would refuse the pod.`,
    );
    return true;
  };
}
