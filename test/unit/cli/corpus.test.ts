// Real manifests nobody here wrote (kubernetes/examples, in ../shared/corpus when present):
// lint must get through all of them without crashing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ReportFinding } from '../../../src/core/report/reportFinding';
import { REPO_ROOT, runIn } from './cliTestKit';

const CORPUS = path.resolve(REPO_ROOT, '..', 'shared', 'corpus', 'kubernetes-examples');

void test('lint over the kubernetes/examples corpus completes with 0 or 1', (t) => {
  if (!fs.existsSync(CORPUS)) {
    t.skip(`corpus not present at ${CORPUS} (it is outside the repository; fine on a fresh checkout)`);
    return;
  }
  const started = process.hrtime.bigint();
  const run = runIn(CORPUS, 'lint', '--format', 'json');
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /internal error/);
  const findings = JSON.parse(run.stdout) as ReportFinding[];
  const byCode = new Map<string, number>();
  for (const f of findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
  const skipped = run.stderr.split('\n').filter((line) => line.includes(': skipped ')).length;
  t.diagnostic(`${findings.length} findings in ${ms.toFixed(0)} ms (${[...byCode].map(([c, n]) => `${c}: ${n}`).join(', ')}); ${skipped} files skipped`);
  assert.ok(findings.some((f) => f.code === 'unsandboxed-workload'), 'the examples are not sandboxed, so lint must say so');
});
