import * as vscode from 'vscode';
import type { Config } from '../config';
import type { ContextKeys } from '../contextKeys';
import type { ManifestAnalysisCache } from './manifestAnalysisCache';

/**
 * Keeps `kubeSandbox.editorHasUnsandboxedWorkloads` true exactly while the active editor shows
 * a manifest with a workload that is neither sandboxed nor exempt; the editor title's
 * "Sandbox All Workloads in File" button follows it.
 */
export class EditorContextTracker implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cache: ManifestAnalysisCache,
    private readonly config: Config,
    private readonly contextKeys: ContextKeys,
  ) {
    vscode.window.onDidChangeActiveTextEditor(() => this.update(), null, this.subscriptions);
    // Usually diagnostics or lenses have analysed the new text already; this catches the rest.
    vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document === vscode.window.activeTextEditor?.document) this.schedule(event.document);
    }, null, this.subscriptions);
    cache.onDidAnalyse((document) => {
      if (document === vscode.window.activeTextEditor?.document) this.update();
    }, null, this.subscriptions);
    config.onDidChange(() => this.update(), null, this.subscriptions);
    this.update();
  }

  private schedule(document: vscode.TextDocument): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(), this.config.debounceMs(document));
  }

  private update(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const document = vscode.window.activeTextEditor?.document;
    const analysis = document ? this.cache.analysisOf(document) : undefined;
    const unsandboxed = analysis?.workloads.some((workload) => workload.sandbox.kind === 'unsandboxed') ?? false;
    void this.contextKeys.set('kubeSandbox.editorHasUnsandboxedWorkloads', unsandboxed);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
