import * as vscode from 'vscode';
import { isSandboxHandler } from '../../core/cluster/kubeObjects';
import { sandboxForHandler } from '../../core/runtime/sandboxCatalog';
import type { Config } from '../config';
import type { ManifestClusterSource } from './manifestCluster';

// `runtimeClassName: gv|` in YAML, `"runtimeClassName": "gv|` in JSON: the key, a colon, and the
// part of the value typed so far (optionally quoted).
const VALUE_BEFORE_CURSOR = /(?:^|[\s{,])["']?runtimeClassName["']?\s*:\s*(["']?)([-a-z0-9.]*)$/;

/**
 * Completes `runtimeClassName` values: the RuntimeClasses of the cluster chosen for manifest
 * checks (sandbox classes first, each with its handler), or without one, the configured
 * sandbox classes.
 */
export class RuntimeClassCompletionProvider implements vscode.CompletionItemProvider {
  static readonly triggerCharacters = [' ', ':', '"', "'"];

  constructor(
    private readonly config: Config,
    private readonly checks: ManifestClusterSource,
  ) {}

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const before = document.lineAt(position.line).text.slice(0, position.character);
    const match = VALUE_BEFORE_CURSOR.exec(before);
    if (!match) return [];
    const quote = match[1] ?? '';
    const typed = match[2] ?? '';
    const range = new vscode.Range(position.translate(0, -typed.length), position);
    // After `key:` with no space yet, YAML needs one before the value.
    const lead = quote === '' && before.endsWith(':') ? ' ' : '';
    const cluster = this.checks.contextName;
    const classes = this.checks.classes;
    if (cluster !== undefined && classes !== undefined) {
      return [...classes].map(([name, handler]) => {
        const sandbox = isSandboxHandler(handler);
        const kind = sandboxForHandler(handler);
        const item = new vscode.CompletionItem({ label: name, description: `handler ${handler || '(none)'}` }, vscode.CompletionItemKind.EnumMember);
        item.detail = sandbox ? `Sandbox${kind ? `: ${kind.label}` : ''} · RuntimeClass in ${cluster}` : `Not a sandbox · RuntimeClass in ${cluster}`;
        item.sortText = `${sandbox ? '0' : '1'}${name}`;
        item.insertText = `${lead}${name}`;
        item.range = range;
        return item;
      });
    }
    return this.config.classChoices(document).map((name, index) => {
      const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.EnumMember);
      item.detail = index === 0 ? 'Sandbox class (kubeSandbox.defaultRuntimeClass)' : 'Sandbox class (kubeSandbox.sandboxRuntimeClasses)';
      item.documentation = 'Choose a cluster with "Use for Manifest Checks" in the Clusters view to complete the classes it really has.';
      item.sortText = String(index).padStart(3, '0');
      item.insertText = `${lead}${name}`;
      item.range = range;
      return item;
    });
  }
}
