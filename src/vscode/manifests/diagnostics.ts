import * as vscode from 'vscode';
import type { Finding, ManifestAnalysis, RuleCode, Severity } from '../../core/manifest';
import type { Config } from '../config';
import type { ManifestAnalysisCache } from './manifestAnalysisCache';
import { isManifestLanguage } from './manifestDocuments';
import { toRange } from './textEdits';

/** `Diagnostic.source` of everything we report; code actions match on it. */
export const DIAGNOSTIC_SOURCE = 'kube-sandbox';

/** Reported when a YAML document cannot be parsed: the user should know it went unchecked. */
export const SYNTAX_CODE = 'yaml-syntax';

const RULE_CODES: readonly RuleCode[] = ['unsandboxed-workload', 'sandbox-host-namespace', 'sandbox-privileged', 'sandbox-host-path', 'unknown-runtime-class'];

export function isRuleCode(value: unknown): value is RuleCode {
  return typeof value === 'string' && (RULE_CODES as readonly string[]).includes(value);
}

/** The rule code of one of our diagnostics, or undefined for anyone else's. */
export function ruleCodeOf(diagnostic: vscode.Diagnostic): RuleCode | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE) return undefined;
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return isRuleCode(code) ? code : undefined;
}

/**
 * Keeps a DiagnosticCollection in step with the open manifests: immediately when a document
 * opens, debounced while it is edited (`kubeSandbox.manifestChecks.debounceMs`), again when
 * settings change, and cleared when it closes or checks are turned off.
 */
export class ManifestDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly cache: ManifestAnalysisCache,
    private readonly config: Config,
    /** Where a rule is explained; becomes the link on the diagnostic's code. */
    private readonly ruleDocs: (code: string) => vscode.Uri,
  ) {
    vscode.workspace.onDidOpenTextDocument((document) => this.refresh(document), null, this.subscriptions);
    vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document), null, this.subscriptions);
    vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri), null, this.subscriptions);
    config.onDidChange(() => this.refreshAll(), null, this.subscriptions);
    this.refreshAll();
  }

  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.refresh(document);
  }

  /** Analyses the document now and replaces its diagnostics. */
  refresh(document: vscode.TextDocument): void {
    this.cancel(document.uri);
    if (document.isClosed) return;
    if (!isManifestLanguage(document) || !this.config.manifestChecksEnabled(document)) {
      this.collection.delete(document.uri);
      return;
    }
    const analysis = this.cache.analysisOf(document);
    if (!analysis || analysis.skipped !== undefined) {
      this.collection.delete(document.uri);
      return;
    }
    this.collection.set(document.uri, this.toDiagnostics(document, analysis));
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.collection.dispose();
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isManifestLanguage(document)) return;
    this.cancel(document.uri);
    const delay = this.config.debounceMs(document);
    const key = document.uri.toString();
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.refresh(document);
    }, delay));
  }

  private forget(uri: vscode.Uri): void {
    this.cancel(uri);
    this.collection.delete(uri);
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const timer = this.pending.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.delete(key);
  }

  private toDiagnostics(document: vscode.TextDocument, analysis: ManifestAnalysis): vscode.Diagnostic[] {
    const diagnostics = analysis.findings.map((finding) => this.toDiagnostic(document, finding));
    // JSON documents get syntax errors from VS Code's JSON support already; YAML has none built in.
    if (document.languageId === 'yaml') {
      // One note per broken document, at its first error: the YAML errors themselves are the
      // YAML extension's business; ours is only to say the document went unchecked.
      const reported = new Set<number>();
      for (const problem of analysis.syntaxProblems) {
        if (reported.has(problem.documentIndex)) continue;
        reported.add(problem.documentIndex);
        const diagnostic = new vscode.Diagnostic(
          toRange(document, problem.range),
          `Not checked for sandboxing: this YAML document does not parse (${problem.message}). Fix the syntax and the check runs again.`,
          vscode.DiagnosticSeverity.Information,
        );
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = SYNTAX_CODE;
        diagnostics.push(diagnostic);
      }
    }
    return diagnostics;
  }

  private toDiagnostic(document: vscode.TextDocument, finding: Finding): vscode.Diagnostic {
    const diagnostic = new vscode.Diagnostic(toRange(document, finding.range), finding.message, toSeverity(finding.severity));
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = { value: finding.code, target: this.ruleDocs(finding.code) };
    return diagnostic;
  }
}

function toSeverity(severity: Severity): vscode.DiagnosticSeverity {
  switch (severity) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'information':
      return vscode.DiagnosticSeverity.Information;
  }
}
