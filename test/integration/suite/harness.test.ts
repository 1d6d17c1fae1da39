// Smoke test of the harness itself: the suite runs in VS Code 1.100 (the version the extension's
// engine declares) and the extension under development loads and activates on a manifest.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'kube-sandbox.kube-sandbox';

suite('harness', () => {
  test('runs inside VS Code 1.100', () => {
    assert.ok(vscode.version.startsWith('1.100'), `VS Code version is ${vscode.version}`);
  });

  test('the workspace folder is open', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'expected exactly one workspace folder');
  });

  test('the extension activates when a YAML manifest opens', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);

    const [sample] = await vscode.workspace.findFiles('sample.yaml');
    assert.ok(sample, 'sample.yaml is missing from the test workspace');
    const document = await vscode.workspace.openTextDocument(sample);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'yaml');

    await waitFor(() => extension.isActive, 30_000, 'the extension did not activate after opening a YAML file');
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
