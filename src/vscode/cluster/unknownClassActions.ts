import * as vscode from 'vscode';
import { isSandboxHandler } from '../../core/cluster/kubeObjects';
import { runtimeClassEdit } from '../../core/manifest';
import { isSandboxId } from '../../core/runtime/sandboxCatalog';
import { commandId } from '../commands/ids';
import type { Config } from '../config';
import { ruleCodeOf } from '../manifests/diagnostics';
import { workloadAt, type ManifestAnalysisCache } from '../manifests/manifestAnalysisCache';
import { toWorkspaceEdit } from '../manifests/textEdits';
import type { ManifestClusterSource } from './manifestCluster';

export const UNKNOWN_CLASS_CODE = 'unknown-runtime-class';

/** What Create RuntimeClass… takes from a quick fix: the cluster and the missing name. */
export interface CreateRuntimeClassRequest {
  readonly context: string;
  readonly name?: string;
  readonly sandbox?: string;
}

/**
 * Quick fixes for `unknown-runtime-class`: switch to one of the cluster's sandbox classes
 * (the configured default, when the cluster has it, is the preferred fix), or create the
 * missing class in the cluster.
 */
export class UnknownClassActionProvider implements vscode.CodeActionProvider {
  static metadata(): vscode.CodeActionProviderMetadata {
    return { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  }

  constructor(
    private readonly manifests: ManifestAnalysisCache,
    private readonly checks: ManifestClusterSource,
    private readonly config: Config,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const diagnostics = context.diagnostics.filter((d) => ruleCodeOf(d) === UNKNOWN_CLASS_CODE);
    const cluster = this.checks.contextName;
    const classes = this.checks.classes;
    if (diagnostics.length === 0 || cluster === undefined || classes === undefined) return [];
    const analysis = this.manifests.analysisOf(document);
    if (!analysis) return [];
    const text = document.getText();
    const preferred = this.config.defaultRuntimeClass(document);
    const names = [...classes].filter(([, handler]) => isSandboxHandler(handler)).map(([name]) => name).sort()
      .sort((a, b) => Number(b === preferred) - Number(a === preferred));
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of diagnostics) {
      const offset = document.offsetAt(diagnostic.range.start);
      const workload = workloadAt(analysis, offset);
      if (!workload) continue;
      for (const name of names) {
        const action = new vscode.CodeAction(`Use RuntimeClass "${name}" (handler ${classes.get(name) ?? ''}, in ${cluster})`, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(document, [runtimeClassEdit(text, workload, name, analysis.eol)]);
        action.diagnostics = [diagnostic];
        action.isPreferred = name === preferred || names.length === 1;
        actions.push(action);
      }
      const missing = document.getText(diagnostic.range).replace(/^["']|["']$/g, '');
      const request: CreateRuntimeClassRequest = { context: cluster, name: missing, ...(isSandboxId(missing) ? { sandbox: missing } : {}) };
      const create = new vscode.CodeAction(`Create RuntimeClass "${missing}" in ${cluster}…`, vscode.CodeActionKind.QuickFix);
      create.command = { title: create.title, command: commandId('createRuntimeClass'), arguments: [request] };
      create.diagnostics = [diagnostic];
      actions.push(create);
    }
    return actions;
  }
}
