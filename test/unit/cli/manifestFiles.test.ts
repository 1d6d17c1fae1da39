import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { displayPath, findManifestFiles } from '../../../src/cli/manifestFiles';

function tree(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sandbox-walk-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

void test('walk: yaml, yml and json files, sorted, skipping node_modules and dot-folders', () => {
  const { dir, cleanup } = tree({
    'b/z.yaml': '', 'b/a.YML': '', 'a.json': '', 'c/d/e.yml': '', 'notes.txt': '', 'yaml': '',
    'node_modules/pkg/x.yaml': '', '.github/workflows/ci.yml': '', 'b/.hidden.yaml': '',
  });
  try {
    const { files, problems } = findManifestFiles([], dir);
    assert.deepEqual(problems, []);
    assert.deepEqual(files.map((f) => f.displayPath), ['a.json', 'b/.hidden.yaml', 'b/a.YML', 'b/z.yaml', 'c/d/e.yml']);
    assert.ok(files.every((f) => !f.explicit && path.isAbsolute(f.path)));
  } finally {
    cleanup();
  }
});

void test('walk: named files are taken whatever their extension, named dot-folders are walked, duplicates dropped', () => {
  const { dir, cleanup } = tree({ 'pod.txt': '', '.config/k8s.yaml': '', 'x.yaml': '' });
  try {
    const { files } = findManifestFiles(['x.yaml', 'pod.txt', '.config', '.', './x.yaml'], dir);
    assert.deepEqual(files.map((f) => [f.displayPath, f.explicit]), [['.config/k8s.yaml', false], ['pod.txt', true], ['x.yaml', true]]);
  } finally {
    cleanup();
  }
});

void test('walk: missing paths and broken links are problems; linked folders are not followed', () => {
  const { dir, cleanup } = tree({ 'real/a.yaml': '' });
  try {
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'loop'));
    fs.symlinkSync(path.join(dir, 'real', 'a.yaml'), path.join(dir, 'link.yaml'));
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'dangling.yaml'));
    const { files, problems } = findManifestFiles(['.', 'missing.yaml'], dir);
    assert.deepEqual(files.map((f) => f.displayPath), ['link.yaml', 'real/a.yaml']);
    assert.deepEqual(problems.map((p) => p.displayPath), ['dangling.yaml', 'missing.yaml']);
    assert.match(problems[0]!.reason, /broken symbolic link/);
    assert.match(problems[1]!.reason, /no such file or folder \(ENOENT\)/);
  } finally {
    cleanup();
  }
});

void test('displayPath: relative, forward slashes, parent folders kept', () => {
  assert.equal(displayPath('/w/repo', '/w/repo/k8s/app.yaml'), 'k8s/app.yaml');
  assert.equal(displayPath('/w/repo', '/w/other/app.yaml'), '../other/app.yaml');
});
