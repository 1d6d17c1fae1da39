// Hand-written report records: the formatters are pure, so their tests need no manifests.
import type { ReportFinding } from '../../../src/core/report/reportFinding';

export const UNSANDBOXED: ReportFinding = {
  file: 'deploy/web.yaml', line: 3, column: 7, endLine: 3, endColumn: 17,
  code: 'unsandboxed-workload', severity: 'warning',
  message: 'Deployment "web" runs on the node\'s kernel. Add runtimeClassName: gvisor.',
  kind: 'Deployment', name: 'web', namespace: 'shop',
};

export const HOST_PATH: ReportFinding = {
  file: 'deploy/logs.yaml', line: 14, column: 9, endLine: 15, endColumn: 24,
  code: 'sandbox-host-path', severity: 'information',
  message: 'Pod "logs" mounts a hostPath volume.',
  kind: 'Pod', name: 'logs', namespace: null,
};

export const SYNTAX: ReportFinding = {
  file: 'broken dir/bad#1.yaml', line: 15, column: 17, endLine: 15, endColumn: 18,
  code: 'syntax-error', severity: 'error',
  message: 'Flow sequence in block collection must be sufficiently indented.',
  kind: null, name: null, namespace: null,
};
