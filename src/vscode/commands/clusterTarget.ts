import * as vscode from 'vscode';
import type { ClusterServices } from '../cluster/clusterServices';
import { contextOf, isClusterTreeNode } from '../tree/clusterTreeNodes';
import { commandId } from './ids';

/**
 * Cluster commands contact a cluster with credentials the kubeconfig names (tokens, exec
 * plugins): not from a workspace the user has not trusted. Shows why and returns false there.
 */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    `${what} contacts a cluster, which Kube Sandbox does not do from an untrusted workspace. ` +
      'Trust this workspace (Manage Workspace Trust), then run it again. Manifest checks keep working meanwhile.',
    'Manage Workspace Trust',
  ).then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/**
 * The kubeconfig context a command is about: the tree element it was invoked on, a `{ context }`
 * argument or a context name; from the palette, a pick among the contexts (the current first).
 * Undefined when the user cancels or there is none (a message then says what to do).
 */
export async function targetContext(clusters: ClusterServices, arg: unknown, title: string): Promise<string | undefined> {
  if (isClusterTreeNode(arg)) {
    const context = contextOf(arg);
    if (context !== undefined) return context;
  }
  if (typeof arg === 'string' && arg !== '') return arg;
  const fromObject = (arg as { context?: unknown } | undefined)?.context;
  if (typeof fromObject === 'string' && fromObject !== '') return fromObject;
  const contexts = [...(await clusters.sessions.contexts())].sort((a, b) => Number(b.current) - Number(a.current));
  if (contexts.length === 0) {
    const choice = await vscode.window.showWarningMessage(
      'No cluster found: the kubeconfig (KUBECONFIG, ~/.kube/config or the kubeSandbox.kubeconfig setting) defines no context.',
      'Select kubeconfig…',
    );
    if (choice) await vscode.commands.executeCommand(commandId('selectKubeconfig'));
    return undefined;
  }
  if (contexts.length === 1) return contexts[0]?.name;
  const picked = await vscode.window.showQuickPick(
    contexts.map((context) => ({ label: context.name, description: context.current ? 'current context' : '', detail: context.server })),
    { title, placeHolder: 'Cluster (kubeconfig context)' },
  );
  return picked?.label;
}
