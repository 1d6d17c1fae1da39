import * as vscode from 'vscode';
import type { CallOptions, KubeApi } from '../../adapters/kube/kubeApi';
import {
  SANDBOXES, parseNodeSelector, runtimeClassNameProblem, type SandboxId, type SandboxKind,
} from '../../core/runtime/sandboxCatalog';

// The questions Create RuntimeClass… asks, one function each. Undefined means cancelled.

export async function pickSandbox(name: string | undefined): Promise<SandboxId | undefined> {
  const picked = await vscode.window.showQuickPick(
    SANDBOXES.map((kind) => ({ label: kind.label, description: `handler ${kind.handler}`, detail: kind.description, id: kind.id })),
    { title: name ? `Create RuntimeClass "${name}": which sandbox?` : 'Create RuntimeClass: which sandbox?', placeHolder: 'The sandbox the class runs pods in' },
  );
  return picked?.id;
}

export async function askName(kind: SandboxKind): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Name of the ${kind.label} RuntimeClass`,
    prompt: 'Pods name it in runtimeClassName.',
    value: kind.defaultName,
    validateInput: (value) => runtimeClassNameProblem(value.trim()),
  }).then((value) => value?.trim());
}

interface SelectorItem extends vscode.QuickPickItem {
  readonly selector?: Record<string, string>;
  readonly custom?: boolean;
}

/**
 * `scheduling.nodeSelector`: none, our node label with each value prepared nodes carry (gVisor's
 * is the runsc version, so a class can follow one release), or a custom `k=v` list.
 */
export async function pickNodeSelector(api: KubeApi, kind: SandboxKind, options: CallOptions): Promise<Record<string, string> | undefined> {
  const { key, value, setBy } = kind.nodeLabel;
  const counts = await labelValues(api, key, options);
  const items: SelectorItem[] = [{ label: 'Any node', description: 'no nodeSelector', detail: 'Pods may land on nodes without the sandbox and then fail to start there.', selector: {} }];
  for (const [found, count] of counts ?? []) {
    items.push({ label: `${key}=${found}`, description: `${count} node${count === 1 ? '' : 's'}`, detail: `Only nodes with this label (set by ${setBy}).`, selector: { [key]: found } });
  }
  if (value !== undefined && !counts?.has(value)) {
    items.push({ label: `${key}=${value}`, description: counts ? 'no node has it yet' : '', detail: `Set by ${setBy}.`, selector: { [key]: value } });
  }
  items.push({ label: 'Custom node selector…', detail: counts?.size === 0 && value === undefined ? `No node carries ${key} yet: Install gVisor on Node… sets it.` : '', custom: true });
  const picked = await vscode.window.showQuickPick(items, { title: `Which nodes may run ${kind.label} pods?`, placeHolder: 'scheduling.nodeSelector of the RuntimeClass' });
  if (!picked) return undefined;
  if (!picked.custom) return picked.selector ?? {};
  const text = await vscode.window.showInputBox({
    title: 'Node selector',
    prompt: 'key=value pairs, separated by commas',
    value: value === undefined ? `${key}=` : `${key}=${value}`,
    validateInput: (input) => {
      const parsed = parseNodeSelector(splitPairs(input));
      return 'problem' in parsed ? parsed.problem : undefined;
    },
  });
  if (text === undefined) return undefined;
  const parsed = parseNodeSelector(splitPairs(text));
  return 'selector' in parsed ? parsed.selector : undefined;
}

function splitPairs(text: string): string[] {
  return text.split(',').map((pair) => pair.trim()).filter((pair) => pair !== '');
}

/** Values of `key` on the cluster's nodes, with counts; undefined when the nodes cannot be read. */
async function labelValues(api: KubeApi, key: string, options: CallOptions): Promise<Map<string, number> | undefined> {
  try {
    const nodes = await api.listNodes({ ...options, labelSelector: key });
    const counts = new Map<string, number>();
    for (const node of nodes) {
      const found = node.metadata?.labels?.[key];
      if (found !== undefined) counts.set(found, (counts.get(found) ?? 0) + 1);
    }
    return counts;
  } catch {
    // Reading nodes may be forbidden to this user; the class can still be created.
    return undefined;
  }
}
