// `lint --format text`: one line per finding in the shape compilers use
// (`file:line:col: severity: message [code]`), which editors and CI logs turn into links.
import type { Severity } from '../manifest';
import type { ReportFinding } from './reportFinding';

export interface TextReportSummary {
  /** Files that were read and checked (skipped files excluded). */
  readonly filesChecked: number;
  /** Files not analysed (Helm templates); each was already named on stderr. */
  readonly filesSkipped: number;
}

const LABELS: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note' };

export function formatTextReport(findings: readonly ReportFinding[], summary: TextReportSummary): string {
  const lines = findings.map(
    (f) => `${f.file}:${f.line}:${f.column}: ${LABELS[f.severity]}: ${f.message} [${f.code}]`,
  );
  if (lines.length > 0) lines.push('');
  lines.push(summaryLine(findings, summary));
  return lines.join('\n') + '\n';
}

function summaryLine(findings: readonly ReportFinding[], summary: TextReportSummary): string {
  const checked = `${plural(summary.filesChecked, 'file')} checked` +
    (summary.filesSkipped > 0 ? `, ${summary.filesSkipped} skipped` : '');
  if (findings.length === 0) return `No problems found (${checked}).`;
  const count = (severity: Severity) => findings.filter((f) => f.severity === severity).length;
  const files = new Set(findings.map((f) => f.file)).size;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning')];
  const notes = count('information');
  if (notes > 0) parts.push(plural(notes, 'note'));
  return `${plural(findings.length, 'problem')} (${parts.join(', ')}) in ${plural(files, 'file')} (${checked}).`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
