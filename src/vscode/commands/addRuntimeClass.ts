import * as vscode from 'vscode';
import { runtimeClassEdit } from '../../core/manifest';
import { isDnsSubdomain } from '../config';
import { applyToDocument } from '../manifests/textEdits';
import type { CommandDeps } from './index';
import { describeWorkload, refreshTarget, resolveWorkloadTarget } from './workloadTarget';

/**
 * Sets `runtimeClassName` on one workload. Arguments: (uri, offset inside the workload,
 * class?). Without a class, asks which one when more than one is configured.
 */
export function addRuntimeClass({ ctx, manifests }: CommandDeps) {
  return async (uriArg?: unknown, offsetArg?: unknown, classArg?: unknown): Promise<void> => {
    const target = await resolveWorkloadTarget(manifests, uriArg, offsetArg);
    if (!target) return;
    const className = typeof classArg === 'string' ? classArg : await pickClass(ctx.config.classChoices(target.document), target.workload.kind);
    if (className === undefined) return;
    if (!isDnsSubdomain(className)) {
      throw new Error(`"${className}" cannot be a RuntimeClass name: use lowercase letters, digits, "-" and ".".`);
    }
    const current = refreshTarget(manifests, target);
    if (!current) {
      void vscode.window.showWarningMessage(`${describeWorkload(target.workload)} is no longer in the file; nothing was changed.`);
      return;
    }
    const { document, analysis, workload } = current;
    await applyToDocument(document, [runtimeClassEdit(document.getText(), workload, className, analysis.eol)]);
    ctx.output.info(`Set runtimeClassName: ${className} on ${describeWorkload(workload)} in ${document.uri.toString()}.`);
  };
}

async function pickClass(choices: readonly string[], kind: string): Promise<string | undefined> {
  if (choices.length <= 1) return choices[0];
  const picked = await vscode.window.showQuickPick(
    choices.map((name, index) => ({ label: name, description: index === 0 ? 'default' : undefined })),
    { title: `Run this ${kind} in a sandbox`, placeHolder: 'RuntimeClass to set as runtimeClassName' },
  );
  return picked?.label;
}
