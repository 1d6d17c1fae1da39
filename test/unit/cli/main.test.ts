import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FIX_USAGE, LINT_USAGE, MAIN_USAGE } from '../../../src/cli/usage';
import { TOOL_VERSION } from '../../../src/cli/version';
import { REPO_ROOT, runIn } from './cliTestKit';

void test('--help and help print the usage on stdout; no command prints it on stderr with status 2', () => {
  for (const argv of [['--help'], ['-h'], ['help']]) {
    assert.deepEqual(runIn(REPO_ROOT, ...argv), { code: 0, stdout: MAIN_USAGE, stderr: '' });
  }
  assert.deepEqual(runIn(REPO_ROOT), { code: 2, stdout: '', stderr: MAIN_USAGE });
});

void test('each command has its own help', () => {
  assert.deepEqual(runIn(REPO_ROOT, 'help', 'lint'), { code: 0, stdout: LINT_USAGE, stderr: '' });
  assert.deepEqual(runIn(REPO_ROOT, 'lint', '--help'), { code: 0, stdout: LINT_USAGE, stderr: '' });
  assert.deepEqual(runIn(REPO_ROOT, 'fix', '-h'), { code: 0, stdout: FIX_USAGE, stderr: '' });
});

void test('unknown commands exit 2 and say what exists', () => {
  for (const argv of [['deploy'], ['help', 'deploy'], ['toString']]) {
    const run = runIn(REPO_ROOT, ...argv);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command '.+'\. Commands: lint, fix(, [a-z-]+)*\./);
  }
});

void test('--version prints the version of package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(TOOL_VERSION, pkg.version, 'update src/cli/version.ts together with package.json');
  assert.deepEqual(runIn(REPO_ROOT, '--version'), { code: 0, stdout: `${pkg.version}\n`, stderr: '' });
});

void test('usage texts fit an 80-column terminal', () => {
  for (const usage of [MAIN_USAGE, LINT_USAGE, FIX_USAGE]) {
    for (const line of usage.split('\n')) assert.ok(line.length <= 80, `too long: ${line}`);
  }
});
