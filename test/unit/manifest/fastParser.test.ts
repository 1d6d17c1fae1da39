// The fast parser must agree with the `yaml` package wherever it answers: same values, and no
// answer at all for a document `yaml` rejects. Checked on real manifests and on mutations of them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { splitDocuments } from '../../../src/core/manifest/documents';
import { parseFast } from '../../../src/core/manifest/fastYamlParser';
import { corpusDir, corpusSkipReason, walkFiles } from '../../support/corpus';
import { yamlTreeToJs } from '../../support/yamlTreeToJs';

function agree(chunk: string): 'fast' | 'fallback' {
  const fast = parseFast(chunk);
  if (fast === undefined) return 'fallback';
  const full = parseDocument(chunk, { uniqueKeys: true });
  assert.deepEqual(full.errors.map((e) => e.message), [], `fast parser accepted what yaml rejects:\n${chunk}`);
  assert.deepEqual(yamlTreeToJs(fast.root), full.toJS({ maxAliasCount: -1 }) ?? null, `values differ for:\n${chunk}`);
  return 'fast';
}

const SAMPLES = [
  'a: 1\nb: [1, 2, {c: d}]\n',
  'kind: Pod\nspec:\n  containers:\n  - name: a\n    args: ["x", \'y\', z]\n    env:\n      - {name: A, value: "1"}\n',
  'a: |\n  line\n  two\nb: >-\n  folded\n  text\nc: 3\n',
  'a: &x {k: v}\nb: *x\nc:\n  <<: *x\n  d: e\n',
  'list:\n- - a\n  - b\n-\n- c: 1\n  d: 2\n',
  '{\n  "kind": "Pod",\n  "spec": {"containers": [{"name": "a"}]}\n}\n',
  'a: "multi\n  line"\nb: plain\n  continued\n',
  '# only a comment\n',
  'a: 1 # comment\n# between\nb:\n  # inside\n  c: 2\n',
];

const BROKEN = ['a: 1\na: 2\n', 'a:\n  b: 1\n c: 2\n', 'a: [1, 2\n', 'a: b: c\n', 'a: "x" y\n', '- a\nb: 1\n', 'a:\n\t- b\n', 'a: *missing\n', '? complex\n: key\n', '!!map {a: 1}\n'];

describe('fast YAML parser', () => {
  it('agrees with yaml on hand-picked documents', () => {
    for (const sample of SAMPLES) assert.equal(agree(sample), 'fast', sample);
  });

  it('hands documents it should not judge to the full parser', () => {
    for (const sample of BROKEN) assert.equal(parseFast(sample), undefined, sample);
  });

  it('agrees with yaml on every real manifest of the corpus', { skip: corpusSkipReason('kubernetes-examples') }, () => {
    let fast = 0;
    let total = 0;
    for (const file of walkFiles(corpusDir('kubernetes-examples')!, ['.yaml', '.yml', '.json'])) {
      for (const chunk of splitDocuments(fs.readFileSync(file, 'utf8'))) {
        total++;
        if (agree(chunk.text) === 'fast') fast++;
      }
    }
    assert.ok(fast / total > 0.9, `fast path took ${fast} of ${total} documents`);
  });

  it('agrees with yaml on mutated manifests (never accepts what yaml rejects)', () => {
    const seeds = [...SAMPLES, ...loadCorpusSample()];
    const pieces = [' ', '  ', ':', ': ', '-', '- ', '\n', '\n  ', '#', '"', "'", '{', '}', '[', ']', ',', '\t', '&a ', '*a', '|', '>', '?', '!', '---', '\\', '\r\n'];
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 4 }), (index, mutations) => {
        let text = seeds[index]!;
        for (const [at, op, piece] of mutations) text = mutate(text, at % (text.length + 1), op, piece);
        for (const chunk of splitDocuments(text)) agree(chunk.text);
      }),
      { numRuns: 3000, seed: 20261128 },
    );
  });
});

function mutate(text: string, at: number, op: number, piece: string): string {
  switch (op) {
    case 0: return text.slice(0, at) + piece + text.slice(at);
    case 1: return text.slice(0, at) + text.slice(at + 1);
    case 2: return text.slice(0, at) + piece + text.slice(at + piece.length);
    default: {
      const lines = text.split('\n');
      const line = at % lines.length;
      lines.splice(line, 0, lines[line]!);
      return lines.join('\n');
    }
  }
}

function loadCorpusSample(): string[] {
  const dir = corpusDir('kubernetes-examples');
  if (!dir) return [];
  return walkFiles(dir, ['.yaml']).slice(0, 40).map((file) => fs.readFileSync(file, 'utf8')).filter((text) => text.length < 4000);
}
