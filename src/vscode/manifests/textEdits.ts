import * as vscode from 'vscode';
import type { TextEdit, TextRange } from '../../core/manifest';

// Core speaks UTF-16 offsets into the text it was given; `positionAt` takes exactly those, so
// conversions need the document at the same version the analysis was computed from.

export function toRange(document: vscode.TextDocument, range: TextRange): vscode.Range {
  return new vscode.Range(document.positionAt(range.start), document.positionAt(range.end));
}

export function toTextEdit(document: vscode.TextDocument, edit: TextEdit): vscode.TextEdit {
  return new vscode.TextEdit(toRange(document, edit), edit.newText);
}

export function toWorkspaceEdit(document: vscode.TextDocument, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const workspaceEdit = new vscode.WorkspaceEdit();
  workspaceEdit.set(document.uri, edits.map((edit) => toTextEdit(document, edit)));
  return workspaceEdit;
}

/** Applies core edits to the document; throws a message the user can act on when VS Code refuses. */
export async function applyToDocument(document: vscode.TextDocument, edits: readonly TextEdit[]): Promise<void> {
  if (edits.length === 0) return;
  const applied = await vscode.workspace.applyEdit(toWorkspaceEdit(document, edits));
  if (!applied) {
    throw new Error(
      `VS Code did not apply the change to ${vscode.workspace.asRelativePath(document.uri)}. ` +
        'The file may be read-only or changed on disk; reopen it and try again.',
    );
  }
}
