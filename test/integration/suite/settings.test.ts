// Settings change what the providers do, live: no reload.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  classChoices, normaliseClassName, normaliseDebounce, normaliseNodes, normaliseSandboxClasses, normaliseStringList,
} from '../../../src/vscode/config';
import {
  activateExtension, codeLenses, openInEditor, ourDiagnostics, quickFixes, revertAndCloseAll, setSetting, waitFor,
  waitForDiagnostic,
} from './editorTestUtils';

suite('settings', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  teardown(async () => {
    for (const key of ['defaultRuntimeClass', 'sandboxRuntimeClasses', 'exemptNamespaces', 'manifestChecks.enabled', 'codeLens.enabled']) {
      await setSetting(key, undefined);
    }
    await revertAndCloseAll();
  });

  test('the default class drives the lens, the preferred fix and the quick pick order', async () => {
    await setSetting('defaultRuntimeClass', 'kata-qemu');
    const { document } = await openInEditor('manifests/web-deployment.yaml');

    const lens = await waitFor(async () => {
      const [current] = await codeLenses(document.uri);
      return current?.command?.title.includes('kata-qemu') ? current : undefined;
    }, 'the lens names the new default');
    assert.equal(lens.command?.title, '$(shield) Run in Kata sandbox (kata-qemu)');
    assert.deepEqual(lens.command?.arguments?.[2], 'kata-qemu');

    const [diagnostic] = await waitForDiagnostic(document.uri, 'unsandboxed-workload');
    assert.ok(diagnostic);
    const actions = await quickFixes(document.uri, diagnostic.range);
    assert.equal(actions.find((action) => action.isPreferred)?.title, 'Add runtimeClassName: kata-qemu');
  });

  test('a class added to sandboxRuntimeClasses counts as a sandbox', async () => {
    const { document } = await openInEditor('manifests/log-shipper.yaml');
    await waitForDiagnostic(document.uri, 'sandbox-host-namespace');

    await setSetting('sandboxRuntimeClasses', ['kata']);

    // gvisor no longer counts: the DaemonSet is unsandboxed now.
    await waitForDiagnostic(document.uri, 'unsandboxed-workload');
  });

  test('turning manifest checks off clears diagnostics; on brings them back', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    await waitForDiagnostic(document.uri, 'unsandboxed-workload');

    await setSetting('manifestChecks.enabled', false);
    await waitFor(() => ourDiagnostics(document.uri).length === 0, 'diagnostics cleared');
    assert.deepEqual(await quickFixes(document.uri, new vscode.Range(0, 0, 30, 0)).then((a) => a.filter((x) => x.title.includes('runtimeClassName'))), []);

    await setSetting('manifestChecks.enabled', true);
    await waitForDiagnostic(document.uri, 'unsandboxed-workload');
  });

  test('turning code lenses off removes them', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    assert.equal((await codeLenses(document.uri)).length, 1);

    await setSetting('codeLens.enabled', false);

    await waitFor(async () => (await codeLenses(document.uri)).length === 0, 'no lenses');
  });

  test('a namespace in exemptNamespaces is exempt', async () => {
    await setSetting('exemptNamespaces', ['kube-system', 'default']);
    const editor = await openInEditor('manifests/web-deployment.yaml');
    await editor.edit((edit) => edit.insert(editor.document.lineAt(4).range.end, '\n  namespace: default'));

    await waitFor(async () => {
      const [lens] = await codeLenses(editor.document.uri);
      return lens?.command?.title.startsWith('$(circle-slash) Exempt') === true;
    }, 'an "Exempt" lens');
    await waitFor(() => ourDiagnostics(editor.document.uri).length === 0, 'no warning');
  });

  test('normalisers turn hand-edited values into safe ones', () => {
    assert.deepEqual(normaliseStringList([' gvisor ', '', 3, 'gvisor', 'kata'], ['x']), ['gvisor', 'kata']);
    assert.deepEqual(normaliseStringList('gvisor', ['x']), ['x']);
    assert.deepEqual(normaliseSandboxClasses([]), ['gvisor', 'kata', 'kata-*']);
    assert.equal(normaliseClassName(' kata-qemu ', 'gvisor'), 'kata-qemu');
    assert.equal(normaliseClassName('Kata QEMU', 'gvisor'), 'gvisor');
    assert.equal(normaliseClassName(undefined, 'gvisor'), 'gvisor');
    assert.equal(normaliseDebounce(-5), 0);
    assert.equal(normaliseDebounce(99_999), 5000);
    assert.equal(normaliseDebounce('300'), 300);
    assert.equal(normaliseDebounce(120.4), 120);
    assert.deepEqual(classChoices(['gvisor', 'kata', 'kata-*', 'kata-qemu'], 'kata-qemu'), ['kata-qemu', 'gvisor', 'kata']);
    const nodes = normaliseNodes({ 'node-1': { host: '10.0.0.5', port: 2222, user: 'ops' }, bad: 'x', 'node-2': { port: 70000 } });
    assert.deepEqual([...nodes.keys()], ['node-1', 'node-2']);
    assert.equal(nodes.get('node-1')?.port, 2222);
    assert.equal(nodes.get('node-2')?.port, undefined);
  });
});
