// The manifest features as a user meets them in the real VS Code: diagnostics, quick fixes,
// code lenses and "Sandbox All Workloads in File" on the files of the test workspace.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activateExtension, assertOnlyLinesInserted, codeLenses, codeOf, lineOf, openInEditor, ourDiagnostics,
  quickFixes, revertAndCloseAll, sleep, waitFor, waitForDiagnostic, workspaceUri,
} from './editorTestUtils';

suite('manifests in the editor', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  teardown(async () => {
    await revertAndCloseAll();
  });

  test('an unsandboxed Deployment gets a warning on its kind line', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    const diagnostics = await waitForDiagnostic(document.uri, 'unsandboxed-workload');

    assert.equal(diagnostics.length, 1, `expected one diagnostic, got: ${diagnostics.map((d) => d.message).join(' | ')}`);
    const [diagnostic] = diagnostics;
    assert.ok(diagnostic);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diagnostic.range.start.line, lineOf(document, 'kind: Deployment'));
    assert.equal(document.getText(diagnostic.range), 'Deployment');
    assert.match(diagnostic.message, /runtimeClassName/);
    assert.ok(typeof diagnostic.code === 'object' && diagnostic.code.target instanceof vscode.Uri, 'the code links to the rule\'s documentation');
  });

  test('the preferred quick fix adds exactly `runtimeClassName: gvisor` and clears the warning', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    const [diagnostic] = await waitForDiagnostic(document.uri, 'unsandboxed-workload');
    assert.ok(diagnostic);
    const before = document.getText();

    const actions = await quickFixes(document.uri, diagnostic.range);
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Add runtimeClassName: kata'), `another configured class is offered: ${titles.join(', ')}`);
    assert.ok(titles.includes('Exempt from sandboxing…'), `exemption is offered: ${titles.join(', ')}`);
    const preferred = actions.filter((action) => action.isPreferred);
    assert.equal(preferred.length, 1, `one preferred fix, got: ${preferred.map((a) => a.title).join(', ')}`);
    const [fix] = preferred;
    assert.ok(fix?.edit);
    assert.equal(fix.title, 'Add runtimeClassName: gvisor');
    assert.equal(codeOf(fix.diagnostics?.[0] ?? diagnostic), 'unsandboxed-workload');

    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    // The pod spec's keys sit at six spaces in this file (`      containers:`).
    assertOnlyLinesInserted(before, document.getText(), ['      runtimeClassName: gvisor']);
    await waitFor(() => ourDiagnostics(document.uri).length === 0, 'the warning goes once the class is set');
  });

  test('the "Run in gVisor sandbox" lens sets the class, then reads "Sandboxed: gvisor"', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    const lenses = await codeLenses(document.uri);
    assert.equal(lenses.length, 1);
    const [lens] = lenses;
    assert.ok(lens?.command);
    assert.equal(lens.command.title, '$(shield) Run in gVisor sandbox');
    assert.equal(lens.command.command, 'kubeSandbox.addRuntimeClass');
    assert.ok(lens.range.start.line <= lineOf(document, 'kind: Deployment'), 'the lens sits above the workload');
    const before = document.getText();

    await vscode.commands.executeCommand(lens.command.command, ...((lens.command.arguments ?? []) as unknown[]));

    assertOnlyLinesInserted(before, document.getText(), ['      runtimeClassName: gvisor']);
    const after = await waitFor(async () => {
      const [current] = await codeLenses(document.uri);
      return current?.command?.title === '$(pass) Sandboxed: gvisor' ? current : undefined;
    }, 'the lens shows the sandbox');
    assert.equal(after.command?.command, 'kubeSandbox.showWorkloadSandbox');
    // Shows a notification; must resolve without waiting for it.
    await vscode.commands.executeCommand(after.command.command, ...((after.command.arguments ?? []) as unknown[]));
  });

  test('Sandbox All Workloads in File sets the class on every unsandboxed workload and nothing else', async () => {
    const { document } = await openInEditor('manifests/shop.yaml');
    const diagnostics = await waitForDiagnostic(document.uri, 'unsandboxed-workload');
    assert.deepEqual(
      diagnostics.map((d) => document.getText(d.range)).sort(),
      ['CronJob', 'Deployment'],
      'the Deployment and the CronJob are flagged; the Service has no pod spec and the StatefulSet is sandboxed',
    );
    const before = document.getText();

    const changed = await vscode.commands.executeCommand<number>('kubeSandbox.sandboxAllWorkloadsInFile');

    assert.equal(changed, 2);
    assertOnlyLinesInserted(before, document.getText(), ['      runtimeClassName: gvisor', '          runtimeClassName: gvisor']);
    await waitFor(() => ourDiagnostics(document.uri).length === 0, 'no warnings remain');
    const titles = (await codeLenses(document.uri)).map((lens) => lens.command?.title);
    assert.deepEqual(titles, ['$(pass) Sandboxed: gvisor', '$(pass) Sandboxed: gvisor', '$(pass) Sandboxed: gvisor']);

    assert.equal(await vscode.commands.executeCommand<number>('kubeSandbox.sandboxAllWorkloadsInFile', document.uri), 0, 'a second run changes nothing');
  });

  test('a JSON Deployment is flagged and fixed in JSON syntax', async () => {
    const { document } = await openInEditor('manifests/api.json');
    const [diagnostic] = await waitForDiagnostic(document.uri, 'unsandboxed-workload');
    assert.ok(diagnostic);
    assert.equal(diagnostic.range.start.line, lineOf(document, '"kind": "Deployment"'));
    const fix = (await quickFixes(document.uri, diagnostic.range)).find((action) => action.isPreferred);
    assert.ok(fix?.edit);

    assert.ok(await vscode.workspace.applyEdit(fix.edit));

    const manifest = JSON.parse(document.getText()) as { spec: { template: { spec: { runtimeClassName?: string } } } };
    assert.equal(manifest.spec.template.spec.runtimeClassName, 'gvisor');
  });

  test('a sandboxed DaemonSet with hostNetwork gets a warning that links to gVisor\'s networking notes', async () => {
    const { document } = await openInEditor('manifests/log-shipper.yaml');
    const diagnostics = await waitForDiagnostic(document.uri, 'sandbox-host-namespace');
    assert.deepEqual(diagnostics.map(codeOf), ['sandbox-host-namespace']);
    const [diagnostic] = diagnostics;
    assert.ok(diagnostic);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diagnostic.range.start.line, lineOf(document, 'hostNetwork: true'));

    const actions = await quickFixes(document.uri, diagnostic.range);
    const learn = actions.find((action) => action.title.startsWith('Learn what gVisor does to'));
    assert.ok(learn?.command, `a "Learn what gVisor does to …" action, got: ${actions.map((a) => a.title).join(', ')}`);
    // VS Code hands the command back under its internal name.
    assert.ok(['vscode.open', '_workbench.open'].includes(learn.command.command), learn.command.command);
    assert.match(String(learn.command.arguments?.[0]), /gvisor\.dev\/docs\/user_guide\/networking/);
    assert.ok(actions.every((action) => !action.isPreferred), 'nothing here is safe to apply blindly');

    const [lens] = await codeLenses(document.uri);
    assert.equal(lens?.command?.title, '$(pass) Sandboxed: gvisor');
  });

  test('an exempt Pod gets no diagnostic and an "Exempt" lens with its reason', async () => {
    const { document } = await openInEditor('manifests/exempt-pod.yaml');
    const lenses = await codeLenses(document.uri);
    assert.equal(lenses[0]?.command?.title, "$(circle-slash) Exempt: writes the node's CNI config");
    // Opening analyses at once; give the pipeline a moment to (not) publish anything.
    await sleep(500);
    assert.deepEqual(ourDiagnostics(document.uri), []);
  });

  test('diagnostics are cleared when the document is closed', async () => {
    // Opened through the workbench, as from the Explorer: a document an extension opened with
    // openTextDocument stays referenced (and open) for minutes after its editor closes.
    const uri = workspaceUri('manifests/closed-by-user.yaml');
    await vscode.commands.executeCommand('vscode.open', uri);
    await waitForDiagnostic(uri, 'unsandboxed-workload');

    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    await waitFor(() => ourDiagnostics(uri).length === 0, 'diagnostics of a closed document go away', 30_000);
  });

  test('diagnostics are cleared when the document stops being YAML', async () => {
    const { document } = await openInEditor('manifests/standalone-job.yaml');
    await waitForDiagnostic(document.uri, 'unsandboxed-workload');

    const plain = await vscode.languages.setTextDocumentLanguage(document, 'plaintext');
    try {
      await waitFor(() => ourDiagnostics(document.uri).length === 0, 'diagnostics go with the language');
    } finally {
      // The document outlives this test; later tests expect YAML.
      await vscode.languages.setTextDocumentLanguage(plain, 'yaml');
    }
    await waitForDiagnostic(document.uri, 'unsandboxed-workload');
  });

  test('Helm templates get no diagnostics and no lenses; the same Job outside a chart does', async () => {
    // Control: proves the pipeline works on this Job, so the silence below means something.
    const standalone = (await openInEditor('manifests/standalone-job.yaml')).document;
    await waitForDiagnostic(standalone.uri, 'unsandboxed-workload');

    for (const template of ['charts/web/templates/deployment.yaml', 'charts/web/templates/static-job.yaml']) {
      const { document } = await openInEditor(template);
      assert.deepEqual(await codeLenses(document.uri), [], `no lenses on ${template}`);
      const before = document.getText();
      assert.equal(await vscode.commands.executeCommand<number>('kubeSandbox.sandboxAllWorkloadsInFile', document.uri), 0);
      assert.equal(document.getText(), before, `${template} is left alone`);
      await sleep(500);
      assert.deepEqual(ourDiagnostics(document.uri), [], `no diagnostics on ${template}`);
    }
  });

  test('a YAML syntax error costs only its own document: the next one is still checked', async () => {
    const content = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'data: {broken: [1, 2}',
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: still-checked',
      'spec:',
      '  containers:',
      '    - name: app',
      '      image: busybox',
      '',
    ].join('\n');
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
    await vscode.window.showTextDocument(document);

    const diagnostics = await waitForDiagnostic(document.uri, 'unsandboxed-workload');
    const syntax = diagnostics.filter((d) => codeOf(d) === 'yaml-syntax');
    assert.equal(syntax.length, 1, `one note about the unparsed document, got: ${diagnostics.map((d) => d.message).join(' | ')}`);
    assert.equal(syntax[0]?.severity, vscode.DiagnosticSeverity.Information);
    assert.ok((syntax[0]?.range.start.line ?? 99) <= 3, 'the note sits in the broken document');
    const unsandboxed = diagnostics.find((d) => codeOf(d) === 'unsandboxed-workload');
    assert.equal(unsandboxed?.range.start.line, 5);
  });

  test('YAML that is not a Kubernetes manifest is left alone', async () => {
    const { document } = await openInEditor('notes/ci-pipeline.yaml');
    assert.deepEqual(await codeLenses(document.uri), []);
    await sleep(500);
    assert.deepEqual(ourDiagnostics(document.uri), []);
  });

  test('an edit is re-checked after the debounce', async () => {
    const editor = await openInEditor('manifests/log-shipper.yaml');
    const { document } = editor;
    await waitForDiagnostic(document.uri, 'sandbox-host-namespace');
    const line = lineOf(document, 'runtimeClassName: gvisor');

    await editor.edit((edit) => edit.replace(document.lineAt(line).range, '      runtimeClassName: runc'));

    const diagnostics = await waitForDiagnostic(document.uri, 'unsandboxed-workload');
    assert.deepEqual(diagnostics.map(codeOf), ['unsandboxed-workload'], 'with runc the pod is unsandboxed, and host networking is no longer a sandbox concern');
    assert.equal(document.getText(diagnostics[0]?.range), 'runc');
  });
});
