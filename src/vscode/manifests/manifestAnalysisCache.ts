import * as vscode from 'vscode';
import {
  ManifestAnalyzer,
  analysisOptionsKey,
  looksLikeKubernetesManifest,
  type AnalysisOptions,
  type ManifestAnalysis,
  type Workload,
} from '../../core/manifest';
import type { Config } from '../config';
import { helmTemplateReason, isManifestLanguage } from './manifestDocuments';

interface Entry {
  readonly version: number;
  readonly optionsKey: string;
  /** Undefined when the document is not a Kubernetes manifest. */
  readonly analysis: ManifestAnalysis | undefined;
  /** Kept across versions: it re-parses only the YAML documents an edit touched. */
  readonly analyzer: ManifestAnalyzer;
}

/**
 * One analysis per open document and version, shared by diagnostics, code lenses, code
 * actions and commands, so a keystroke is analysed once however many providers ask.
 * Entries go when their document closes.
 */
export class ManifestAnalysisCache implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly analysed = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires after a document's analysis was (re)computed: a new version or new settings. */
  readonly onDidAnalyse = this.analysed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly config: Config) {
    this.subscriptions = [
      vscode.workspace.onDidCloseTextDocument((document) => this.entries.delete(document.uri.toString())),
    ];
  }

  /**
   * The analysis of the document as it is now; undefined when it is not a YAML/JSON document
   * that looks like a Kubernetes manifest. Helm templates give an analysis with `skipped` set.
   */
  analysisOf(document: vscode.TextDocument): ManifestAnalysis | undefined {
    if (!isManifestLanguage(document)) return undefined;
    const key = document.uri.toString();
    const options = this.config.analysisOptions(document);
    const optionsKey = analysisOptionsKey(options);
    const cached = this.entries.get(key);
    if (cached && cached.version === document.version && cached.optionsKey === optionsKey) {
      return cached.analysis;
    }
    const analyzer = cached?.analyzer ?? new ManifestAnalyzer();
    const analysis = analyse(document, analyzer, options);
    this.entries.set(key, { version: document.version, optionsKey, analysis, analyzer });
    this.analysed.fire(document);
    return analysis;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.analysed.dispose();
    this.entries.clear();
  }
}

function analyse(
  document: vscode.TextDocument,
  analyzer: ManifestAnalyzer,
  options: AnalysisOptions,
): ManifestAnalysis | undefined {
  const text = document.getText();
  if (!looksLikeKubernetesManifest(text)) return undefined;
  const helm = helmTemplateReason(document, text);
  if (helm !== undefined) {
    return { skipped: helm, workloads: [], findings: [], syntaxProblems: [], eol: eolOf(document) };
  }
  return analyzer.analyze(text, options);
}

function eolOf(document: vscode.TextDocument): '\n' | '\r\n' {
  return document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
}

/**
 * The workload whose resource contains `offset` (the innermost one, should ranges ever nest).
 * Lenses and quick fixes pass the workload's anchor offset, which lies inside its range.
 */
export function workloadAt(analysis: ManifestAnalysis, offset: number): Workload | undefined {
  let best: Workload | undefined;
  for (const workload of analysis.workloads) {
    const { start, end } = workload.range;
    if (start <= offset && offset <= end && (!best || end - start < best.range.end - best.range.start)) {
      best = workload;
    }
  }
  return best;
}

/** Whether two workloads from different analyses of one file are the same resource. */
export function sameWorkload(a: Workload, b: Workload): boolean {
  return a.documentIndex === b.documentIndex && a.kind === b.kind && a.name === b.name && a.namespace === b.namespace;
}
