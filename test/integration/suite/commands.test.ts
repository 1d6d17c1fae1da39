// The commands: registered as package.json declares them, and the ones that ask the user
// something (exemption reason, class choice) driven through the real quick input.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  activateExtension, assertOnlyLinesInserted, codeLenses, lineOf, openInEditor, ourDiagnostics,
  revertAndCloseAll, sleep, waitFor, waitForDiagnostic,
} from './editorTestUtils';

interface PackageJson {
  activationEvents?: string[];
  contributes: { commands: { command: string }[] };
}

suite('commands', () => {
  let packageJson: PackageJson;

  suiteSetup(async () => {
    packageJson = (await activateExtension()).packageJSON as PackageJson;
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await revertAndCloseAll();
  });

  test('every command in package.json is registered, and activation is never "*"', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const { command } of packageJson.contributes.commands) {
      assert.ok(registered.has(command), `${command} is declared but not registered`);
    }
    assert.ok(!(packageJson.activationEvents ?? []).includes('*'));
  });

  test('exempting with a reason adds the annotation and silences the warning', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    await waitForDiagnostic(document.uri, 'unsandboxed-workload');
    const offset = document.offsetAt(new vscode.Position(lineOf(document, 'kind: Deployment'), 7));
    const before = document.getText();

    await vscode.commands.executeCommand('kubeSandbox.exemptWorkload', document.uri, offset, 'needs the node\'s "real" kernel');

    const text = document.getText();
    assert.match(text, /kube-sandbox\.dev\/unsandboxed-reason: "needs the node's \\"real\\" kernel"/);
    assert.equal(text.replace(/\n {2}annotations:\n {4}kube-sandbox\.dev\/unsandboxed-reason: .*/, ''), before, 'only the annotation was added');
    await waitFor(() => ourDiagnostics(document.uri).length === 0, 'the warning goes');
    const [lens] = await codeLenses(document.uri);
    assert.equal(lens?.command?.title, '$(circle-slash) Exempt: needs the node\'s "real" kernel');
  });

  test('the exemption input box, dismissed, changes nothing', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    const offset = document.offsetAt(new vscode.Position(lineOf(document, 'kind: Deployment'), 7));
    const before = document.getText();

    const running = vscode.commands.executeCommand('kubeSandbox.exemptWorkload', document.uri, offset);
    await sleep(1_000); // let the input box open
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await running;

    assert.equal(document.getText(), before);
    assert.equal(document.isDirty, false);
  });

  test('without a class, Run Workload in Sandbox asks which one, the default first', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    const offset = document.offsetAt(new vscode.Position(lineOf(document, 'kind: Deployment'), 7));
    const before = document.getText();

    const running = vscode.commands.executeCommand('kubeSandbox.addRuntimeClass', document.uri, offset);
    await sleep(1_000); // let the quick pick open
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await running;

    // The picks are gvisor (default) then kata; "next" moved to kata.
    assertOnlyLinesInserted(before, document.getText(), ['      runtimeClassName: kata']);
  });

  test('a command given a position outside any workload explains and changes nothing', async () => {
    const { document } = await openInEditor('manifests/shop.yaml');
    const insideService = document.offsetAt(new vscode.Position(lineOf(document, 'kind: Service'), 7));
    const before = document.getText();

    await vscode.commands.executeCommand('kubeSandbox.addRuntimeClass', document.uri, insideService, 'gvisor');

    assert.equal(document.getText(), before);
  });

  test('a bad class name is refused with a message, not applied', async () => {
    const { document } = await openInEditor('manifests/web-deployment.yaml');
    const offset = document.offsetAt(new vscode.Position(lineOf(document, 'kind: Deployment'), 7));
    const before = document.getText();

    const result = await vscode.commands.executeCommand('kubeSandbox.addRuntimeClass', document.uri, offset, 'Not A Class');

    assert.equal(result, undefined, 'the error wrapper swallows the error after reporting it');
    assert.equal(document.getText(), before);
  });

  test('Show Output runs', async () => {
    await vscode.commands.executeCommand('kubeSandbox.showOutput');
  });
});
