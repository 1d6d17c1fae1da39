// Golden tests on the shared corpus of real-world containerd configs (../shared/corpus/
// containerd, or KUBE_SANDBOX_CORPUS_DIR). A user's checkout has no corpus: the suite then
// skips and says so. Expected outputs live in test/fixtures/containerd/corpus/.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { addRunscRuntime } from '../../../src/core/node/containerdConfig';
import { ensureCrioDropIn } from '../../../src/core/node/crioConfig';
import { assertGolden, checkChangedResult, corpusDir } from './configAssertions';

const present = fs.existsSync(corpusDir);
const files = present ? fs.readdirSync(corpusDir).filter((f) => f !== 'SOURCES.md').sort() : [];

// Files whose runsc entry is already exactly what we would write.
const ALREADY_DONE = new Set(['gvisor-containerd-debug-runsc-v2.toml']);

describe('containerd corpus', { skip: present ? false : `no corpus at ${corpusDir} (only the project's own checkout has it)` }, () => {
  it('has files to test', () => assert.ok(files.length >= 10, `expected the corpus files in ${corpusDir}`));

  for (const file of files) {
    const text = (): string => fs.readFileSync(path.join(corpusDir, file), 'utf8');
    if (file.endsWith('.tmpl') || file.endsWith('.j2')) {
      // Go text/template and Jinja2 sources are not TOML until rendered; pointed at one, we
      // must say so plainly (and never "fix" it).
      it(`${file}: a template, refused as not TOML`, () => {
        const result = addRunscRuntime(text(), { fileLabel: file });
        assert.equal(result.kind, 'error');
        if (result.kind === 'error') assert.match(result.message, new RegExp(`^${file.replace(/\./g, '\\.')} is not valid TOML \\(line \\d+`));
      });
    } else if (file.endsWith('.conf')) {
      it(`${file}: CRI-O drop-in, the same settings give no change`, () => {
        const result = ensureCrioDropIn(text(), { mode: 'vm', runtimePath: '/usr/local/bin/containerd-shim-runsc-v1' });
        assert.equal(result.kind, 'unchanged');
      });
    } else if (ALREADY_DONE.has(file)) {
      it(`${file}: runsc already configured → unchanged`, () => {
        assert.equal(addRunscRuntime(text()).kind, 'unchanged');
      });
    } else {
      it(`${file}: runsc added, nothing else touched, idempotent`, () => {
        assertGolden(checkChangedResult(text(), {}, false), 'corpus', file);
      });
    }
  }
});
