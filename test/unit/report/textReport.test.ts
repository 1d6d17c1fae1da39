import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTextReport } from '../../../src/core/report/textReport';
import { HOST_PATH, SYNTAX, UNSANDBOXED } from './reportSamples';

void test('text report: one compiler-style line per finding, then a summary', () => {
  const text = formatTextReport([UNSANDBOXED, HOST_PATH, SYNTAX], { filesChecked: 4, filesSkipped: 1 });
  assert.equal(text, [
    'deploy/web.yaml:3:7: warning: Deployment "web" runs on the node\'s kernel. Add runtimeClassName: gvisor. [unsandboxed-workload]',
    'deploy/logs.yaml:14:9: note: Pod "logs" mounts a hostPath volume. [sandbox-host-path]',
    'broken dir/bad#1.yaml:15:17: error: Flow sequence in block collection must be sufficiently indented. [syntax-error]',
    '',
    '3 problems (1 error, 1 warning, 1 note) in 3 files (4 files checked, 1 skipped).',
    '',
  ].join('\n'));
});

void test('text report: no findings is one line', () => {
  assert.equal(formatTextReport([], { filesChecked: 1, filesSkipped: 0 }), 'No problems found (1 file checked).\n');
});

void test('text report: counts are singular and plural as needed', () => {
  const text = formatTextReport([UNSANDBOXED, { ...UNSANDBOXED, line: 30 }], { filesChecked: 2, filesSkipped: 0 });
  assert.match(text, /\n2 problems \(0 errors, 2 warnings\) in 1 file \(2 files checked\)\.\n$/);
});
