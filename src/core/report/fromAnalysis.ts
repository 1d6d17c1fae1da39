// Converts core/manifest's offsets-based analysis of one file into report records
// (1-based lines and columns, workload identity copied onto each finding).
import { LineIndex } from '../manifest';
import type { ManifestAnalysis, TextRange } from '../manifest';
import { compareFindings, SYNTAX_ERROR_CODE, type ReportFinding } from './reportFinding';

/** Turns one file's analysis into report records; `file` is the display path. */
export function reportFindingsFromAnalysis(file: string, text: string, analysis: ManifestAnalysis): ReportFinding[] {
  const lines = new LineIndex(text);
  const at = (range: TextRange) => {
    const start = lines.position(range.start);
    // An empty range still has to cover a column for editors and SARIF viewers.
    const end = lines.position(Math.max(range.end, range.start));
    const endColumn = end.line === start.line && end.column <= start.column ? start.column + 1 : end.column;
    return { line: start.line + 1, column: start.column + 1, endLine: end.line + 1, endColumn: endColumn + 1 };
  };
  const records: ReportFinding[] = [];
  // The parser's first error in a document is the real one; later ones are its echoes.
  const brokenDocuments = new Set<number>();
  for (const problem of analysis.syntaxProblems) {
    if (brokenDocuments.has(problem.documentIndex)) continue;
    brokenDocuments.add(problem.documentIndex);
    records.push({
      file, ...at(problem.range), code: SYNTAX_ERROR_CODE, severity: 'error',
      message: `${firstLine(problem.message)} This document was not checked; fix the syntax and run lint again.`,
      kind: null, name: null, namespace: null,
    });
  }
  for (const finding of analysis.findings) {
    const workload = analysis.workloads[finding.workloadIndex];
    records.push({
      file, ...at(finding.range), code: finding.code, severity: finding.severity, message: finding.message,
      kind: workload?.kind ?? null, name: workload?.name ?? null, namespace: workload?.namespace ?? null,
    });
  }
  return records.sort(compareFindings);
}

/** The `yaml` parser's messages end with a multi-line excerpt of the source; reports keep one line. */
function firstLine(message: string): string {
  const line = message.split(/\r?\n/, 1)[0]?.trim() ?? '';
  const sentence = line.replace(/:$/, '');
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

