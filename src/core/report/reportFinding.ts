// The flat record every report format (text, JSON, SARIF) is written from. It is what
// `kube-sandbox lint --format json` prints, so its field names are a public contract.
import type { Severity } from '../manifest';

/** Code of the finding made for a document that could not be parsed (not a rule of core/manifest). */
export const SYNTAX_ERROR_CODE = 'syntax-error';

export interface ReportFinding {
  /** Path relative to the working directory, with forward slashes. */
  readonly file: string;
  /** 1-based line of the first character. */
  readonly line: number;
  /** 1-based column (UTF-16 code units) of the first character. */
  readonly column: number;
  /** 1-based line of the end. */
  readonly endLine: number;
  /** 1-based column just after the last character (exclusive, as SARIF's `endColumn`). */
  readonly endColumn: number;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** The workload's kind, name and namespace as written in the manifest; null when absent. */
  readonly kind: string | null;
  readonly name: string | null;
  readonly namespace: string | null;
}

/** Report order: file, then position, then code; stable across runs. */
export function compareFindings(a: ReportFinding, b: ReportFinding): number {
  return compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column || compareStrings(a.code, b.code);
}

/** Code-unit order, not locale order: the same bytes on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Severities that fail `lint` (exit code 1). */
export function isFailingSeverity(severity: Severity): boolean {
  return severity === 'error' || severity === 'warning';
}
