// Shared steps of the cluster tests: the real kube-apiserver that run-vscode-tests.mjs started
// (KUBE_SANDBOX_TEST_CLUSTER), and the Clusters view read through its provider, as the view reads it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KubeSandboxTestHooks } from '../../../src/extension';
import type { ClusterTreeNode } from '../../../src/vscode/tree/clusterTreeNodes';
import { kubeRequestOk } from '../../harness/kubeRest';
import { activateExtension, waitFor } from './editorTestUtils';

export interface TestCluster {
  readonly kubeconfig: string;
  readonly server: string;
  readonly adminToken: string;
  /** Loopback URL of the runner's control endpoint (POST /apiserver/stop, /apiserver/start). */
  readonly control: string;
}

/** The contexts of the test bed's kubeconfig (test/harness/kubeCluster.ts). */
export const CONTEXTS = { admin: 'testbed-admin', narrow: 'testbed-viewer', unreachable: 'testbed-unreachable' } as const;

export function testCluster(): TestCluster | undefined {
  const raw = process.env.KUBE_SANDBOX_TEST_CLUSTER;
  return raw ? (JSON.parse(raw) as TestCluster) : undefined;
}

/**
 * For `suiteSetup`: the cluster, or a skip when the runner had no Kubernetes test bed (a failure
 * under KUBE_SANDBOX_REQUIRE_TESTBED=1, as everywhere else).
 */
export function requireCluster(context: Mocha.Context): TestCluster {
  const cluster = testCluster();
  if (cluster) return cluster;
  const why = 'no kube-apiserver: run `sudo bash scripts/testbed/install-kube.sh`, then `npm run test:integration`';
  if (process.env.KUBE_SANDBOX_REQUIRE_TESTBED === '1') throw new Error(`${why} (KUBE_SANDBOX_REQUIRE_TESTBED=1)`);
  console.log(`SKIP cluster tests: ${why}`);
  context.skip();
}

export async function clusterTree(): Promise<vscode.TreeDataProvider<ClusterTreeNode>> {
  const extension = await activateExtension();
  const hooks = extension.exports as KubeSandboxTestHooks | undefined;
  assert.ok(hooks?.clusterTree, 'the extension does not expose the Clusters view provider to tests');
  return hooks.clusterTree;
}

/** The children of `node` once nothing under it is loading any more. */
export async function loadedChildren(tree: vscode.TreeDataProvider<ClusterTreeNode>, node?: ClusterTreeNode, timeoutMs = 20_000): Promise<ClusterTreeNode[]> {
  return waitFor(async () => {
    const children = (await tree.getChildren(node)) ?? [];
    return children.some((child) => child.kind === 'loading') ? undefined : children;
  }, `the children of ${node?.id ?? 'the root'} to load`, timeoutMs);
}

/** Waits until the children of `node` satisfy `accept`; returns them. */
export async function childrenWhen(
  tree: vscode.TreeDataProvider<ClusterTreeNode>,
  node: ClusterTreeNode | undefined,
  accept: (children: ClusterTreeNode[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<ClusterTreeNode[]> {
  return waitFor(async () => {
    const children = (await tree.getChildren(node)) ?? [];
    return accept(children) ? children : undefined;
  }, what, timeoutMs);
}

export function byLabel<K extends ClusterTreeNode['kind']>(children: readonly ClusterTreeNode[], kind: K, name: string): Extract<ClusterTreeNode, { kind: K }> {
  const found = children.find((child) => child.kind === kind && labelOf(child) === name);
  assert.ok(found, `no ${kind} "${name}" among ${children.map((child) => `${child.kind}:${labelOf(child)}`).join(', ')}`);
  return found as Extract<ClusterTreeNode, { kind: K }>;
}

function labelOf(node: ClusterTreeNode): string {
  switch (node.kind) {
    case 'cluster':
      return node.context.name;
    case 'node':
    case 'pod':
    case 'runtimeClass':
      return node.name;
    case 'nodesFolder':
      return 'Nodes';
    case 'runtimeClassesFolder':
      return 'Runtime Classes';
    default:
      return node.message;
  }
}

/** A cluster's Nodes and Runtime Classes folders. */
export async function folders(tree: vscode.TreeDataProvider<ClusterTreeNode>, context: string) {
  const cluster = byLabel(await loadedChildren(tree), 'cluster', context);
  const children = await loadedChildren(tree, cluster);
  return { cluster, nodes: byLabel(children, 'nodesFolder', 'Nodes'), runtimeClasses: byLabel(children, 'runtimeClassesFolder', 'Runtime Classes') };
}

export function itemOf(tree: vscode.TreeDataProvider<ClusterTreeNode>, node: ClusterTreeNode): vscode.TreeItem {
  return tree.getTreeItem(node) as vscode.TreeItem;
}

/** The tooltip's text, Markdown escapes removed. */
export function tooltipText(item: vscode.TreeItem): string {
  const tooltip = item.tooltip;
  return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '').replace(/\\(.)/g, '$1');
}

export function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

/** Stops or starts the test bed's kube-apiserver (through the runner, which owns the process). */
export async function apiserver(cluster: TestCluster, action: 'stop' | 'start'): Promise<void> {
  const response = await fetch(`${cluster.control}/apiserver/${action}`, { method: 'POST' });
  assert.equal(response.status, 204, `could not ${action} the kube-apiserver: ${await response.text()}`);
}

/** A request as the cluster admin, for setup and clean-up only. */
export async function admin(cluster: TestCluster, method: string, path: string, body?: unknown, allow: readonly number[] = []): Promise<void> {
  await kubeRequestOk(cluster.server, method, path, body, { token: cluster.adminToken, allow });
}
