// Bad input costs only what it must: a broken document loses its own findings, nothing throws,
// nothing hangs, and fixes never touch a byte outside their insertion.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  analyzeManifest, applyEdits, DEFAULT_ANALYSIS_OPTIONS, exemptionEdit, helmSkipReason, looksLikeKubernetesManifest,
  ManifestAnalyzer, sandboxAllEdits,
} from '../../../src/core/manifest';
import { corpusDir, corpusSkipReason, walkFiles } from '../../support/corpus';

const options = DEFAULT_ANALYSIS_OPTIONS;
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: NAME}\nspec:\n  containers: [{name: c, image: i}]\n';

describe('robustness', () => {
  it('a syntax error costs only its own document', () => {
    const text = [POD.replace('NAME', 'a'), 'kind: Pod\nspec: [unclosed\n', POD.replace('NAME', 'b')].join('---\n');
    const result = analyzeManifest(text, options);
    assert.deepEqual(result.workloads.map((w) => w.name), ['a', 'b']);
    assert.equal(result.findings.length, 2);
    assert.equal(result.syntaxProblems.length, 1);
    assert.equal(result.syntaxProblems[0]!.documentIndex, 1);
    assert.ok(result.syntaxProblems[0]!.range.start >= text.indexOf('kind: Pod\nspec: [unclosed'));
  });

  it('a duplicate key is a syntax problem, as kubectl would say', () => {
    const result = analyzeManifest('kind: Pod\nkind: Pod\nspec: {containers: []}\n', options);
    assert.equal(result.workloads.length, 0);
    assert.match(result.syntaxProblems[0]!.message, /unique/i);
  });

  it('an alias bomb finishes fast and expands nothing', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 30; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const bomb = `kind: Pod\nmetadata: {name: bomb}\nspec:\n  containers: []\n  x-bomb:\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
    const started = Date.now();
    const result = analyzeManifest(bomb, options);
    assert.ok(Date.now() - started < 2000, 'analysis of an alias bomb took more than 2 s');
    assert.equal(result.workloads.length, 1);
  });

  it('deep nesting is a problem for that document, not a crash', () => {
    const deep = `${'['.repeat(20000)}${']'.repeat(20000)}\n---\n${POD.replace('NAME', 'ok')}`;
    const result = analyzeManifest(deep, options);
    assert.deepEqual(result.workloads.map((w) => w.name), ['ok']);
  });

  it('skips Helm templates, by content or by chart layout', () => {
    assert.match(helmSkipReason('image: {{ .Values.image }}\n')!, /template/);
    const exists = (path: string): boolean => path === '/repo/charts/web/Chart.yaml';
    assert.match(helmSkipReason(POD, '/repo/charts/web/templates/deployment.yaml', exists)!, /chart at \/repo\/charts\/web/);
    assert.equal(helmSkipReason(POD, '/repo/k8s/templates/deployment.yaml', exists), undefined);
    assert.equal(helmSkipReason(POD, '/repo/charts/web/deployment.yaml', exists), undefined);
  });

  it('tells manifests from other YAML and JSON', () => {
    assert.ok(looksLikeKubernetesManifest(POD));
    assert.ok(looksLikeKubernetesManifest('{"apiVersion": "v1", "kind": "Pod"}'));
    assert.ok(!looksLikeKubernetesManifest('{"name": "pkg", "version": "1.0.0"}'));
    assert.ok(!looksLikeKubernetesManifest('jobs:\n  build:\n    runs-on: ubuntu-latest\n'));
  });

  it('re-analysis after edits equals a fresh analysis', () => {
    const analyzer = new ManifestAnalyzer();
    const docs = Array.from({ length: 20 }, (_, i) => POD.replace('NAME', `p${i}`));
    let text = docs.join('---\n');
    analyzer.analyze(text, options);
    for (const [index, change] of [[3, 'x'], [0, 'longer-name'], [19, ''], [7, 'y']] as const) {
      docs[index] = POD.replace('NAME', change || 'z');
      text = docs.join('---\n');
      assert.deepEqual(analyzer.analyze(text, options), analyzeManifest(text, options));
    }
    assert.deepEqual(analyzer.analyze(text, { ...options, sandboxClasses: ['runc'] }), analyzeManifest(text, { ...options, sandboxClasses: ['runc'] }));
  });

  it('incremental re-analysis equals a fresh analysis after any sequence of edits', () => {
    const base = Array.from({ length: 6 }, (_, i) => POD.replace('NAME', `p${i}`)).join('---\n');
    const pieces = ['---\n', '\n---\n', '...\n', 'x', '\n', ' ', 'kind: Job\n', '- ', '#', '{', '\u2028---\n', '\r---\n'];
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(4), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 8 }), (edits) => {
      const analyzer = new ManifestAnalyzer();
      let text = base;
      analyzer.analyze(text, options);
      for (const [at, removeCount, piece] of edits) {
        const p = at % (text.length + 1);
        text = text.slice(0, p) + (removeCount % 2 === 0 ? piece : '') + text.slice(p + removeCount);
        assert.deepEqual(analyzer.analyze(text, options), analyzeManifest(text, options), JSON.stringify(text));
      }
    }), { numRuns: 1500, seed: 7 });
  });

  it('never throws on mutated manifests, and fixes only insert', () => {
    const seeds = [
      POD.replace('NAME', 'a'),
      'kind: Deployment\nmetadata:\n  name: d\n  annotations: {a: b}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n',
      '{"kind": "Job", "metadata": {"name": "j"}, "spec": {"template": {"spec": {"containers": []}}}}',
      'kind: List\nitems:\n- kind: Pod\n  spec: {containers: []}\n- kind: CronJob\n  spec:\n    jobTemplate:\n      spec:\n        template:\n          spec: {runtimeClassName: runc}\n',
    ];
    const pieces = [' ', '\n', ':', '- ', '#', '"', '{', '}', '[', ']', ',', '\t', '&x ', '*x', '<<: ', '---\n', '\r\n', 'ü', '\u2028'];
    fc.assert(fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.constantFrom(...pieces)), { maxLength: 5 }), (index, mutations) => {
      let text = seeds[index]!;
      for (const [at, remove, piece] of mutations) {
        const p = at % (text.length + 1);
        text = remove ? text.slice(0, p) + text.slice(p + 1) : text.slice(0, p) + piece + text.slice(p);
      }
      const analysis = analyzeManifest(text, options);
      let edits;
      try {
        edits = sandboxAllEdits(text, analysis, 'gvisor');
      } catch (error) {
        assert.fail(`sandboxAllEdits threw ${String(error)} on ${JSON.stringify(text)}`);
      }
      const values = new Set(analysis.workloads.map((w) => w.runtimeClassValue && `${w.runtimeClassValue.start}:${w.runtimeClassValue.end}`));
      for (const edit of edits) {
        assert.ok(edit.start === edit.end || values.has(`${edit.start}:${edit.end}`), 'an edit replaces only a runtimeClassName value');
      }
      const after = analyzeManifest(applyEdits(text, edits), options);
      assert.equal(after.syntaxProblems.length, analysis.syntaxProblems.length, `the fix broke ${JSON.stringify(text)}`);
      assert.equal(after.workloads.filter((w) => w.sandbox.kind === 'unsandboxed').length, 0, `the fix missed a workload in ${JSON.stringify(text)}`);
      for (const workload of analysis.workloads) exemptionEdit(text, workload, 'why', analysis.eol);
    }), { numRuns: 2000, seed: 42 });
  });

  it('analyses every real manifest of the corpus, and fixes them all', { skip: corpusSkipReason('kubernetes-examples') }, () => {
    let workloads = 0;
    for (const file of walkFiles(corpusDir('kubernetes-examples')!, ['.yaml', '.yml', '.json'])) {
      const text = fs.readFileSync(file, 'utf8');
      if (helmSkipReason(text)) continue;
      const analysis = analyzeManifest(text, options);
      workloads += analysis.workloads.length;
      const fixed = applyEdits(text, sandboxAllEdits(text, analysis, 'gvisor'));
      const after = analyzeManifest(fixed, options);
      assert.equal(after.findings.filter((f) => f.code === 'unsandboxed-workload').length, 0, file);
      assert.equal(after.syntaxProblems.length, analysis.syntaxProblems.length, file);
    }
    assert.ok(workloads > 100, `only ${workloads} workloads found in the corpus`);
  });
});

