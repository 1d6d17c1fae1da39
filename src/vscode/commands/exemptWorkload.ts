import * as vscode from 'vscode';
import { EXEMPTION_ANNOTATION, exemptionEdit } from '../../core/manifest';
import { applyToDocument } from '../manifests/textEdits';
import type { CommandDeps } from './index';
import { describeWorkload, refreshTarget, resolveWorkloadTarget } from './workloadTarget';

/**
 * Records why a workload runs without a sandbox, as the annotation
 * `kube-sandbox.dev/unsandboxed-reason`. Arguments: (uri, offset inside the workload, reason?);
 * without a reason the user is asked, and an empty answer changes nothing.
 */
export function exemptWorkload({ ctx, manifests }: CommandDeps) {
  return async (uriArg?: unknown, offsetArg?: unknown, reasonArg?: unknown): Promise<void> => {
    const target = await resolveWorkloadTarget(manifests, uriArg, offsetArg);
    if (!target) return;
    const answer = typeof reasonArg === 'string'
      ? reasonArg
      : await vscode.window.showInputBox({
          title: `Exempt ${describeWorkload(target.workload)} from sandboxing`,
          prompt: `Why must it run on the node's kernel? The reason is kept in the annotation ${EXEMPTION_ANNOTATION}, for reviewers.`,
          placeHolder: 'e.g. programs the node\'s iptables, needs host networking',
          ignoreFocusOut: true,
        });
    const reason = answer?.trim() ?? '';
    if (reason === '') {
      vscode.window.setStatusBarMessage('Kube Sandbox: not exempted, no reason given.', 5000);
      return;
    }
    const current = refreshTarget(manifests, target);
    if (!current) {
      void vscode.window.showWarningMessage(`${describeWorkload(target.workload)} is no longer in the file; nothing was changed.`);
      return;
    }
    const { document, analysis, workload } = current;
    await applyToDocument(document, [exemptionEdit(document.getText(), workload, reason, analysis.eol)]);
    ctx.output.info(`Exempted ${describeWorkload(workload)} in ${document.uri.toString()}: ${reason}`);
  };
}
