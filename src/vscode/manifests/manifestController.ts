import * as vscode from 'vscode';
import type { Config } from '../config';
import { SandboxCodeActionProvider } from './codeActions';
import { WorkloadCodeLensProvider } from './codeLens';
import { ManifestDiagnostics } from './diagnostics';
import type { ManifestAnalysisCache } from './manifestAnalysisCache';
import { MANIFEST_SELECTOR } from './manifestDocuments';

/**
 * Turns the manifest providers on and off as settings change, so a switched-off feature
 * costs nothing (no listeners, no analysis).
 *
 * The settings are resource-scoped but registrations are global: a provider stays registered
 * while its setting is on for the window or for any workspace folder, and each provider checks
 * the setting again for the document it is asked about.
 */
export class ManifestController implements vscode.Disposable {
  private diagnostics: ManifestDiagnostics | undefined;
  private codeActions: vscode.Disposable | undefined;
  private codeLens: { provider: WorkloadCodeLensProvider; registration: vscode.Disposable } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly cache: ManifestAnalysisCache,
    private readonly config: Config,
    private readonly ruleDocs: (code: string) => vscode.Uri,
  ) {
    config.onDidChange((change) => {
      if (change.affects('manifestChecks.enabled') || change.affects('codeLens.enabled')) this.update();
    }, null, this.subscriptions);
    vscode.workspace.onDidChangeWorkspaceFolders(() => this.update(), null, this.subscriptions);
    this.update();
  }

  private update(): void {
    const checks = this.enabledAnywhere((scope) => this.config.manifestChecksEnabled(scope));
    if (checks && !this.diagnostics) {
      this.diagnostics = new ManifestDiagnostics(this.cache, this.config, this.ruleDocs);
      this.codeActions = vscode.languages.registerCodeActionsProvider(
        MANIFEST_SELECTOR,
        new SandboxCodeActionProvider(this.cache, this.config),
        SandboxCodeActionProvider.metadata(),
      );
    } else if (!checks && this.diagnostics) {
      this.disposeChecks();
    }

    const lenses = this.enabledAnywhere((scope) => this.config.codeLensEnabled(scope));
    if (lenses && !this.codeLens) {
      const provider = new WorkloadCodeLensProvider(this.cache, this.config);
      this.codeLens = { provider, registration: vscode.languages.registerCodeLensProvider(MANIFEST_SELECTOR, provider) };
    } else if (!lenses && this.codeLens) {
      this.disposeLenses();
    }
  }

  private enabledAnywhere(enabled: (scope?: vscode.ConfigurationScope) => boolean): boolean {
    return enabled() || (vscode.workspace.workspaceFolders ?? []).some((folder) => enabled(folder));
  }

  private disposeChecks(): void {
    this.codeActions?.dispose();
    this.diagnostics?.dispose();
    this.codeActions = undefined;
    this.diagnostics = undefined;
  }

  private disposeLenses(): void {
    this.codeLens?.registration.dispose();
    this.codeLens?.provider.dispose();
    this.codeLens = undefined;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.disposeChecks();
    this.disposeLenses();
  }
}
