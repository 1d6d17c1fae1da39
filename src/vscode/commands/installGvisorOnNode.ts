import * as vscode from 'vscode';
import { isClusterTreeNode } from '../tree/clusterTreeNodes';
import type { CommandDeps } from './index';

/**
 * Install gVisor on Node… (placeholder until the node installer lands): says what the command
 * will do for this node, so the menu entry is honest about it. Returns the text shown.
 */
export function installGvisorOnNode({ ctx }: CommandDeps) {
  return (node?: unknown): string => {
    const name = isClusterTreeNode(node) && node.kind === 'node' ? `node "${node.name}"` : 'a node';
    const plan =
      `Installing gVisor on ${name} is not available in this version yet. When it is, it will: ` +
      'connect to the node over SSH (kubeSandbox.nodes or ~/.ssh/config), detect its architecture, init system and ' +
      'container runtime; install runsc and its containerd shim; add the runsc runtime to containerd\'s or CRI-O\'s ' +
      'config without changing anything else; restart the runtime and roll back if it is not healthy; start a test ' +
      'sandbox; and label the node kube-sandbox.dev/gvisor. Every step is shown before it runs.';
    ctx.output.info(plan);
    void vscode.window.showInformationMessage(plan);
    return plan;
  };
}
