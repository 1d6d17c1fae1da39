import * as os from 'node:os';
import * as vscode from 'vscode';
import { asUri } from './workloadTarget';
import type { CommandDeps } from './index';

/**
 * Select kubeconfig…: sets `kubeSandbox.kubeconfig` (user settings) to a file, or clears it to
 * use KUBECONFIG / ~/.kube/config as kubectl does. A file (Uri or path) may be passed directly.
 */
export function selectKubeconfig({ ctx }: CommandDeps) {
  return async (fileArg?: unknown): Promise<string | undefined> => {
    let file = asUri(fileArg)?.fsPath;
    if (file === undefined) {
      const current = ctx.config.kubeconfig();
      const choose = { label: '$(folder-opened) Choose a kubeconfig file…', action: 'choose' as const };
      const reset = { label: '$(discard) Use KUBECONFIG or ~/.kube/config', description: 'as kubectl does', action: 'reset' as const };
      const picked = current === undefined ? choose : await vscode.window.showQuickPick([choose, reset], { title: `kubeconfig: ${current}` });
      if (!picked) return undefined;
      if (picked.action === 'reset') {
        await update(undefined);
        return '';
      }
      const uris = await vscode.window.showOpenDialog({
        title: 'Select kubeconfig',
        openLabel: 'Use this kubeconfig',
        canSelectMany: false,
        defaultUri: vscode.Uri.file(current ?? `${os.homedir()}/.kube`),
      });
      file = uris?.[0]?.fsPath;
      if (file === undefined) return undefined;
    }
    await update(file);
    ctx.output.info(`kubeconfig set to ${file}.`);
    return file;
  };
}

/** User settings: a kubeconfig is personal, and workspace values of it are ignored in untrusted folders anyway. */
async function update(file: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('kubeSandbox').update('kubeconfig', file, vscode.ConfigurationTarget.Global);
}
