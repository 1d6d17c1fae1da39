import * as vscode from 'vscode';
import { sandboxAllEdits } from '../../core/manifest';
import { applyToDocument } from '../manifests/textEdits';
import type { CommandDeps } from './index';
import { asUri } from './workloadTarget';

/**
 * Sets the default `runtimeClassName` on every workload in the file that is neither sandboxed
 * nor exempt. Argument: the file (the editor title button passes it); else the active editor.
 * Resolves to the number of workloads changed.
 */
export function sandboxAllWorkloadsInFile({ ctx, manifests }: CommandDeps) {
  return async (uriArg?: unknown): Promise<number> => {
    const uri = asUri(uriArg);
    const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!document) {
      void vscode.window.showInformationMessage('Open a Kubernetes manifest (YAML or JSON) in the editor, then run "Sandbox All Workloads in File" again.');
      return 0;
    }
    const file = vscode.workspace.asRelativePath(document.uri);
    const analysis = manifests.analysisOf(document);
    if (!analysis) {
      void vscode.window.showInformationMessage(`${file} does not look like a Kubernetes manifest (no apiVersion and kind), so there is nothing to sandbox.`);
      return 0;
    }
    if (analysis.skipped !== undefined) {
      void vscode.window.showInformationMessage(`${file} was left alone: ${analysis.skipped}. Set runtimeClassName in the chart's templates or values instead.`);
      return 0;
    }
    const className = ctx.config.defaultRuntimeClass(document);
    const edits = sandboxAllEdits(document.getText(), analysis, className);
    const unparsed = analysis.syntaxProblems.length;
    const unparsedNote = unparsed === 0 ? '' : ` ${unparsed} YAML document(s) with syntax errors were not checked; fix them and run the command again.`;
    if (edits.length === 0) {
      void vscode.window.showInformationMessage(`Every workload in ${file} already runs in a sandbox or is exempt; nothing to change.${unparsedNote}`);
      return 0;
    }
    await applyToDocument(document, edits);
    const summary = `Set runtimeClassName: ${className} on ${edits.length} workload${edits.length === 1 ? '' : 's'} in ${file}.`;
    ctx.output.info(summary);
    if (unparsedNote !== '') {
      void vscode.window.showWarningMessage(summary + unparsedNote);
    } else {
      vscode.window.setStatusBarMessage(`$(shield) ${summary}`, 5000);
    }
    return edits.length;
  };
}
