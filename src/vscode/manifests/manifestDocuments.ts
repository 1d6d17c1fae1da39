import * as fs from 'fs';
import * as vscode from 'vscode';
import { helmSkipReason } from '../../core/manifest';

/** Languages whose documents may hold Kubernetes manifests. */
export const MANIFEST_LANGUAGES: readonly string[] = ['yaml', 'json', 'jsonc'];

/** Where our providers register; every scheme, so untitled and virtual files are checked too. */
export const MANIFEST_SELECTOR: vscode.DocumentSelector = MANIFEST_LANGUAGES.map((language) => ({ language }));

export function isManifestLanguage(document: vscode.TextDocument): boolean {
  return MANIFEST_LANGUAGES.includes(document.languageId);
}

/**
 * Why a document is not analysed because it is a Helm template, or undefined.
 *
 * This is the editor layer's only file-system access: the core's check for "a `templates/`
 * folder next to a `Chart.yaml`" needs to know whether that Chart.yaml exists, and core does
 * no I/O. Only `file:` URIs name a path `fs` can see; for untitled and virtual documents the
 * check falls back to the text alone (a `{{` marks a template).
 */
export function helmTemplateReason(document: vscode.TextDocument, text: string): string | undefined {
  if (document.uri.scheme === 'file') {
    return helmSkipReason(text, document.uri.fsPath, (path) => fs.existsSync(path));
  }
  return helmSkipReason(text);
}
