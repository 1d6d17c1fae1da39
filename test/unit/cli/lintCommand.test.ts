import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { ReportFinding } from '../../../src/core/report/reportFinding';
import { runIn, tempCopy } from './cliTestKit';

function lintJson(cwd: string, ...argv: string[]): { code: number; findings: ReportFinding[]; stderr: string } {
  const run = runIn(cwd, 'lint', '--format', 'json', ...argv);
  return { code: run.code, findings: JSON.parse(run.stdout) as ReportFinding[], stderr: run.stderr };
}

void test('lint: unsandboxed workloads exit 1, compiler-style lines, Helm template skipped on stderr', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const run = runIn(path.join(dir, 'project'), 'lint');
    assert.equal(run.code, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^api\/job\.json:\d+:\d+: warning: .+ \[unsandboxed-workload\]$/);
    assert.match(lines[1]!, /^deploy\/web\.yaml:\d+:\d+: warning: .+ \[unsandboxed-workload\]$/);
    assert.equal(lines[2], '');
    assert.equal(lines[3], '2 problems (0 errors, 2 warnings) in 2 files (3 files checked, 1 skipped).');
    assert.equal(lines.length, 4);
    assert.match(run.stderr, /^kube-sandbox: skipped charts\/web\/templates\/deployment\.yaml: .*Helm/m);
    assert.doesNotMatch(run.stdout + run.stderr, /settings\.json|Chart\.yaml/, 'non-manifests are ignored silently');
  } finally {
    cleanup();
  }
});

void test('lint --format json: 1-based positions, relative paths and the workload on every record', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const { code, findings } = lintJson(dir, 'project');
    assert.equal(code, 1);
    assert.deepEqual(findings.map((f) => [f.file, f.code, f.severity, f.kind, f.name, f.namespace]), [
      ['project/api/job.json', 'unsandboxed-workload', 'warning', 'Job', 'migrate', 'shop'],
      ['project/deploy/web.yaml', 'unsandboxed-workload', 'warning', 'Deployment', 'web', 'shop'],
    ]);
    const web = fs.readFileSync(path.join(dir, 'project/deploy/web.yaml'), 'utf8').split('\n');
    for (const f of findings) {
      assert.ok(f.line >= 1 && f.column >= 1 && (f.endLine > f.line || f.endColumn > f.column), JSON.stringify(f));
    }
    const deployment = findings[1]!;
    // The finding points into the Deployment's document (lines 2-17), not the sandboxed Pod after it.
    assert.ok(deployment.line >= 2 && deployment.endLine <= 17, JSON.stringify(deployment));
    assert.ok(web[deployment.line - 1]!.length >= deployment.column - 1);
    assert.ok(findings.every((f) => f.message.length > 0));
  } finally {
    cleanup();
  }
});

void test('lint --format sarif: the same findings as json, relative uris under %SRCROOT%', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const sarif = runIn(dir, 'lint', '--format', 'sarif', 'project');
    assert.equal(sarif.code, 1);
    const log = JSON.parse(sarif.stdout) as {
      version: string;
      runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0]!;
    assert.equal(run.originalUriBaseIds['%SRCROOT%']!.uri, `${pathToFileURL(dir).href}/`);
    const { findings } = lintJson(dir, 'project');
    assert.deepEqual(
      run.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine]),
      findings.map((f) => [f.code, f.file, f.line]),
    );
  } finally {
    cleanup();
  }
});

void test('lint: nothing to report exits 0', () => {
  const { dir, cleanup } = tempCopy('clean');
  try {
    assert.deepEqual(runIn(dir, 'lint'), { code: 0, stdout: 'No problems found (1 file checked).\n', stderr: '' });
  } finally {
    cleanup();
  }
});

void test('lint: information findings are reported but do not fail', () => {
  const { dir, cleanup } = tempCopy('info-only');
  try {
    const { code, findings } = lintJson(dir);
    assert.equal(code, 0);
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.kind, f.name, f.namespace]), [
      ['sandbox-host-path', 'information', 'Pod', 'logs', null],
    ]);
  } finally {
    cleanup();
  }
});

void test('lint: a syntax error is an error finding (exit 1) and costs only its own document', () => {
  const { dir, cleanup } = tempCopy('broken');
  try {
    const { code, findings } = lintJson(dir);
    assert.equal(code, 1);
    assert.equal(findings.length, 1, JSON.stringify(findings));
    const [syntax] = findings;
    assert.equal(syntax!.code, 'syntax-error');
    assert.equal(syntax!.severity, 'error');
    assert.equal(syntax!.file, 'broken/mixed.yaml');
    assert.ok(syntax!.line >= 11, 'the error is in the second document');
    assert.doesNotMatch(syntax!.message, /\n/);
    assert.equal(syntax!.kind, null);
  } finally {
    cleanup();
  }
});

void test('lint --runtime-class replaces the sandbox classes; --exempt-namespace the exempt namespaces', () => {
  const { dir, cleanup } = tempCopy('clean', 'project');
  try {
    const kataOnly = lintJson(dir, 'clean', '--runtime-class', 'kata', '--runtime-class', 'kata-*');
    assert.equal(kataOnly.code, 1);
    assert.deepEqual(kataOnly.findings.map((f) => [f.code, f.name]), [['unsandboxed-workload', 'sandboxed']]);
    assert.equal(lintJson(dir, 'clean', '--runtime-class=g*').code, 0, 'globs');
    const exempt = lintJson(dir, 'project', '--exempt-namespace', 'shop');
    assert.deepEqual(exempt.findings, []);
    assert.equal(exempt.code, 0);
  } finally {
    cleanup();
  }
});

void test('lint: node_modules and dot-folders are skipped unless named', () => {
  const { dir, cleanup } = tempCopy('clean');
  try {
    const unsandboxed = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: hidden\nspec:\n  containers: [{name: a, image: busybox}]\n';
    for (const folder of ['node_modules/pkg', '.hidden']) {
      fs.mkdirSync(path.join(dir, folder), { recursive: true });
      fs.writeFileSync(path.join(dir, folder, 'pod.yaml'), unsandboxed);
    }
    assert.equal(runIn(dir, 'lint').code, 0);
    const named = lintJson(dir, '.hidden', 'node_modules');
    assert.deepEqual(named.findings.map((f) => f.file), ['.hidden/pod.yaml', 'node_modules/pkg/pod.yaml']);
  } finally {
    cleanup();
  }
});

void test('lint: bad usage exits 2 with a pointer to --help', () => {
  for (const argv of [['--format', 'xml'], ['--bogus'], ['--runtime-class', ''], ['--runtime-class']]) {
    const run = runIn(process.cwd(), 'lint', ...argv);
    assert.equal(run.code, 2, argv.join(' '));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^kube-sandbox lint: .+\nRun 'kube-sandbox lint --help' for usage\.\n$/);
  }
});

void test('lint: a missing path or a broken link exits 2, names the path and why, and still reports the rest', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    fs.symlinkSync(path.join(dir, 'nowhere.yaml'), path.join(dir, 'project', 'deploy', 'dangling.yaml'));
    const run = runIn(dir, 'lint', '--format', 'json', 'project', 'missing.yaml');
    assert.equal(run.code, 2);
    assert.equal((JSON.parse(run.stdout) as unknown[]).length, 2, 'the readable files are still reported');
    assert.match(run.stderr, /^kube-sandbox: cannot read missing\.yaml: no such file or folder \(ENOENT\)\.$/m);
    assert.match(run.stderr, /^kube-sandbox: cannot read project\/deploy\/dangling\.yaml: broken symbolic link/m);
    assert.match(run.stderr, /the report is incomplete: 2 paths could not be read/);
  } finally {
    cleanup();
  }
});

void test('lint: a file that cannot be read (a socket) exits 2', async () => {
  const { dir, cleanup } = tempCopy('clean');
  const server = net.createServer();
  try {
    const socket = path.join(dir, 'clean', 'socket.yaml');
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    const run = runIn(dir, 'lint', 'clean/pod.yaml', 'clean/socket.yaml');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^kube-sandbox: cannot read clean\/socket\.yaml: .+\.$/m);
    assert.match(run.stdout, /No problems found \(1 file checked\)/);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    cleanup();
  }
});

void test('lint: a file without read permission exits 2', (t) => {
  if (process.getuid?.() === 0) {
    t.skip('running as root, which reads any file; the socket test covers unreadable files');
    return;
  }
  const { dir, cleanup } = tempCopy('clean');
  try {
    fs.chmodSync(path.join(dir, 'clean', 'pod.yaml'), 0o000);
    const run = runIn(dir, 'lint');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot read clean\/pod\.yaml: permission denied \(EACCES\)/);
  } finally {
    cleanup();
  }
});

void test('lint: an empty folder checks nothing, says so, and exits 0', () => {
  const { dir, cleanup } = tempCopy();
  try {
    const run = runIn(dir, 'lint');
    assert.equal(run.code, 0);
    assert.match(run.stderr, /no \*\.yaml, \*\.yml or \*\.json files found/);
  } finally {
    cleanup();
  }
});
