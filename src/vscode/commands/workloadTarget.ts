import * as vscode from 'vscode';
import type { ManifestAnalysis, Workload } from '../../core/manifest';
import { sameWorkload, workloadAt, type ManifestAnalysisCache } from '../manifests/manifestAnalysisCache';

/** A workload in a document, with the analysis of the document's current version. */
export interface WorkloadTarget {
  readonly document: vscode.TextDocument;
  readonly analysis: ManifestAnalysis;
  readonly workload: Workload;
}

/**
 * The workload a command is about. Lenses and quick fixes pass (uri, offset); from the command
 * palette there are no arguments and the active editor's cursor says which workload.
 * Shows a message and returns undefined when there is none.
 */
export async function resolveWorkloadTarget(
  manifests: ManifestAnalysisCache,
  uriArg: unknown,
  offsetArg: unknown,
): Promise<WorkloadTarget | undefined> {
  const uri = asUri(uriArg);
  let document: vscode.TextDocument | undefined;
  let offset: number | undefined;
  if (uri) {
    document = await vscode.workspace.openTextDocument(uri);
    offset = typeof offsetArg === 'number' ? offsetArg : undefined;
  } else {
    const editor = vscode.window.activeTextEditor;
    document = editor?.document;
    offset = editor ? editor.document.offsetAt(editor.selection.active) : undefined;
  }
  if (!document || offset === undefined) {
    void vscode.window.showInformationMessage('Put the cursor inside a workload (a Pod, Deployment, CronJob, …) in a Kubernetes manifest, then run the command again.');
    return undefined;
  }
  const analysis = manifests.analysisOf(document);
  const workload = analysis ? workloadAt(analysis, offset) : undefined;
  if (!analysis || !workload) {
    void vscode.window.showInformationMessage(
      `There is no workload with a pod spec at that place in ${vscode.workspace.asRelativePath(document.uri)}. Put the cursor inside a Pod, Deployment, CronJob or similar and try again.`,
    );
    return undefined;
  }
  return { document, analysis, workload };
}

/**
 * The same workload after the user was asked something: the document may have been edited
 * while a quick pick or input box was open, so offsets are looked up again.
 */
export function refreshTarget(manifests: ManifestAnalysisCache, target: WorkloadTarget): WorkloadTarget | undefined {
  const analysis = manifests.analysisOf(target.document);
  if (!analysis || target.document.isClosed) return undefined;
  if (analysis === target.analysis) return target;
  const workload = analysis.workloads.find((candidate) => sameWorkload(candidate, target.workload));
  return workload ? { document: target.document, analysis, workload } : undefined;
}

/** `Deployment "web"`, or `this Deployment` when it has no name yet. */
export function describeWorkload(workload: Workload): string {
  return workload.name ? `${workload.kind} "${workload.name}"` : `this ${workload.kind}`;
}

export function asUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value !== '') return vscode.Uri.parse(value);
  return undefined;
}
