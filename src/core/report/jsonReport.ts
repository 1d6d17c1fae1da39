// `lint --format json`: one array of flat records, fields in a fixed order, for scripts and jq.
import type { ReportFinding } from './reportFinding';

export function formatJsonReport(findings: readonly ReportFinding[]): string {
  // Rebuilt field by field so the output never carries anything beyond the documented record.
  const records = findings.map((f) => ({
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    code: f.code,
    severity: f.severity,
    message: f.message,
    kind: f.kind,
    name: f.name,
    namespace: f.namespace,
  }));
  return JSON.stringify(records, null, 2) + '\n';
}
