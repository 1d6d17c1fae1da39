// Snippets and the RuntimeClass schema are contributed, and VS Code offers / applies them.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, lineOf, revertAndCloseAll, waitFor } from './editorTestUtils';

interface Contributes {
  snippets: { language: string; path: string }[];
  yamlValidation: { fileMatch: string[]; url: string }[];
  jsonValidation: { fileMatch: string[]; url: string }[];
}

const PREFIXES = ['ksb-runtimeclass-gvisor', 'ksb-runtimeclass-kata', 'ksb-pod', 'ksb-deployment'];

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

suite('snippets and schema', () => {
  let extension: vscode.Extension<unknown>;
  let contributes: Contributes;

  suiteSetup(async () => {
    extension = await activateExtension();
    contributes = (extension.packageJSON as { contributes: Contributes }).contributes;
  });

  teardown(async () => {
    await revertAndCloseAll();
  });

  test('the snippet file is contributed for YAML and holds the four snippets', async () => {
    const entry = contributes.snippets.find((snippet) => snippet.language === 'yaml');
    assert.ok(entry, 'a YAML snippet contribution');
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, entry.path));
    const snippets = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, { prefix: string; body: string[] }>;
    const prefixes = Object.values(snippets).map((snippet) => snippet.prefix);
    for (const prefix of PREFIXES) assert.ok(prefixes.includes(prefix), `snippet ${prefix}`);
    const kata = Object.values(snippets).find((snippet) => snippet.prefix === 'ksb-runtimeclass-kata');
    assert.match(kata?.body.join('\n') ?? '', /podFixed:\n\s+memory: "\$\{3:160Mi\}"\n\s+cpu: "\$\{4:250m\}"/);
  });

  test('VS Code offers the snippets while typing in a YAML file', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'ksb-' });
    await vscode.window.showTextDocument(document);
    const items = await waitFor(async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider', document.uri, new vscode.Position(0, 4),
      );
      const found = list.items.filter((item) => labelOf(item).startsWith('ksb-'));
      return found.length >= PREFIXES.length ? found : undefined;
    }, 'the ksb- snippets in the completion list');
    const labels = items.map(labelOf);
    for (const prefix of PREFIXES) assert.ok(labels.includes(prefix), `completion ${prefix}; got ${labels.join(', ')}`);

    const gvisor = items.find((item) => labelOf(item) === 'ksb-runtimeclass-gvisor');
    assert.equal(gvisor?.kind, vscode.CompletionItemKind.Snippet);
    const body = gvisor?.insertText instanceof vscode.SnippetString ? gvisor.insertText.value : String(gvisor?.insertText);
    assert.match(body, /kind: RuntimeClass/);
    assert.match(body, /handler: \$\{2:runsc\}/);
  });

  test('the RuntimeClass schema is contributed for YAML and JSON and is draft-07', async () => {
    const urls = new Set([...contributes.yamlValidation, ...contributes.jsonValidation].map((entry) => entry.url));
    assert.equal(urls.size, 1);
    const [url] = [...urls];
    assert.ok(url);
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, url));
    const schema = JSON.parse(new TextDecoder().decode(bytes)) as { $schema: string; required: string[]; properties: Record<string, unknown> };
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.deepEqual(schema.required, ['apiVersion', 'kind', 'metadata', 'handler']);
    for (const key of ['overhead', 'scheduling', 'handler']) assert.ok(key in schema.properties, key);
  });

  test('VS Code\'s JSON support validates a RuntimeClass file against the schema', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const uri = vscode.Uri.joinPath(folder.uri, 'gvisor-runtimeclass.json');
    const bad = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'Run_SC' };
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(bad, null, 2)));
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      const problems = await waitFor(() => {
        const found = vscode.languages.getDiagnostics(uri).filter((d) => /pattern|match/i.test(d.message));
        return found.length > 0 ? found : undefined;
      }, 'a schema diagnostic on the handler', 45_000);
      assert.equal(problems[0]?.range.start.line, lineOf(document, '"handler"'), 'on the handler line');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
