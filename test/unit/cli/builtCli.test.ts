// The bundled CLI as users run it: `node dist/cli.js` (and the `kube-sandbox` bin, same file).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ReportFinding } from '../../../src/core/report/reportFinding';
import { REPO_ROOT, tempCopy } from './cliTestKit';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

void test('dist/cli.js lint --format json runs end to end', (t) => {
  if (!fs.existsSync(CLI)) {
    t.skip('dist/cli.js is missing; run `npm run build` first');
    return;
  }
  assert.equal(fs.readFileSync(CLI, 'utf8').split('\n', 1)[0], '#!/usr/bin/env node');
  const { dir, cleanup } = tempCopy('project');
  try {
    const run = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json'], { cwd: path.join(dir, 'project'), encoding: 'utf8' });
    assert.equal(run.status, 1, run.stderr);
    const findings = JSON.parse(run.stdout) as ReportFinding[];
    assert.deepEqual(findings.map((f) => [f.file, f.code]), [
      ['api/job.json', 'unsandboxed-workload'],
      ['deploy/web.yaml', 'unsandboxed-workload'],
    ]);
    assert.match(run.stderr, /skipped charts\/web\/templates\/deployment\.yaml/);
    const usage = spawnSync(process.execPath, [CLI, 'lint', '--format', 'xml'], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
  } finally {
    cleanup();
  }
});
