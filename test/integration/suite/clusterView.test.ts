// The Clusters view and its commands in the real VS Code, against the real kube-apiserver the
// runner started and seeded (scripts/testbed/run-vscode-tests.mjs): three nodes, a gvisor class,
// three pods; a narrow RBAC user; a context whose server does not exist.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONTEXT_VALUES } from '../../../src/vscode/tree/contextValues';
import type { ClusterTreeNode } from '../../../src/vscode/tree/clusterTreeNodes';
import {
  CONTEXTS, admin, apiserver, byLabel, childrenWhen, clusterTree, folders, iconId, itemOf, loadedChildren,
  requireCluster, tooltipText, type TestCluster,
} from './clusterTestKit';
import { setSetting } from './editorTestUtils';

suite('Clusters view (real kube-apiserver)', () => {
  let cluster: TestCluster;
  let tree: vscode.TreeDataProvider<ClusterTreeNode>;

  suiteSetup(async function () {
    cluster = requireCluster(this);
    await setSetting('requestTimeoutSeconds', 5);
    tree = await clusterTree();
  });

  suiteTeardown(async () => {
    if (!cluster) return;
    await admin(cluster, 'DELETE', '/apis/node.k8s.io/v1/runtimeclasses/kata-qemu', undefined, [404]);
    await setSetting('requestTimeoutSeconds', undefined);
  });

  test('one item per kubeconfig context; the current one is marked and expanded, the others collapsed', async () => {
    const roots = await loadedChildren(tree);
    assert.deepEqual(roots.map((node) => node.kind === 'cluster' && node.context.name), [CONTEXTS.admin, CONTEXTS.narrow, CONTEXTS.unreachable]);
    const [current, narrow, unreachable] = roots.map((node) => itemOf(tree, node));
    assert.equal(current?.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(String(current?.description), /^current · 127\.0\.0\.1:\d+$/);
    assert.equal(narrow?.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.equal(unreachable?.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.equal(current?.contextValue, CONTEXT_VALUES.cluster);
  });

  test('nodes show readiness, runtime, kernel, architecture, sandbox state and sandboxed pods', async () => {
    const { nodes } = await folders(tree, CONTEXTS.admin);
    // Pod counts arrive with the pod and class lists, a moment after the nodes.
    const children = await childrenWhen(tree, nodes, (list) => list.some((n) => n.kind === 'node' && n.pods !== undefined), 'pod counts on the nodes');
    assert.deepEqual(children.map((node) => node.kind === 'node' && node.name), ['node-down', 'node-gvisor', 'node-plain']);

    const gvisor = itemOf(tree, byLabel(children, 'node', 'node-gvisor'));
    assert.equal(gvisor.description, 'Ready · containerd 1.7.2 · kernel 6.1 · amd64 · 1 of 2 pods sandboxed');
    assert.equal(iconId(gvisor), 'shield');
    assert.match(tooltipText(gvisor), /gVisor: ready \(labelled kube-sandbox\.dev\/gvisor=20221219 by an install\)/);
    assert.match(tooltipText(gvisor), /\| kernelVersion \| 6\.1\.0-18-amd64 \|/);

    const plain = itemOf(tree, byLabel(children, 'node', 'node-plain'));
    assert.equal(plain.description, 'Ready · containerd 1.6.20 · kernel 6.1 · arm64 · 0 of 1 pod sandboxed');
    // Kubernetes 1.20 does not report runtime handlers: without our label, nobody knows.
    assert.equal(iconId(plain), 'question');
    assert.match(String(itemOf(tree, byLabel(children, 'node', 'node-down')).description), /^NotReady · /);
    assert.equal(gvisor.contextValue, CONTEXT_VALUES.node);
  });

  test('a node\'s children are its pods, each sandboxed with its class or not', async () => {
    const { nodes } = await folders(tree, CONTEXTS.admin);
    const node = byLabel(await loadedChildren(tree, nodes), 'node', 'node-gvisor');
    const pods = await loadedChildren(tree, node);
    assert.deepEqual(pods.map((pod) => pod.kind === 'pod' && `${pod.namespace}/${pod.name}`), ['default/web-plain', 'default/web-sandboxed']);
    const sandboxed = itemOf(tree, byLabel(pods, 'pod', 'web-sandboxed'));
    assert.equal(sandboxed.description, 'default · sandboxed · gvisor (gVisor) · Pending');
    assert.equal(sandboxed.contextValue, CONTEXT_VALUES.pod);
    assert.equal(itemOf(tree, byLabel(pods, 'pod', 'web-plain')).description, 'default · not sandboxed · Pending');
  });

  test('Create RuntimeClass creates a Kata class, then reports it unchanged; the view shows it', async () => {
    const args = { context: CONTEXTS.admin, sandbox: 'kata-qemu', nodeSelector: null, confirm: false };
    const first = await vscode.commands.executeCommand<{ outcome: string; message: string }>('kubeSandbox.createRuntimeClass', args);
    assert.equal(first?.outcome, 'created', first?.message);
    assert.match(first.message, /Created RuntimeClass "kata-qemu" \(handler kata-qemu\) in cluster testbed-admin/);
    const second = await vscode.commands.executeCommand<{ outcome: string; message: string }>('kubeSandbox.createRuntimeClass', args);
    assert.equal(second?.outcome, 'unchanged', second?.message);

    const { runtimeClasses } = await folders(tree, CONTEXTS.admin);
    // The watch brings the new class into the view.
    const classes = await childrenWhen(tree, runtimeClasses, (list) => list.some((n) => n.kind === 'runtimeClass' && n.name === 'kata-qemu'), 'kata-qemu in the view');
    assert.equal(itemOf(tree, byLabel(classes, 'runtimeClass', 'kata-qemu')).description, 'kata-qemu · overhead cpu=250m, memory=160Mi');
    assert.equal(itemOf(tree, byLabel(classes, 'runtimeClass', 'gvisor')).description, 'runsc');

    const selector = { 'katacontainers.io/kata-runtime': 'true' };
    const third = await vscode.commands.executeCommand<{ outcome: string; message: string }>('kubeSandbox.createRuntimeClass', { ...args, nodeSelector: selector });
    assert.equal(third?.outcome, 'updated');
    assert.match(third.message, /scheduling\.nodeSelector: \(none\) → katacontainers\.io\/kata-runtime=true/);
  });

  test('a user whose RBAC forbids listing nodes gets the 403 as an error element; RuntimeClasses still list', async () => {
    const { nodes, runtimeClasses } = await folders(tree, CONTEXTS.narrow);
    const [error, ...rest] = await loadedChildren(tree, nodes);
    assert.equal(error?.kind, 'error');
    assert.deepEqual(rest, []);
    assert.match(error.message, /^RBAC forbids kube-sandbox-viewer to list nodes on https:\/\/127\.0\.0\.1:\d+\. Ask a cluster admin/);
    assert.equal(itemOf(tree, error).contextValue, CONTEXT_VALUES.error);
    byLabel(await loadedChildren(tree, runtimeClasses), 'runtimeClass', 'gvisor');
  });

  test('a stopped server shows an error element; Retry brings the nodes back once it runs again', async function () {
    this.timeout(90_000);
    const { nodes } = await folders(tree, CONTEXTS.admin);
    await childrenWhen(tree, nodes, (list) => list.filter((n) => n.kind === 'node').length === 3, 'three nodes');
    await apiserver(cluster, 'stop');
    let restarted = false;
    try {
      const children = await childrenWhen(tree, nodes, (list) => list[0]?.kind === 'error', 'an error element once the server is gone', 30_000);
      const error = children[0] as Extract<ClusterTreeNode, { kind: 'error' }>;
      assert.match(error.message, /Cannot reach the cluster at https:\/\/127\.0\.0\.1:\d+|watch connection .* was closed/);
      await apiserver(cluster, 'start');
      restarted = true;
      await vscode.commands.executeCommand('kubeSandbox.retry', error);
      const back = await childrenWhen(tree, nodes, (list) => list.length === 3 && list.every((n) => n.kind === 'node'), 'the nodes after Retry', 30_000);
      assert.deepEqual(back.map((node) => node.kind === 'node' && node.name), ['node-down', 'node-gvisor', 'node-plain']);
    } finally {
      if (!restarted) await apiserver(cluster, 'start');
    }
  });

  test('Copy Name copies a node\'s name; Install gVisor on Node says where to configure a node it cannot reach', async () => {
    const { nodes } = await folders(tree, CONTEXTS.admin);
    const node = byLabel(await loadedChildren(tree, nodes), 'node', 'node-gvisor');
    assert.equal(await vscode.commands.executeCommand('kubeSandbox.copyName', node), 'node-gvisor');
    // The seeded node reports no address, so the command says where to add one.
    const run = await vscode.commands.executeCommand<{ results: Array<{ outcome: string; error?: string }> }>('kubeSandbox.installGvisorOnNode', node);
    assert.equal(run?.results[0]?.outcome, 'unreachable');
    assert.match(run?.results[0]?.error ?? '', /node-gvisor reports no address.*kubeSandbox\.nodes/s);
  });

  test('Verify Sandbox reads the pod from the cluster and says when it cannot be checked yet', async () => {
    // No kubelet runs in this test bed, so seeded pods stay Pending: the command must say so
    // plainly. The verdicts themselves are unit-tested on output captured from real runsc runs.
    const { nodes } = await folders(tree, CONTEXTS.admin);
    const node = byLabel(await loadedChildren(tree, nodes), 'node', 'node-gvisor');
    const pod = byLabel(await loadedChildren(tree, node), 'pod', 'web-sandboxed');
    const outcome = await vscode.commands.executeCommand<{ problem?: string }>('kubeSandbox.verifySandbox', pod);
    assert.match(outcome?.problem ?? '', /^Pod "web-sandboxed" in namespace "default": container "main" is not running \(pod phase Pending\)\. Verify it once it runs\.$/);
    const missing = await vscode.commands.executeCommand<unknown>('kubeSandbox.verifySandbox', { context: CONTEXTS.admin, namespace: 'default', pod: 'no-such-pod' });
    // A pod that does not exist is a cluster error: the command's wrapper shows it and resolves to nothing.
    assert.equal(missing, undefined);
  });

  test('a kubeconfig edit (kubectl config use-context) shows without a Refresh', async () => {
    const original = fs.readFileSync(cluster.kubeconfig, 'utf8');
    const current = (list: ClusterTreeNode[]): string | undefined => list.find((node) => node.kind === 'cluster' && node.context.current)?.id;
    assert.match(original, /^current-context: testbed-admin$/m);
    try {
      fs.writeFileSync(cluster.kubeconfig, original.replace(/^current-context: .*$/m, `current-context: ${CONTEXTS.narrow}`));
      await childrenWhen(tree, undefined, (list) => current(list) === `cluster/${CONTEXTS.narrow}`, 'the viewer context to become current');
    } finally {
      fs.writeFileSync(cluster.kubeconfig, original);
    }
    await childrenWhen(tree, undefined, (list) => current(list) === `cluster/${CONTEXTS.admin}`, 'the admin context to be current again');
  });

  test('Select kubeconfig: a missing file is an error element whose Retry reads it again; an empty one leaves the view to its welcome', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-kubeconfig-'));
    const clusters = (list: ClusterTreeNode[]): string[] => list.map((node) => (node.kind === 'cluster' ? node.context.name : node.kind));
    try {
      const file = path.join(dir, 'config.yaml');
      assert.equal(await vscode.commands.executeCommand('kubeSandbox.selectKubeconfig', file), file);
      const [error] = await childrenWhen(tree, undefined, (list) => list[0]?.kind === 'error', 'an error for the missing kubeconfig');
      assert.ok(error?.kind === 'error');
      assert.match(error.message, /^The kubeconfig file .*config\.yaml does not exist\. Check the path, or clear it/);

      fs.copyFileSync(cluster.kubeconfig, file);
      await vscode.commands.executeCommand('kubeSandbox.retry', error);
      await childrenWhen(tree, undefined, (list) => clusters(list).join() === [CONTEXTS.admin, CONTEXTS.narrow, CONTEXTS.unreachable].join(), 'the contexts after Retry');

      const empty = path.join(dir, 'empty.yaml');
      fs.writeFileSync(empty, '');
      await vscode.commands.executeCommand('kubeSandbox.selectKubeconfig', empty);
      await childrenWhen(tree, undefined, (list) => list.length === 0, 'no element (the welcome view shows)');
    } finally {
      await vscode.workspace.getConfiguration('kubeSandbox').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await childrenWhen(tree, undefined, (list) => clusters(list).includes(CONTEXTS.admin), 'KUBECONFIG\'s contexts again');
  });

  test('every viewItem in package.json menus is one of the view\'s context values', () => {
    const extension = vscode.extensions.getExtension('kube-sandbox.kube-sandbox');
    const menus = (extension?.packageJSON as { contributes: { menus: Record<string, { when?: string }[]> } }).contributes.menus;
    const known = new Set<string>(Object.values(CONTEXT_VALUES));
    const used = Object.values(menus).flat().flatMap((entry) => [...(entry.when ?? '').matchAll(/viewItem\s*==\s*([\w.-]+)/g)].map((m) => m[1] ?? ''));
    assert.ok(used.length > 10, 'no viewItem clauses found');
    assert.deepEqual(used.filter((value) => !known.has(value)), []);
    assert.ok(!Object.values(menus).flat().some((entry) => /viewItem\s*=~/.test(entry.when ?? '')), 'menus match contextValue by equality only');
  });
});
