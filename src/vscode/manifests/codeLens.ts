import * as vscode from 'vscode';
import type { Workload } from '../../core/manifest';
import { commandId } from '../commands/ids';
import type { Config } from '../config';
import type { ManifestAnalysisCache } from './manifestAnalysisCache';

const MAX_REASON_LENGTH = 60;

/**
 * One lens above each workload, saying where it runs: a button to sandbox it, the class it
 * is sandboxed with, or why it is exempt.
 */
export class WorkloadCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** The version we last gave lenses for, per document: an analysis of that version is no news. */
  private readonly provided = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly cache: ManifestAnalysisCache,
    private readonly config: Config,
  ) {
    // Another provider (diagnostics, a command) may analyse a version before VS Code asks us;
    // our own requests analyse too, and must not trigger a second round of lenses.
    cache.onDidAnalyse((document) => {
      if (this.provided.get(document.uri.toString()) !== document.version) this.changed.fire();
    }, null, this.subscriptions);
    config.onDidChange((change) => {
      // The sandbox classes (and a cluster's classes, which arrive as that setting changes) decide each lens's text.
      if (change.affects('codeLens.enabled') || change.affects('defaultRuntimeClass') || change.affects('sandboxRuntimeClasses')) this.changed.fire();
    }, null, this.subscriptions);
    vscode.workspace.onDidCloseTextDocument((document) => this.provided.delete(document.uri.toString()), null, this.subscriptions);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.config.codeLensEnabled(document)) return [];
    const analysis = this.cache.analysisOf(document);
    this.provided.set(document.uri.toString(), document.version);
    if (!analysis || analysis.skipped !== undefined) return [];
    const defaultClass = this.config.defaultRuntimeClass(document);
    return analysis.workloads.map((workload) => {
      const start = document.positionAt(workload.range.start);
      return new vscode.CodeLens(new vscode.Range(start, start), lensCommand(document.uri, workload, defaultClass));
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}

function lensCommand(uri: vscode.Uri, workload: Workload, defaultClass: string): vscode.Command {
  const where = workload.anchor.start;
  const state = workload.sandbox;
  switch (state.kind) {
    case 'unsandboxed':
      return {
        title: `$(shield) ${runInTitle(defaultClass)}`,
        tooltip: `Add runtimeClassName: ${defaultClass} to this ${workload.kind}'s pod spec, so its containers run in a sandbox instead of on the node's kernel.`,
        command: commandId('addRuntimeClass'),
        arguments: [uri, where, defaultClass],
      };
    case 'sandboxed':
      return {
        title: `$(pass) Sandboxed: ${state.runtimeClass}`,
        tooltip: `This ${workload.kind}'s pods run with runtimeClassName: ${state.runtimeClass}.`,
        command: commandId('showWorkloadSandbox'),
        arguments: [uri, where],
      };
    case 'exempt':
      return {
        title: `$(circle-slash) Exempt: ${truncate(state.reason)}`,
        tooltip: state.by === 'namespace'
          ? `Not asked to be sandboxed: its namespace is listed in kubeSandbox.exemptNamespaces.`
          : `Not asked to be sandboxed: ${state.reason}`,
        command: commandId('showWorkloadSandbox'),
        arguments: [uri, where],
      };
  }
}

/** "Run in gVisor sandbox" for the usual class; other classes are named as configured. */
export function runInTitle(runtimeClass: string): string {
  if (runtimeClass === 'gvisor') return 'Run in gVisor sandbox';
  if (runtimeClass === 'kata' || runtimeClass.startsWith('kata-')) return `Run in Kata sandbox (${runtimeClass})`;
  return `Run in sandbox (${runtimeClass})`;
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MAX_REASON_LENGTH ? oneLine : `${oneLine.slice(0, MAX_REASON_LENGTH - 1)}…`;
}
