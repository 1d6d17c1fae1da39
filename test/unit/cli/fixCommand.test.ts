import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runIn, snapshot, tempCopy } from './cliTestKit';

/**
 * The one contiguous insertion that turns `before` into `after` (fails if the change is anything
 * else). Where the inserted text repeats its surroundings its start is ambiguous, so the result
 * is returned twice over: any placement of the insertion appears whole inside it.
 */
function insertion(before: string, after: string): string {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  assert.equal(before.slice(0, start) + before.slice(before.length - end), before, 'only an insertion');
  assert.equal(start + end, before.length, 'no byte of the original was removed or changed');
  const inserted = after.slice(start, after.length - end);
  return inserted + inserted;
}

function read(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

void test('fix: inserts runtimeClassName into every unsandboxed workload and nothing else', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const before = snapshot(dir);
    const inodes = new Map([...before.keys()].map((f) => [f, fs.statSync(path.join(dir, f)).ino]));
    const run = runIn(dir, 'fix', 'project', '--runtime-class', 'gvisor');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, [
      'project/api/job.json: sandboxed 1 workload',
      'project/deploy/web.yaml: sandboxed 1 workload',
      'Sandboxed 2 workloads in 2 files with runtimeClassName: gvisor (3 manifests checked).',
      '',
    ].join('\n'));
    assert.match(run.stderr, /skipped project\/charts\/web\/templates\/deployment\.yaml/);
    const after = snapshot(dir);
    for (const [file, bytes] of before) {
      const changed = file === 'project/api/job.json' || file === 'project/deploy/web.yaml';
      if (changed) continue;
      assert.ok(after.get(file)?.equals(bytes), `${file} is unchanged`);
      assert.equal(fs.statSync(path.join(dir, file)).ino, inodes.get(file), `${file} was not rewritten`);
    }
    const yamlInsert = insertion(before.get('project/deploy/web.yaml')!.toString(), read(dir, 'project/deploy/web.yaml'));
    assert.match(yamlInsert, /runtimeClassName: gvisor/);
    assert.equal(yamlInsert.length / 2, '      runtimeClassName: gvisor\n'.length);
    const jsonInsert = insertion(before.get('project/api/job.json')!.toString(), read(dir, 'project/api/job.json'));
    assert.match(jsonInsert, /"runtimeClassName":\s*"gvisor"/);
    assert.doesNotMatch(jsonInsert, /runtimeClassName[\s\S]*runtimeClassName[\s\S]*runtimeClassName/, 'inserted once');
    JSON.parse(read(dir, 'project/api/job.json'));
    assert.equal(runIn(dir, 'lint', 'project').code, 0, 'lint is clean after fix');
    const again = runIn(dir, 'fix', 'project', '--runtime-class', 'gvisor');
    assert.equal(again.stdout, 'No unsandboxed workloads found (3 manifests checked).\n', 'a second run changes nothing');
  } finally {
    cleanup();
  }
});

void test('fix: a CRLF file stays CRLF, and the file keeps its mode', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const file = path.join(dir, 'project/deploy/web.yaml');
    const crlf = fs.readFileSync(file, 'utf8').replace(/\n/g, '\r\n');
    fs.writeFileSync(file, crlf);
    fs.chmodSync(file, 0o640);
    assert.equal(runIn(dir, 'fix', 'project/deploy', '--runtime-class', 'gvisor').code, 0);
    const fixed = fs.readFileSync(file, 'utf8');
    assert.doesNotMatch(fixed, /[^\r]\n/, 'no bare LF');
    assert.match(insertion(crlf, fixed), /runtimeClassName: gvisor/);
    assert.equal(fs.statSync(file).mode & 0o7777, 0o640);
  } finally {
    cleanup();
  }
});

void test('fix --dry-run prints a unified diff and writes nothing', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const before = snapshot(dir);
    const run = runIn(dir, 'fix', '--dry-run', '--runtime-class', 'gvisor', 'project');
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(snapshot(dir), before);
    assert.match(run.stdout, /^--- a\/project\/api\/job\.json\n\+\+\+ b\/project\/api\/job\.json\n@@ /m);
    assert.match(run.stdout, /^--- a\/project\/deploy\/web\.yaml\n\+\+\+ b\/project\/deploy\/web\.yaml\n@@ /m);
    assert.match(run.stdout, /^\+\s*runtimeClassName: gvisor$/m);
    assert.equal(run.stdout.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++')).length, 2);
    assert.match(run.stderr, /Would sandbox 2 workloads in 2 files with runtimeClassName: gvisor .*nothing was written/);
  } finally {
    cleanup();
  }
});

void test('fix --dry-run output applies with patch -p1', (t) => {
  if (spawnSync('patch', ['--version']).status !== 0) {
    t.skip('GNU patch is not installed (apt-get install patch)');
    return;
  }
  const { dir, cleanup } = tempCopy('project');
  try {
    const diff = runIn(dir, 'fix', '--dry-run', '--runtime-class', 'gvisor', 'project').stdout;
    const patched = spawnSync('patch', ['-p1', '--forward', '--quiet'], { cwd: dir, input: diff, encoding: 'utf8' });
    assert.equal(patched.status, 0, patched.stderr + patched.stdout);
    assert.equal(runIn(dir, 'lint', 'project').code, 0);
  } finally {
    cleanup();
  }
});

void test('fix: bad usage exits 2 and writes nothing', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const before = snapshot(dir);
    const cases: [string[], RegExp][] = [
      [[], /needs --runtime-class NAME/],
      [['--runtime-class', 'gvisor', '--runtime-class', 'kata'], /takes one --runtime-class/],
      [['--runtime-class', 'gVisor'], /not a valid RuntimeClass name/],
      [['--runtime-class', 'kata-*'], /not a valid RuntimeClass name/],
      [['--runtime-class', 'gvisor', '--force'], /Unknown option '--force'/],
    ];
    for (const [argv, message] of cases) {
      const run = runIn(dir, 'fix', 'project', ...argv);
      assert.equal(run.code, 2, argv.join(' '));
      assert.match(run.stderr, message);
      assert.match(run.stderr, /Run 'kube-sandbox fix --help' for usage\.\n$/);
    }
    assert.deepEqual(snapshot(dir), before);
  } finally {
    cleanup();
  }
});

void test('fix: a symbolic link is kept and its target fixed', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const target = path.join(dir, 'project/deploy/web.yaml');
    const link = path.join(dir, 'web-link.yaml');
    fs.symlinkSync(target, link);
    assert.equal(runIn(dir, 'fix', 'web-link.yaml', '--runtime-class', 'gvisor').code, 0);
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.match(fs.readFileSync(target, 'utf8'), /runtimeClassName: gvisor[\s\S]*runtimeClassName: gvisor/);
  } finally {
    cleanup();
  }
});

void test('fix: a file that is not valid UTF-8 is left alone and the run exits 2', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const file = path.join(dir, 'latin1.yaml');
    const bytes = Buffer.from('# caf\xe9\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: []\n', 'latin1');
    fs.writeFileSync(file, bytes);
    const run = runIn(dir, 'fix', 'latin1.yaml', '--runtime-class', 'gvisor');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /latin1\.yaml: not valid UTF-8; left unchanged/);
    assert.ok(fs.readFileSync(file).equals(bytes));
  } finally {
    cleanup();
  }
});

void test('fix: a file that cannot be written is reported (exit 2) and left unchanged; the rest is fixed', (t) => {
  const { dir, cleanup } = tempCopy('project');
  const folder = path.join(dir, 'project/deploy');
  const root = process.getuid?.() === 0;
  // Root writes anywhere, so as root the folder is made immutable instead of read-only.
  const lock = root ? spawnSync('chattr', ['+i', folder]) : (fs.chmodSync(folder, 0o555), { status: 0 });
  try {
    if (lock.status !== 0) {
      t.skip('running as root and `chattr +i` failed here (needs ext4-like file system and CAP_LINUX_IMMUTABLE)');
      return;
    }
    const before = fs.readFileSync(path.join(folder, 'web.yaml'));
    const run = runIn(dir, 'fix', 'project', '--runtime-class', 'gvisor');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^kube-sandbox: project\/deploy\/web\.yaml: cannot write: .+; left unchanged\.$/m);
    assert.ok(fs.readFileSync(path.join(folder, 'web.yaml')).equals(before));
    assert.deepEqual(fs.readdirSync(folder).sort(), ['sandboxed.yaml', 'web.yaml'], 'no temp file left behind');
    assert.match(read(dir, 'project/api/job.json'), /runtimeClassName/);
  } finally {
    if (root) spawnSync('chattr', ['-i', folder]);
    else fs.chmodSync(folder, 0o755);
    cleanup();
  }
});

void test('fix --exempt-namespace leaves that namespace alone', () => {
  const { dir, cleanup } = tempCopy('project');
  try {
    const before = snapshot(dir);
    const run = runIn(dir, 'fix', 'project', '--runtime-class', 'gvisor', '--exempt-namespace', 'shop');
    assert.equal(run.code, 0);
    assert.equal(run.stdout, 'No unsandboxed workloads found (3 manifests checked).\n');
    assert.deepEqual(snapshot(dir), before);
  } finally {
    cleanup();
  }
});
