import * as vscode from 'vscode';
import { isClusterTreeNode, type ClusterTreeNode } from '../tree/clusterTreeNodes';
import type { CommandDeps } from './index';

/** Copy Name: the context, node, pod or RuntimeClass name, as kubectl takes it. Returns what was copied. */
export function copyName({ ctx }: CommandDeps) {
  return async (node?: unknown): Promise<string | undefined> => {
    const name = isClusterTreeNode(node) ? nameOf(node) : undefined;
    if (name === undefined) {
      void vscode.window.showInformationMessage('Copy Name works on a cluster, node, pod or RuntimeClass in the Clusters view.');
      return undefined;
    }
    await vscode.env.clipboard.writeText(name);
    vscode.window.setStatusBarMessage(`Copied "${name}"`, 3000);
    ctx.output.info(`Copied "${name}" to the clipboard.`);
    return name;
  };
}

function nameOf(node: ClusterTreeNode): string | undefined {
  switch (node.kind) {
    case 'cluster':
      return node.context.name;
    case 'node':
    case 'pod':
    case 'runtimeClass':
      return node.name;
    case 'error':
    case 'info':
      return node.message;
    default:
      return undefined;
  }
}
