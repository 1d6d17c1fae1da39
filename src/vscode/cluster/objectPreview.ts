import * as vscode from 'vscode';

export const PREVIEW_SCHEME = 'kube-sandbox-preview';

/**
 * Read-only previews of objects about to be sent to a cluster (a virtual document: nothing to
 * save, nothing left behind). The name ends in `.runtimeclass.yaml`, so the RuntimeClass schema
 * the extension contributes applies to it.
 */
export class ObjectPreview implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, this);
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Shows `text` read-only; the returned function closes it again. */
  async show(fileName: string, text: string): Promise<() => Promise<void>> {
    const uri = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${fileName}`, query: String(++this.counter) });
    this.contents.set(uri.toString(), text);
    const document = await vscode.workspace.openTextDocument(uri);
    // Beside the editor the user works in; with none open, in the editor area itself.
    const viewColumn = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true, viewColumn });
    return async () => {
      this.contents.delete(uri.toString());
      const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
        .filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString());
      if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
    };
  }

  dispose(): void {
    this.registration.dispose();
    this.contents.clear();
  }
}
