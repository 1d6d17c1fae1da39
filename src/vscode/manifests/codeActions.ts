import * as vscode from 'vscode';
import { runtimeClassEdit, type Finding, type ManifestAnalysis, type RuleCode, type Workload } from '../../core/manifest';
import { commandId } from '../commands/ids';
import type { Config } from '../config';
import { ruleCodeOf } from './diagnostics';
import type { ManifestAnalysisCache } from './manifestAnalysisCache';
import { workloadAt } from './manifestAnalysisCache';
import { toWorkspaceEdit } from './textEdits';

/** What the sandbox does to a pod that asks for host access, by rule and sandbox family. */
const LEARN_MORE: Partial<Record<RuleCode, { readonly topic: string; readonly gvisor: string }>> = {
  'sandbox-host-namespace': { topic: 'host namespaces', gvisor: 'https://gvisor.dev/docs/user_guide/networking/' },
  'sandbox-privileged': { topic: 'privileged containers', gvisor: 'https://gvisor.dev/docs/architecture_guide/security/' },
  'sandbox-host-path': { topic: 'hostPath volumes', gvisor: 'https://gvisor.dev/docs/user_guide/filesystem/' },
};
const KATA_LIMITATIONS = 'https://github.com/kata-containers/kata-containers/blob/main/docs/Limitations.md';

/**
 * Quick fixes for our diagnostics, matched by `code`. The preferred fix (Ctrl+. and "Fix
 * all") is the plain insertion of the default class; the others need a decision.
 */
export class SandboxCodeActionProvider implements vscode.CodeActionProvider {
  // A function, not a static field: nothing touches the vscode API while modules load.
  static metadata(): vscode.CodeActionProviderMetadata {
    return { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  }

  constructor(
    private readonly cache: ManifestAnalysisCache,
    private readonly config: Config,
  ) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((diagnostic) => ruleCodeOf(diagnostic) !== undefined);
    if (ours.length === 0) return [];
    const analysis = this.cache.analysisOf(document);
    if (!analysis) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const code = ruleCodeOf(diagnostic);
      const workload = workloadOf(document, analysis, diagnostic);
      if (code === undefined || workload === undefined) continue;
      if (code === 'unsandboxed-workload') {
        actions.push(...this.sandboxActions(document, analysis, workload, diagnostic));
      } else {
        const learn = learnAction(code, workload, diagnostic);
        if (learn) actions.push(learn);
      }
    }
    return actions;
  }

  private sandboxActions(
    document: vscode.TextDocument,
    analysis: ManifestAnalysis,
    workload: Workload,
    diagnostic: vscode.Diagnostic,
  ): vscode.CodeAction[] {
    const text = document.getText();
    const actions: vscode.CodeAction[] = [];
    this.config.classChoices(document).forEach((className, index) => {
      let edit;
      try {
        edit = runtimeClassEdit(text, workload, className, analysis.eol);
      } catch {
        return; // a class name the core refuses gets no action; the others still do
      }
      const action = new vscode.CodeAction(`Add runtimeClassName: ${className}`, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(document, [edit]);
      action.diagnostics = [diagnostic];
      // Only the configured default is safe to apply without a look: it is the team's choice.
      action.isPreferred = index === 0;
      actions.push(action);
    });
    const exempt = new vscode.CodeAction('Exempt from sandboxing…', vscode.CodeActionKind.QuickFix);
    exempt.command = {
      title: 'Exempt from sandboxing…',
      command: commandId('exemptWorkload'),
      arguments: [document.uri, workload.anchor.start],
    };
    exempt.diagnostics = [diagnostic];
    actions.push(exempt);
    return actions;
  }
}

/** The workload a diagnostic belongs to, in the current analysis (the diagnostic may be a keystroke old). */
function workloadOf(document: vscode.TextDocument, analysis: ManifestAnalysis, diagnostic: vscode.Diagnostic): Workload | undefined {
  const start = document.offsetAt(diagnostic.range.start);
  const code = ruleCodeOf(diagnostic);
  const finding: Finding | undefined = analysis.findings.find((f) => f.code === code && f.range.start === start);
  return finding ? analysis.workloads[finding.workloadIndex] : workloadAt(analysis, start);
}

function learnAction(code: RuleCode, workload: Workload, diagnostic: vscode.Diagnostic): vscode.CodeAction | undefined {
  const learn = LEARN_MORE[code];
  if (!learn) return undefined;
  const runtimeClass = workload.sandbox.runtimeClass ?? '';
  const kata = runtimeClass === 'kata' || runtimeClass.startsWith('kata-');
  const title = kata ? `Learn what Kata Containers does to ${learn.topic}` : `Learn what gVisor does to ${learn.topic}`;
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.command = { title, command: 'vscode.open', arguments: [vscode.Uri.parse(kata ? KATA_LIMITATIONS : learn.gvisor)] };
  action.diagnostics = [diagnostic];
  return action;
}
