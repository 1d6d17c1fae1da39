// Shared steps of the editor-layer tests: open a workspace file the way a user would, wait for
// the extension to react, and leave the workbench clean for the next test.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'kube-sandbox.kube-sandbox';
export const SOURCE = 'kube-sandbox';

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded`);
  await extension.activate();
  return extension;
}

export function workspaceUri(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...relativePath.split('/'));
}

export async function openInEditor(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceUri(relativePath));
  return vscode.window.showTextDocument(document);
}

export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, message: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === SOURCE);
}

export function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  return typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
}

/** Our diagnostics once at least one with `code` is there. */
export function waitForDiagnostic(uri: vscode.Uri, code: string): Promise<vscode.Diagnostic[]> {
  return waitFor(() => {
    const diagnostics = ourDiagnostics(uri);
    return diagnostics.some((diagnostic) => codeOf(diagnostic) === code) ? diagnostics : undefined;
  }, `a ${code} diagnostic on ${vscode.workspace.asRelativePath(uri)}`);
}

export async function codeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return (lenses ?? []).filter((lens) => lens.command?.command.startsWith('kubeSandbox.'));
}

export async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value,
  );
  // A provider may answer with bare Commands; ours are CodeActions (their `command` is an object).
  return (actions ?? []).filter((action): action is vscode.CodeAction => typeof action.command !== 'string');
}

export function lineOf(document: vscode.TextDocument, text: string): number {
  const line = document.getText().split(/\r?\n/).findIndex((candidate) => candidate.includes(text));
  assert.ok(line >= 0, `"${text}" is not in ${vscode.workspace.asRelativePath(document.uri)}`);
  return line;
}

/**
 * Asserts that `after` is `before` with exactly the given lines inserted (anywhere), and
 * nothing else changed: the check that a fix is minimal.
 */
export function assertOnlyLinesInserted(before: string, after: string, inserted: readonly string[]): void {
  const old = before.split('\n');
  const current = after.split('\n');
  assert.equal(current.length, old.length + inserted.length, 'unexpected number of lines after the edit');
  const remaining = [...inserted];
  let i = 0;
  const kept: string[] = [];
  for (const line of current) {
    const at = remaining.indexOf(line);
    if (at >= 0 && old[i] !== line) {
      remaining.splice(at, 1);
      continue;
    }
    kept.push(line);
    i++;
  }
  assert.deepEqual(remaining, [], 'lines that should have been inserted are missing');
  assert.equal(kept.join('\n'), before, 'text outside the inserted lines changed');
}

/** Reverts every edit the test made and closes all editors, so tests do not see each other's changes. */
export async function revertAndCloseAll(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (!document.isDirty || document.isClosed) continue;
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('kubeSandbox').update(key, value, vscode.ConfigurationTarget.Workspace);
}
