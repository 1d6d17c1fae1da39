// Read-only documents for install and uninstall plans: what will run, which files change and
// their diffs. A content provider (not an untitled editor) so the plan cannot be edited or
// saved by mistake, and closing it asks nothing.
import * as vscode from 'vscode';

export const PLAN_SCHEME = 'kube-sandbox-plan';
/** Plans kept for re-opening; older ones read as "no longer available". */
const KEEP = 20;

export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private count = 0;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? 'This plan is no longer available: run the command again to see the current one.\n';
  }

  /** Opens `text` as a read-only `.diff` document (so the diffs are coloured) beside nothing else. */
  async show(title: string, text: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${++this.count}/${title.replace(/[/\\]/g, '-')}.diff` });
    this.texts.set(uri.path, text);
    for (const key of [...this.texts.keys()].slice(0, Math.max(0, this.texts.size - KEEP))) this.texts.delete(key);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    return uri;
  }

  /** Replaces a shown plan's text (the results are appended to it). */
  update(uri: vscode.Uri, text: string): void {
    if (!this.texts.has(uri.path)) return;
    this.texts.set(uri.path, text);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}
