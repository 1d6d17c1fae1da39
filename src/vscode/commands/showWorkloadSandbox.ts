import * as vscode from 'vscode';
import { EXEMPTION_ANNOTATION, type TextRange } from '../../core/manifest';
import { toRange } from '../manifests/textEdits';
import { commandId } from './ids';
import type { CommandDeps } from './index';
import { describeWorkload, resolveWorkloadTarget } from './workloadTarget';

/**
 * Says where a workload runs and why, with a button to the line that decides it.
 * Arguments: (uri, offset inside the workload). The message is not awaited: a notification
 * can stay open for minutes and the command should not hang on it.
 */
export function showWorkloadSandbox({ manifests }: CommandDeps) {
  return async (uriArg?: unknown, offsetArg?: unknown): Promise<void> => {
    const target = await resolveWorkloadTarget(manifests, uriArg, offsetArg);
    if (!target) return;
    const { document, workload } = target;
    const name = describeWorkload(workload);
    const state = workload.sandbox;
    const lineOf = (range: TextRange) => document.positionAt(range.start).line + 1;
    const reveal = (range: TextRange | undefined) => async () => {
      if (!range) return;
      const selection = toRange(document, range);
      await vscode.window.showTextDocument(document, { selection });
    };

    switch (state.kind) {
      case 'sandboxed': {
        const where = workload.runtimeClassValue ? ` (runtimeClassName on line ${lineOf(workload.runtimeClassValue)})` : '';
        offer(`${name} runs in the "${state.runtimeClass}" sandbox${where}: its containers do not share the node's kernel.`, {
          'Go to runtimeClassName': reveal(workload.runtimeClassValue),
        });
        return;
      }
      case 'exempt':
        if (state.by === 'namespace') {
          offer(`${name} is not asked to be sandboxed: its namespace "${workload.namespace ?? ''}" is listed in the setting kubeSandbox.exemptNamespaces.`, {
            'Open Setting': async () => {
              await vscode.commands.executeCommand('workbench.action.openSettings', 'kubeSandbox.exemptNamespaces');
            },
          });
        } else {
          offer(`${name} runs without a sandbox on purpose: "${state.reason}" (annotation ${EXEMPTION_ANNOTATION}).`, {
            'Go to Annotation': reveal(workload.annotations?.range ?? workload.metadata?.range),
          });
        }
        return;
      case 'unsandboxed':
        offer(`${name} runs without a sandbox: its containers share the node's kernel.`, {
          'Sandbox It': async () => {
            await vscode.commands.executeCommand(commandId('addRuntimeClass'), document.uri, workload.anchor.start);
          },
        });
        return;
    }
  };
}

function offer(message: string, actions: Record<string, () => Promise<void>>): void {
  void vscode.window.showInformationMessage(message, ...Object.keys(actions)).then(async (choice) => {
    if (choice !== undefined) await actions[choice]?.();
  });
}
