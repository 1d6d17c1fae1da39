import * as vscode from 'vscode';
import type { CommandDeps } from './index';

/** Stop Using for Manifest Checks: manifests are checked without a cluster again. */
export function stopManifestChecks({ clusters }: CommandDeps) {
  return async (): Promise<void> => {
    const previous = clusters.checks.contextName;
    if (previous === undefined) {
      void vscode.window.showInformationMessage('No cluster is used for manifest checks. Choose one with "Use for Manifest Checks" on a cluster in the Clusters view.');
      return;
    }
    await clusters.checks.choose(undefined);
    void vscode.window.showInformationMessage(
      `Manifests are no longer checked against cluster "${previous}": runtimeClassName values are judged by the kubeSandbox.sandboxRuntimeClasses setting only.`,
    );
  };
}
