// Live manifest checks against the real kube-apiserver: with a cluster chosen for manifest checks,
// a runtimeClassName the cluster lacks is an error (as the API server's admission would refuse
// the pod), fixed by the cluster's classes, and gone once the class is created.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CONTEXTS, admin, byLabel, clusterTree, itemOf, loadedChildren, requireCluster, type TestCluster } from './clusterTestKit';
import { codeOf, ourDiagnostics, quickFixes, revertAndCloseAll, setSetting, waitFor, waitForDiagnostic } from './editorTestUtils';

const CODE = 'unknown-runtime-class';
const MANIFEST = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata:',
  '  name: vm-pod',
  'spec:',
  '  runtimeClassName: kata-clh',
  '  containers:',
  '    - name: app',
  '      image: busybox',
  '',
].join('\n');

suite('Live manifest checks (real kube-apiserver)', () => {
  let cluster: TestCluster;

  suiteSetup(async function () {
    cluster = requireCluster(this);
    await setSetting('requestTimeoutSeconds', 5);
  });

  suiteTeardown(async () => {
    if (!cluster) return;
    await vscode.commands.executeCommand('kubeSandbox.stopManifestChecks');
    await revertAndCloseAll();
    await admin(cluster, 'DELETE', '/apis/node.k8s.io/v1/runtimeclasses/kata-clh', undefined, [404]);
    await setSetting('requestTimeoutSeconds', undefined);
  });

  test('a class the chosen cluster lacks is an error; its classes fix and complete it; creating the class clears it', async () => {
    const tree = await clusterTree();
    const chosen = await vscode.commands.executeCommand<boolean>('kubeSandbox.useForManifestChecks', CONTEXTS.admin);
    assert.equal(chosen, true);
    const clusterElement = byLabel(await loadedChildren(tree), 'cluster', CONTEXTS.admin);
    const item = itemOf(tree, clusterElement);
    assert.equal(item.contextValue, 'clusterForChecks');
    assert.match(String(item.description), /manifest checks/);

    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: MANIFEST });
    await vscode.window.showTextDocument(document);
    const diagnostics = await waitForDiagnostic(document.uri, CODE);
    const error = diagnostics.find((d) => codeOf(d) === CODE);
    assert.ok(error);
    assert.equal(error.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(error.range), 'kata-clh');
    assert.match(error.message, /RuntimeClass "kata-clh" does not exist in cluster "testbed-admin"/);
    assert.match(error.message, /pod rejected: RuntimeClass "kata-clh" not found/);

    const fixes = await quickFixes(document.uri, error.range);
    const titles = fixes.map((fix) => fix.title);
    assert.ok(titles.includes('Use RuntimeClass "gvisor" (handler runsc, in testbed-admin)'), titles.join(' | '));
    assert.ok(titles.includes('Create RuntimeClass "kata-clh" in testbed-admin…'), titles.join(' | '));

    const valueAt = new vscode.Position(5, '  runtimeClassName: '.length);
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, valueAt);
    const labels = completions.items.map((c) => (typeof c.label === 'string' ? c.label : c.label.label));
    assert.ok(labels.includes('gvisor'), `completions: ${labels.join(', ')}`);

    const created = await vscode.commands.executeCommand<{ outcome: string }>('kubeSandbox.createRuntimeClass', {
      context: CONTEXTS.admin, sandbox: 'kata-clh', nodeSelector: null, confirm: false,
    });
    assert.equal(created?.outcome, 'created');
    // The cluster's watch brings the new class; the check runs again without an edit.
    await waitFor(() => !ourDiagnostics(document.uri).some((d) => codeOf(d) === CODE), 'the unknown-runtime-class error to go away');
    assert.deepEqual(ourDiagnostics(document.uri).map(codeOf), []);
  });
});
