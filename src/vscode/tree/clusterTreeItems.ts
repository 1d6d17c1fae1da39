import * as vscode from 'vscode';
import { GVISOR_NODE_LABEL, isSandboxHandler } from '../../core/cluster/kubeObjects';
import type { SandboxState } from '../../core/cluster/nodeSandboxStatus';
import { sandboxForHandler } from '../../core/runtime/sandboxCatalog';
import type {
  ClusterElement, ClusterTreeNode, NodeElement, PodElement, RuntimeClassElement,
} from './clusterTreeNodes';
import { CONTEXT_VALUES } from './contextValues';
import { gvisorStateText, mapText, nodeDescription, podCountText, runtimeClassDescription } from './nodeDescription';

/** What the items need to know beyond the element itself. */
export interface ItemContext {
  /** The context chosen for manifest checks, if any. */
  readonly checksCluster: string | undefined;
}


export function treeItemFor(node: ClusterTreeNode, context: ItemContext): vscode.TreeItem {
  switch (node.kind) {
    case 'cluster':
      return clusterItem(node, context);
    case 'nodesFolder':
      return item(node.id, 'Nodes', vscode.TreeItemCollapsibleState.Expanded, CONTEXT_VALUES.nodesFolder, new vscode.ThemeIcon('server'));
    case 'runtimeClassesFolder':
      return item(node.id, 'Runtime Classes', vscode.TreeItemCollapsibleState.Expanded, CONTEXT_VALUES.runtimeClassesFolder, new vscode.ThemeIcon('symbol-class'));
    case 'node':
      return nodeItem(node);
    case 'pod':
      return podItem(node);
    case 'runtimeClass':
      return runtimeClassItem(node);
    case 'error': {
      const error = item(undefined, node.message, vscode.TreeItemCollapsibleState.None, CONTEXT_VALUES.error, new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')));
      error.tooltip = `${node.message}\n\nUse Retry (the arrow on this line) once the cause is fixed.`;
      return error;
    }
    case 'loading':
      return item(undefined, node.message, vscode.TreeItemCollapsibleState.None, CONTEXT_VALUES.loading, new vscode.ThemeIcon('loading~spin'));
    case 'info': {
      const info = item(undefined, node.message, vscode.TreeItemCollapsibleState.None, CONTEXT_VALUES.info, new vscode.ThemeIcon('info'));
      if (node.tooltip) info.tooltip = node.tooltip;
      return info;
    }
  }
}

/**
 * `id` keeps an element's expansion across refreshes; transient elements (loading, error, info)
 * go without: VS Code refuses an id it still has registered, which overlapping refreshes of a
 * loading list would otherwise hit.
 */
function item(id: string | undefined, label: string, state: vscode.TreeItemCollapsibleState, contextValue: string, icon: vscode.ThemeIcon): vscode.TreeItem {
  const result = new vscode.TreeItem(label, state);
  if (id !== undefined) result.id = id;
  result.contextValue = contextValue;
  result.iconPath = icon;
  return result;
}

function clusterItem(node: ClusterElement, context: ItemContext): vscode.TreeItem {
  const { name, current, server, user, cluster, namespace } = node.context;
  const checks = context.checksCluster === name;
  // Only the current context opens by itself: a collapsed cluster is never contacted.
  const result = item(node.id, name, current ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed, checks ? CONTEXT_VALUES.clusterForChecks : CONTEXT_VALUES.cluster,
    new vscode.ThemeIcon(current ? 'vm-active' : 'vm-outline'));
  result.description = [current ? 'current' : '', checks ? 'manifest checks' : '', hostOf(server)].filter((part) => part !== '').join(' · ');
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${escape(name)}**${current ? ' (current context)' : ''}\n\n`);
  tooltip.appendMarkdown(table([['Cluster', cluster], ['Server', server || '(none)'], ['User', user], ['Namespace', namespace]]));
  if (checks) tooltip.appendMarkdown('\n\nManifests are checked against this cluster\'s RuntimeClasses.');
  result.tooltip = tooltip;
  return result;
}

function nodeItem(node: NodeElement): vscode.TreeItem {
  const state = node.status.sandbox.gvisor;
  const result = item(node.id, node.name, vscode.TreeItemCollapsibleState.Collapsed, CONTEXT_VALUES.node, sandboxIcon(state));
  result.description = nodeDescription(node.status, node.pods);
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${escape(node.name)}** — ${node.status.ready ? 'Ready' : 'NotReady'}\n\n`);
  tooltip.appendMarkdown(`${escape(gvisorStateText(state, node.labels[GVISOR_NODE_LABEL]))}\n\n`);
  if (node.pods) tooltip.appendMarkdown(`Pods: ${escape(podCountText(node.pods))}\n\n`);
  if (node.podsProblem) tooltip.appendMarkdown(`Pods: ${escape(node.podsProblem)}\n\n`);
  const info = Object.entries(node.nodeInfo).filter(([, value]) => typeof value === 'string' && value !== '') as [string, string][];
  if (info.length > 0) tooltip.appendMarkdown(table(info, ['nodeInfo', '']));
  result.tooltip = tooltip;
  return result;
}

function sandboxIcon(state: SandboxState): vscode.ThemeIcon {
  switch (state) {
    case 'ready':
      return new vscode.ThemeIcon('shield', new vscode.ThemeColor('testing.iconPassed'));
    case 'unknown':
      return new vscode.ThemeIcon('question', new vscode.ThemeColor('list.warningForeground'));
    case 'absent':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
  }
}

function podItem(node: PodElement): vscode.TreeItem {
  const sandbox = node.runtimeClassName === undefined ? undefined : sandboxForHandler(node.handler);
  let state: string;
  let icon: vscode.ThemeIcon;
  if (node.sandboxed === true) {
    state = `sandboxed · ${node.runtimeClassName ?? ''}${sandbox ? ` (${sandbox.label})` : ''}`;
    icon = new vscode.ThemeIcon('shield', new vscode.ThemeColor('testing.iconPassed'));
  } else if (node.sandboxed === false) {
    state = node.runtimeClassName === undefined ? 'not sandboxed' : `not sandboxed · ${node.runtimeClassName}`;
    icon = new vscode.ThemeIcon('circle-large-outline');
  } else {
    state = node.runtimeClassName === undefined ? 'not sandboxed' : `class ${node.runtimeClassName}`;
    icon = new vscode.ThemeIcon('question');
  }
  const result = item(node.id, node.name, vscode.TreeItemCollapsibleState.None, CONTEXT_VALUES.pod, icon);
  result.description = [node.namespace, state, node.phase].filter((part) => part !== '').join(' · ');
  const why = node.sandboxed === true
    ? `Runs in a sandbox: RuntimeClass "${node.runtimeClassName ?? ''}" has handler ${node.handler ?? ''}.`
    : node.sandboxed === false
      ? node.runtimeClassName === undefined
        ? 'Shares the node\'s kernel: the pod names no RuntimeClass.'
        : `Shares the node's kernel: RuntimeClass "${node.runtimeClassName}" ${node.handler === undefined ? 'does not exist in the cluster' : `has handler ${node.handler}, which is not a sandbox`}.`
      : 'The cluster\'s RuntimeClasses could not be read, so whether this pod is sandboxed is unknown.';
  result.tooltip = `${node.namespace}/${node.name} on ${node.nodeName}${node.phase ? ` (${node.phase})` : ''}\n${why}\nVerify Sandbox checks it from inside the container.`;
  return result;
}

function runtimeClassItem(node: RuntimeClassElement): vscode.TreeItem {
  const rc = node.runtimeClass;
  const sandboxes = isSandboxHandler(rc.handler);
  const result = item(node.id, node.name, vscode.TreeItemCollapsibleState.None, CONTEXT_VALUES.runtimeClass,
    sandboxes ? new vscode.ThemeIcon('shield', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('circle-large-outline'));
  result.description = runtimeClassDescription(rc);
  const kind = sandboxForHandler(rc.handler);
  const rows: [string, string][] = [
    ['Handler', `${rc.handler ?? ''}${kind ? ` (${kind.label})` : sandboxes ? ' (sandbox)' : ' (not a sandbox)'}`],
    ['Overhead (podFixed)', mapText(rc.overhead?.podFixed) || '(none)'],
    ['Node selector', mapText(rc.scheduling?.nodeSelector) || '(any node)'],
    ['Tolerations', String(rc.scheduling?.tolerations?.length ?? 0)],
  ];
  const tooltip = new vscode.MarkdownString(`**${escape(node.name)}**\n\n`);
  tooltip.appendMarkdown(table(rows));
  result.tooltip = tooltip;
  return result;
}

function hostOf(server: string): string {
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

function table(rows: readonly (readonly [string, string])[], header: readonly [string, string] = ['', '']): string {
  const line = (a: string, b: string): string => `| ${escape(a)} | ${escape(b)} |\n`;
  return `${line(header[0], header[1])}|---|---|\n${rows.map(([a, b]) => line(a, b)).join('')}`;
}

/** Markdown's special characters, so names and server text show as written. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
