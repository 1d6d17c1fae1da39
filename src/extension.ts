import * as vscode from 'vscode';
import { createClusterServices } from './vscode/cluster/clusterServices';
import { registerCommands } from './vscode/commands';
import { Ctx } from './vscode/context';
import { EditorContextTracker } from './vscode/manifests/editorContext';
import { ManifestAnalysisCache } from './vscode/manifests/manifestAnalysisCache';
import { ManifestController } from './vscode/manifests/manifestController';
import { ruleDocsLinker } from './vscode/manifests/ruleDocs';
import { errorMessage } from './vscode/output';
import type { ClusterTreeProvider } from './vscode/tree/clusterTreeProvider';

/**
 * What `activate` returns (`extension.exports`). Only the integration tests use it: they read
 * the Clusters view through its provider, as the view does, since a test cannot read a tree's
 * rows from the workbench. Not a public API.
 */
export interface KubeSandboxTestHooks {
  readonly clusterTree: ClusterTreeProvider;
}

// Wiring only: every object is created here, owned by `ctx`, and disposed with the extension.

export function activate(extension: vscode.ExtensionContext): KubeSandboxTestHooks {
  let ctx: Ctx | undefined;
  try {
    ctx = new Ctx(extension);
    const manifests = ctx.push(new ManifestAnalysisCache(ctx.config));
    ctx.push(new ManifestController(manifests, ctx.config, ruleDocsLinker(extension)));
    ctx.push(new EditorContextTracker(manifests, ctx.config, ctx.contextKeys));
    const clusters = createClusterServices(ctx, manifests);
    registerCommands({ ctx, manifests, clusters });
    ctx.output.info(`Kube Sandbox ${String((extension.extension.packageJSON as { version?: unknown }).version)} started.`);
    return { clusterTree: clusters.tree.provider };
  } catch (error) {
    ctx?.output.error('Kube Sandbox failed to start.', error);
    void vscode.window.showErrorMessage(
      `Kube Sandbox could not start: ${errorMessage(error)}. Manifest checks and commands are off; ` +
        'run "Developer: Reload Window" to try again, and see the "Kube Sandbox" output for details.',
    );
    ctx?.dispose();
    throw error;
  }
}

export function deactivate(): void {
  // Everything is disposed through `extension.subscriptions`, which holds `ctx`.
}
