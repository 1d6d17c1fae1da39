// Which nodes a node command acts on: the tree element it was run on (or the multi-selection),
// an argument object (for keybindings, other extensions and tests), or from the palette a pick
// among the current cluster's nodes, or an SSH host typed in.
import * as vscode from 'vscode';
import { parseProxyJump } from '../../core/node/sshConfig';
import type { ClusterServices } from '../cluster/clusterServices';
import type { Config } from '../config';
import { targetContext } from '../commands/clusterTarget';
import { errorMessage } from '../output';
import { isClusterTreeNode, type NodeElement } from '../tree/clusterTreeNodes';
import { nodeAddress, type NodeTarget } from './nodeConnection';
import type { HostKeyPolicy } from './nodePrompts';

/**
 * The argument object the commands accept instead of a tree element. `skipConfirmation` and
 * `unknownHostKey` exist for automation and the integration tests: without them (the default,
 * and always from the tree or the palette) the user confirms the plan in a modal and decides
 * about every unknown host key.
 */
export interface NodeCommandArgs {
  readonly nodes: ReadonlyArray<{ readonly context?: string; readonly name: string } | { readonly host: string; readonly port?: number; readonly user?: string }>;
  /** Run without the modal confirmation; the plan document is still shown first. */
  readonly skipConfirmation?: boolean;
  /** 'reject': refuse unknown host keys without asking. */
  readonly unknownHostKey?: HostKeyPolicy;
}

export interface NodeCommandOptions {
  readonly skipConfirmation: boolean;
  readonly unknownHostKey: HostKeyPolicy;
}

const ENTER_HOST = '$(terminal) Enter an SSH host…';

export async function nodeTargets(
  clusters: ClusterServices, config: Config, arg: unknown, selection: unknown, verb: string,
): Promise<{ targets: NodeTarget[]; options: NodeCommandOptions } | undefined> {
  const interactive: NodeCommandOptions = { skipConfirmation: false, unknownHostKey: 'ask' };
  if (isClusterTreeNode(arg)) {
    if (arg.kind !== 'node') {
      void vscode.window.showInformationMessage(`${verb} gVisor works on nodes: expand a cluster's Nodes in the Clusters view and run it on one or more nodes.`);
      return undefined;
    }
    // A multi-selection arrives as the second argument, and includes the clicked node.
    const selected = Array.isArray(selection) ? selection.filter((s): s is NodeElement => isClusterTreeNode(s) && s.kind === 'node') : [];
    const nodes = selected.some((s) => s.id === arg.id) ? selected : [arg];
    return { targets: nodes.map((n) => ({ kind: 'node', context: n.context, name: n.name })), options: interactive };
  }
  const given = arg as Partial<NodeCommandArgs> | undefined;
  if (given && Array.isArray(given.nodes)) {
    const targets: NodeTarget[] = [];
    for (const n of given.nodes as NodeCommandArgs['nodes']) {
      if ('host' in n && typeof n.host === 'string') targets.push({ kind: 'host', host: n.host, ...(n.port ? { port: n.port } : {}), ...(n.user ? { user: n.user } : {}) });
      else if ('name' in n && typeof n.name === 'string') {
        const context = n.context ?? (await clusters.sessions.contexts()).find((c) => c.current)?.name;
        targets.push(context ? { kind: 'node', context, name: n.name } : { kind: 'host', host: n.name });
      }
    }
    return targets.length === 0 ? undefined : {
      targets, options: { skipConfirmation: given.skipConfirmation === true, unknownHostKey: given.unknownHostKey === 'reject' ? 'reject' : 'ask' },
    };
  }
  const targets = await pickTargets(clusters, config, verb);
  return targets && targets.length > 0 ? { targets, options: interactive } : undefined;
}

async function pickTargets(clusters: ClusterServices, config: Config, verb: string): Promise<NodeTarget[] | undefined> {
  let contexts: readonly { name: string; current: boolean }[] = [];
  try {
    contexts = await clusters.sessions.contexts();
  } catch {
    // No usable kubeconfig: a host can still be typed.
  }
  const current = contexts.find((c) => c.current)?.name ?? (contexts.length === 1 ? contexts[0]?.name : undefined);
  const context = contexts.length === 0 ? undefined : current ?? await targetContext(clusters, undefined, `${verb} gVisor on nodes of`);
  if (contexts.length > 0 && context === undefined) return undefined;
  type Item = vscode.QuickPickItem & { name?: string };
  const items: Item[] = [];
  let problem: string | undefined;
  if (context !== undefined) {
    try {
      const api = await clusters.sessions.apiFor(context);
      const nodes = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Listing the nodes of ${context}` },
        () => api.listNodes({ timeoutMs: config.requestTimeoutMs() }),
      );
      for (const n of nodes) {
        const name = n.metadata?.name ?? '';
        const gvisor = n.metadata?.labels?.['kube-sandbox.dev/gvisor'];
        items.push({
          label: name, name,
          description: [nodeAddress(n)?.address, n.status?.nodeInfo?.containerRuntimeVersion, gvisor ? `gVisor ${gvisor}` : undefined].filter(Boolean).join(' · '),
        });
      }
    } catch (error) {
      problem = `The nodes of ${context} could not be listed (${errorMessage(error)}); you can still enter an SSH host.`;
    }
  }
  let typed = items.length === 0;
  if (items.length > 0) {
    const picked = await vscode.window.showQuickPick<Item>(
      [...items, { label: '', kind: vscode.QuickPickItemKind.Separator }, { label: ENTER_HOST }],
      { title: `${verb} gVisor on Node… (${context ?? ''})`, placeHolder: 'Nodes (select one or more), or enter an SSH host', canPickMany: true, matchOnDescription: true },
    );
    if (!picked || picked.length === 0) return undefined;
    typed = picked.some((p) => p.label === ENTER_HOST);
    const targets: NodeTarget[] = picked.filter((p) => p.name).map((p) => ({ kind: 'node', context: context as string, name: p.name as string }));
    if (!typed) return targets;
    const host = await askHost(problem);
    return host ? [...targets, host] : targets.length > 0 ? targets : undefined;
  }
  const host = await askHost(problem);
  return host ? [host] : undefined;
}

async function askHost(problem: string | undefined): Promise<NodeTarget | undefined> {
  const value = await vscode.window.showInputBox({
    title: 'SSH host of the node',
    prompt: `${problem ? `${problem} ` : ''}[user@]host[:port], or a Host name from your SSH config.`,
    placeHolder: 'admin@10.0.0.12',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        const hops = parseProxyJump(v);
        return hops.length === 1 ? undefined : 'One host: [user@]host[:port]';
      } catch (error) {
        return errorMessage(error);
      }
    },
  });
  if (!value) return undefined;
  const hop = parseProxyJump(value)[0];
  return hop ? { kind: 'host', host: hop.host, ...(hop.port ? { port: hop.port } : {}), ...(hop.user ? { user: hop.user } : {}) } : undefined;
}
